/** Checks that what the pod tests need is on the machine, failing with the script that provides it. */
import { execFileSync } from 'node:child_process';

function has(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

export function requireDocker(): void {
  if (!has('docker', ['info'])) {
    throw new Error(
      'No Docker engine answers `docker info`. Run scripts/provision.sh (it installs docker.io and starts dockerd).',
    );
  }
}

export function requireImage(tag: string): void {
  requireDocker();
  if (!has('docker', ['image', 'inspect', tag])) {
    throw new Error(
      `Docker image ${tag} is missing and cannot be pulled here. Run integration/images/offline-base.sh.`,
    );
  }
}
