/**
 * A real control plane for the operator tests, envtest-style: etcd, kube-apiserver and (for garbage
 * collection) kube-controller-manager, built by scripts/k8s-binaries.sh, on loopback ports with a
 * token-authenticated admin. No kubelet: Deployments never get pods, so a test that needs a ready
 * Deployment writes its status itself, as envtest users do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { freePort } from '../../../cli/test/network.ts';

export const BIN =
  process.env.OPHYD_K8S_BIN ??
  join(
    process.env.OPHYD_K8S_CACHE ??
      join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ophyd-service/k8s'),
    'bin',
  );

/** True when `name` is an executable file in a directory of PATH. */
function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Fails (never skips) naming what provides each missing tool. */
export function requireBinaries(): void {
  const missing = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'helm', 'skaffold'].filter(
    (b) => !existsSync(join(BIN, b)),
  );
  if (missing.length)
    throw new Error(
      `missing ${missing.join(', ')} in ${BIN}: run scripts/k8s-binaries.sh (it builds them with Go)`,
    );
  // kubectl comes from the machine, not from scripts/k8s-binaries.sh.
  if (!onPath('kubectl'))
    throw new Error(
      'kubectl is not on PATH: install the `kubectl` apt package (the one on the CI machines, from the ' +
        'Google Cloud SDK repository), or any kubectl within one minor version of the API server ' +
        'that scripts/k8s-binaries.sh builds',
    );
}

/** What a finished command said: its exit code (1 when killed), stdout and stderr. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command` with `input` on its stdin and collects what it prints; never rejects. */
export function runCollecting(command: string, args: string[], input?: string): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', (err) => resolve({ code: 1, stdout, stderr: `${stderr}${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export interface Cluster {
  url: string;
  /** The API server's self-signed serving certificate (what a pod would find as ca.crt). */
  caPath: string;
  token: string;
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  /** Runs kubectl against this cluster; resolves with {code, stdout, stderr}. */
  kubectl(args: string[], input?: string): Promise<CommandResult>;
  restartApiserver(): Promise<void>;
  stop(): Promise<void>;
}

function run(bin: string, args: string[], logs: string[]): ChildProcess {
  const child = spawn(join(BIN, bin), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    logs.push(chunk.toString());
    if (logs.length > 200) logs.splice(0, logs.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

async function until(what: string, check: () => Promise<boolean>, ms: number, logs: string[]): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${what} not ready within ${ms / 1000} s:\n${logs.join('').split('\n').slice(-20).join('\n')}`,
  );
}

const stopProcess = (child: ChildProcess | undefined) =>
  new Promise<void>((resolve) => {
    if (!child || child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });

export async function startCluster(options: { controllerManager?: boolean } = {}): Promise<Cluster> {
  requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'k8s-'));
  const logs: string[] = [];
  const [etcdClient, etcdPeer, apiPort, kcmPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const etcd = run(
    'etcd',
    [
      '--name=default',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
    ],
    logs,
  );
  await until('etcd', async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok, 20_000, logs);

  const token = randomBytes(16).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  const url = `https://127.0.0.1:${apiPort}`;
  const apiserverArgs = [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    `--cert-dir=${join(dir, 'certs')}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-account-issuer=https://kubernetes.default.svc',
    '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true',
    '--disable-admission-plugins=ServiceAccount',
  ];
  let apiserver = run('kube-apiserver', apiserverArgs, logs);
  // The apiserver's certificate is self-signed: this probe (and the kubeconfig) skip verification.
  const readyz = () =>
    new Promise<boolean>((resolve) => {
      const req = httpsGet(
        `${url}/readyz`,
        { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false },
        (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        },
      );
      req.on('error', () => resolve(false));
    });
  await until('kube-apiserver', readyz, 90_000, logs);

  const kubeconfigPath = join(dir, 'kubeconfig');
  const kubeconfigText = `apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "${url}", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "${token}"}}]
contexts: [{name: test, context: {cluster: test, user: admin, namespace: default}}]
current-context: test
`;
  writeFileSync(kubeconfigPath, kubeconfigText);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);

  let kcm: ChildProcess | undefined;
  if (options.controllerManager) {
    kcm = run(
      'kube-controller-manager',
      [
        `--kubeconfig=${kubeconfigPath}`,
        '--controllers=garbagecollector,namespace',
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${kcmPort}`,
        `--cert-dir=${join(dir, 'kcm-certs')}`,
      ],
      logs,
    );
  }

  const cluster: Cluster = {
    url,
    caPath: join(dir, 'certs', 'apiserver.crt'),
    token,
    kubeconfigPath,
    kubeConfig,
    kubectl: (args, input) => runCollecting('kubectl', [`--kubeconfig=${kubeconfigPath}`, ...args], input),
    async restartApiserver() {
      await stopProcess(apiserver);
      apiserver = run('kube-apiserver', apiserverArgs, logs);
      await until('kube-apiserver (restarted)', readyz, 90_000, logs);
    },
    async stop() {
      await stopProcess(kcm);
      await stopProcess(apiserver);
      await stopProcess(etcd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}
