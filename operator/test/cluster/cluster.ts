/**
 * A real one-node Kubernetes cluster for test:cluster: etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, containerd, kubelet and kube-proxy, all inside a network
 * namespace made for it (so kube-proxy's iptables rules, the CNI bridge and every port stay out of
 * the host's network), with its files under one temporary directory. The node's address is an
 * extra address on that namespace's loopback; pods reach it through the bridge's gateway.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { BIN, type CommandResult, runCollecting } from '../k8s/cluster.ts';
import {
  buildPauseImage,
  type ContainerRuntime,
  importImage,
  PAUSE_IMAGE,
  POD_CIDR,
  startContainerRuntime,
} from './container-runtime.ts';
import { kubeletConfig, writeServiceAccountKeys } from './node-config.ts';
import { type Daemon, logTail, startDaemon, stopDaemon, until } from './processes.ts';

export { BIN };
/** The node's name and address (inside the cluster's network namespace). */
export const NODE_NAME = 'ophyd-node';
export const NODE_IP = '10.200.0.1';
const SERVICE_CIDR = '10.96.0.0/16';

const NEEDED = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
  'kube-proxy',
  'containerd',
  'containerd-shim-runc-v2',
  'ctr',
  'runc',
  'cni/bridge',
  'cni/host-local',
  'cni/loopback',
  'cni/portmap',
];

/** Fails (never skips) naming the script that builds each missing binary. */
export function requireNodeBinaries(): void {
  const missing = NEEDED.filter((b) => !existsSync(join(BIN, b)));
  if (missing.length)
    throw new Error(
      `missing ${missing.join(', ')} in ${BIN}: run scripts/k8s-binaries.sh and scripts/node-runtime.sh`,
    );
  if (process.getuid?.() !== 0) throw new Error('test:cluster runs a kubelet: it needs root');
}

export interface RealCluster {
  dir: string;
  netns: string;
  kubeconfigPath: string;
  runtime: ContainerRuntime;
  /** Runs `command` inside the cluster's network namespace; resolves with {code, stdout, stderr}. */
  run(command: string, args: string[], input?: string): Promise<CommandResult>;
  /** kubectl inside the cluster's network namespace; resolves with {code, stdout, stderr}. */
  kubectl(args: string[], input?: string): Promise<CommandResult>;
  /** Imports a local Docker image into the node's containerd. */
  loadImage(tag: string): void;
  /** The daemons (for log tails in failures). */
  daemons: Daemon[];
  stop(): Promise<void>;
}

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: 'pipe' }).toString();

