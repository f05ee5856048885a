/**
 * The node's container runtime: containerd 2 (built by scripts/node-runtime.sh) with its own root,
 * state, socket and CNI configuration under the cluster's directory, and the images pods need
 * imported into its `k8s.io` namespace from the local Docker (nothing can be pulled here): the
 * pause image built from pause.c, and our runtime image.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Daemon, startDaemon, until } from './processes.ts';

/** The sandbox image containerd is told to use; built locally by buildPauseImage. */
export const PAUSE_IMAGE = 'ophyd-service.dev/pause:1';
/** The pods' subnet, handed out by the bridge CNI plugin's host-local IPAM. */
export const POD_CIDR = '10.88.0.0/16';

export interface ContainerRuntime {
  daemon: Daemon;
  socket: string;
  ctrPath: string;
  /** Runs ctr against this containerd in its k8s.io namespace; throws with stderr on failure. */
  ctr(args: string[], input?: Buffer): string;
}

const configToml = (dir: string, bin: string) => `version = 3
root = "${dir}/containerd/root"
state = "${dir}/s"
[grpc]
  address = "${dir}/containerd.sock"
[ttrpc]
  address = "${dir}/containerd.sock.ttrpc"
[plugins.'io.containerd.internal.v1.opt']
  path = "${dir}/containerd/opt"
[plugins.'io.containerd.nri.v1.nri']
  disable = true
[plugins.'io.containerd.cri.v1.images']
  snapshotter = "overlayfs"
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "${PAUSE_IMAGE}"
[plugins.'io.containerd.cri.v1.runtime']
  # This machine's capability bounding set lacks CAP_SYS_RESOURCE, so no process may lower its
  # oom_score_adj: cap the kubelet's requests (-998 for sandboxes) at containerd's own (0).
  restrict_oom_score_adj = true
  # Pods' network namespaces under our state dir (not /run/netns), so teardown finds every one.
  netns_mounts_under_state_dir = true
  [plugins.'io.containerd.cri.v1.runtime'.containerd]
    default_runtime_name = "runc"
    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
        BinaryName = "${bin}/runc"
        SystemdCgroup = false
  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["${bin}/cni"]
    conf_dir = "${dir}/cni"
[plugins.'io.containerd.grpc.v1.cri']
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
`;

// One bridge in the cluster's network namespace; masquerading stays inside that namespace too.
const cniConflist = (dir: string) =>
  JSON.stringify({
    cniVersion: '1.0.0',
    name: 'ophyd-cluster',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: POD_CIDR }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: join(dir, 'cni-ipam'),
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  });

/** Starts containerd in `netns` with everything under `dir`; resolves once it answers ctr. */
export async function startContainerRuntime(
  bin: string,
  netns: string,
  dir: string,
): Promise<ContainerRuntime> {
  mkdirSync(join(dir, 'cni'), { recursive: true });
  writeFileSync(join(dir, 'cni', '10-ophyd-bridge.conflist'), cniConflist(dir));
  writeFileSync(join(dir, 'containerd.toml'), configToml(dir, bin));
  const socket = join(dir, 'containerd.sock');
  // The shim is found on PATH; ours must come first.
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const daemon = startDaemon(
    'containerd',
    netns,
    join(bin, 'containerd'),
    ['--config', join(dir, 'containerd.toml')],
    dir,
    env,
  );
  const ctr = (args: string[], input?: Buffer) => {
    const run = spawnSync(join(bin, 'ctr'), ['--address', socket, '--namespace', 'k8s.io', ...args], {
      input,
      maxBuffer: 64 << 20,
    });
    if (run.status !== 0) throw new Error(`ctr ${args.join(' ')} failed: ${run.stderr.toString().trim()}`);
    return run.stdout.toString();
  };
  await until('containerd answering on its socket', async () => {
    if (!existsSync(socket)) return false;
    ctr(['version']);
    return true;
  }, [daemon]);
  return { daemon, socket, ctrPath: join(bin, 'ctr'), ctr };
}

/** Builds the pause image (pause.c, static) into the local Docker under PAUSE_IMAGE. */
export function buildPauseImage(workDir: string): void {
  const context = join(workDir, 'pause-image');
  mkdirSync(context, { recursive: true });
  execFileSync('gcc', ['-static', '-O2', '-o', join(context, 'pause'), join(import.meta.dirname, 'pause.c')]);
  writeFileSync(
    join(context, 'Dockerfile'),
    'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n',
  );
  const build = spawnSync('docker', ['build', '-q', '-t', PAUSE_IMAGE, context], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`docker build of ${PAUSE_IMAGE} failed: ${build.stderr}`);
}

/** Copies a local Docker image into containerd (`docker save | ctr images import`, streamed). */
export function importImage(runtime: ContainerRuntime, tag: string): void {
  const pipeline = 'docker save "$1" | "$2" --address "$3" --namespace k8s.io images import -';
  const run = spawnSync(
    'bash',
    ['-o', 'pipefail', '-c', pipeline, 'import', tag, runtime.ctrPath, runtime.socket],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`importing ${tag} into containerd failed: ${run.stderr}`);
}