/** Starts the whole cluster; on any failure tears down what it had started and rethrows. */
export async function startRealCluster(): Promise<RealCluster> {
  requireNodeBinaries();
  const dir = mkdtempSync('/tmp/ophyd-k8s-');
  const netns = `ophyd-k8s-${randomBytes(3).toString('hex')}`;
  const daemons: Daemon[] = [];
  let runtime: ContainerRuntime | undefined;
  const inNs = (cmd: string, args: string[]) => sh('ip', ['netns', 'exec', netns, cmd, ...args]);
  let drainPods = async () => {};
  const stop = async () => {
    // Controllers first, so the drained pods are not replaced.
    for (const name of ['kube-controller-manager', 'kube-scheduler'])
      await stopDaemon(daemons.find((d) => d.name === name));
    await drainPods().catch(() => {});
    await teardown(dir, netns, daemons, runtime);
  };
  try {
    sh('ip', ['netns', 'add', netns]);
    inNs('ip', ['link', 'set', 'lo', 'up']);
    inNs('ip', ['addr', 'add', `${NODE_IP}/32`, 'dev', 'lo']);
    // The node's own clients of Service addresses (kube-proxy DNATs them in OUTPUT) need a route to
    // the service range before the DNAT, as a node's default route gives it (no dummy device here).
    inNs('ip', ['route', 'add', SERVICE_CIDR, 'dev', 'lo', 'src', NODE_IP]);
    // Pods' traffic is routed (and masqueraded) by this namespace; bridged pod-to-pod traffic must
    // cross iptables too, for Services whose backend shares the bridge (both sysctls are per netns).
    inNs('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    inNs('sysctl', ['-qw', 'net.bridge.bridge-nf-call-iptables=1']);

    const token = randomBytes(16).toString('hex');
    writeFileSync(join(dir, 'tokens.csv'), `${token},admin,admin,"system:masters"\n`);
    writeServiceAccountKeys(dir);
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfigPath,
      `apiVersion: v1
kind: Config
clusters: [{name: node, cluster: {server: "https://${NODE_IP}:6443", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: "${token}"}}]
contexts: [{name: node, context: {cluster: node, user: admin, namespace: default}}]
current-context: node
`,
    );
    const run: RealCluster['run'] = (command, args, input) =>
      runCollecting('nsenter', [`--net=/run/netns/${netns}`, '--', command, ...args], input);
    const kubectl: RealCluster['kubectl'] = (args, input) =>
      run('kubectl', [`--kubeconfig=${kubeconfigPath}`, ...args], input);
    // Deleting the pods lets the kubelet stop their containers and release their addresses.
    drainPods = async () => {
      await kubectl(['delete', 'pods', '--all', '--all-namespaces', '--wait', '--timeout=90s']);
    };
    const daemon = (name: string, args: string[]) => {
      const d = startDaemon(name, netns, join(BIN, name), args, dir);
      daemons.push(d);
      return d;
    };

    daemon('etcd', [
      `--data-dir=${join(dir, 'etcd')}`,
      '--listen-client-urls=http://127.0.0.1:2379',
      '--advertise-client-urls=http://127.0.0.1:2379',
      '--listen-peer-urls=http://127.0.0.1:2380',
      '--unsafe-no-fsync',
    ]);
    daemon('kube-apiserver', [
      '--etcd-servers=http://127.0.0.1:2379',
      `--cert-dir=${join(dir, 'certs')}`,
      '--bind-address=0.0.0.0',
      `--advertise-address=${NODE_IP}`,
      '--secure-port=6443',
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      '--allow-privileged=true',
      // Logs, exec and port-forward reach the kubelet by address: no DNS knows the node's name.
      '--kubelet-preferred-address-types=InternalIP',
    ]);
    await until(
      'kube-apiserver /readyz',
      async () => (await kubectl(['get', '--raw', '/readyz'])).code === 0,
      daemons,
    );
    daemon('kube-controller-manager', [
      `--kubeconfig=${kubeconfigPath}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--cert-dir=${join(dir, 'kcm-certs')}`,
      `--service-account-private-key-file=${join(dir, 'sa.key')}`,
      `--root-ca-file=${join(dir, 'certs', 'apiserver.crt')}`,
      `--cluster-cidr=${POD_CIDR}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
    ]);
    daemon('kube-scheduler', [
      `--kubeconfig=${kubeconfigPath}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--cert-dir=${join(dir, 'scheduler-certs')}`,
    ]);

    // Cluster DNS (cluster-dns.ts) on the node's address, before the kubelet points pods at it.
    const dns = startDaemon(
      'cluster-dns',
      netns,
      process.execPath,
      [join(import.meta.dirname, 'cluster-dns.ts'), kubeconfigPath, NODE_IP],
      dir,
    );
    daemons.push(dns);
    await until(
      'cluster DNS listening',
      async () => logTail(dns.logPath).includes('cluster DNS on'),
      daemons,
    );

    buildPauseImage(dir);
    runtime = await startContainerRuntime(BIN, netns, dir);
    daemons.push(runtime.daemon);
    importImage(runtime, PAUSE_IMAGE);

    mkdirSync(join(dir, 'kubelet'), { recursive: true });
    writeFileSync(join(dir, 'kubelet.yaml'), kubeletConfig(dir, runtime.socket, NODE_IP));
    daemon('kubelet', [
      `--config=${join(dir, 'kubelet.yaml')}`,
      `--kubeconfig=${kubeconfigPath}`,
      `--root-dir=${join(dir, 'kubelet')}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
    ]);
    daemon('kube-proxy', [
      `--kubeconfig=${kubeconfigPath}`,
      '--proxy-mode=iptables',
      `--hostname-override=${NODE_NAME}`,
      `--cluster-cidr=${POD_CIDR}`,
      // The namespace's conntrack table is the kernel's: leave its global sysctls alone.
      '--conntrack-max-per-core=0',
      '--conntrack-tcp-timeout-established=0',
      '--conntrack-tcp-timeout-close-wait=0',
      '--metrics-bind-address=127.0.0.1:10249',
      // Lowering an oom_score_adj needs CAP_SYS_RESOURCE, which this machine's bounding set lacks.
      '--oom-score-adj=0',
    ]);
    const live = runtime;
    return {
      dir,
      netns,
      kubeconfigPath,
      runtime: live,
      run,
      kubectl,
      loadImage: (tag) => importImage(live, tag),
      daemons,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Stops what startRealCluster started, in reverse: the node's daemons, any container process
 * left in the kubelet's cgroups and the shims of our containerd (found by its socket in their
 * command line), the control plane, then the mounts left under the directory, the kubelet's
 * cgroups, the network namespace and the directory.
 */
async function teardown(
  dir: string,
  netns: string,
  daemons: Daemon[],
  runtime: ContainerRuntime | undefined,
): Promise<void> {
  const order = ['kube-proxy', 'kubelet', 'cluster-dns', 'kube-scheduler', 'kube-controller-manager'];
  for (const name of order) await stopDaemon(daemons.find((d) => d.name === name));
  if (runtime) {
    // Containers the kubelet left (a pod that would not drain), then their shims.
    for (const pid of [...kubepodsPids(), ...shimPids(runtime.socket)]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  }
  await stopDaemon(daemons.find((d) => d.name === 'containerd'));
  await stopDaemon(daemons.find((d) => d.name === 'kube-apiserver'));
  await stopDaemon(daemons.find((d) => d.name === 'etcd'));
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((m) => m?.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const mount of mounts) {
    try {
      sh('umount', ['-l', mount]);
    } catch {}
  }
  removeKubeletCgroups();
  removeCniResults();
  try {
    sh('ip', ['netns', 'del', netns]);
  } catch {}
  rmSync(dir, { recursive: true, force: true });
}

/** Pids of containerd shims started for the containerd listening on `socket`. */
function shimPids(socket: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('containerd-shim-runc-v2') && line.includes(socket))
    .map((line) => Number.parseInt(line.trim(), 10))
    .filter((pid) => Number.isInteger(pid));
}

/** Pids in the kubelet's kubepods cgroup tree (the pids controller's view holds every one). */
function kubepodsPids(): number[] {
  const top = '/sys/fs/cgroup/pids/kubepods';
  if (!existsSync(top)) return [];
  const files = sh('find', [top, '-name', 'cgroup.procs']).split('\n').filter(Boolean);
  return files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean).map(Number));
}

/**
 * The CNI result cache (libcni's, always /var/lib/cni/results) entries of our network and of the
 * same containers' loopback, left when a sandbox is not torn down through CNI DEL.
 */
function removeCniResults(): void {
  const results = '/var/lib/cni/results';
  if (!existsSync(results)) return;
  for (const file of readdirSync(results)) {
    const ours = /^ophyd-cluster-([0-9a-f]{64})-/.exec(file);
    if (!ours) continue;
    rmSync(join(results, file), { force: true });
    rmSync(join(results, `cni-loopback-${ours[1]}-lo`), { force: true });
  }
}

/** The kubepods cgroup trees the kubelet made under every v1 controller (emptied by now). */
function removeKubeletCgroups(): void {
  const root = '/sys/fs/cgroup';
  for (const controller of existsSync(root) ? sh('ls', [root]).split('\n').filter(Boolean) : []) {
    const top = join(root, controller, 'kubepods');
    if (!existsSync(top)) continue;
    // rmdir works on cgroup directories only depth-first.
    const dirs = sh('find', [top, '-depth', '-type', 'd']).split('\n').filter(Boolean);
    for (const d of dirs) {
      try {
        execFileSync('rmdir', [d], { stdio: 'ignore' });
      } catch {}
    }
  }
}
