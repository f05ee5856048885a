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

/**
 * Testcontainers' reaper (Ryuk) is an image that cannot be pulled on an offline machine. Without it
 * the pods still stop their containers themselves (tests in `after`, `pod up` on Ctrl-C); only a
 * killed process leaves containers behind, which the next run does not reuse.
 */
export function reaperOffUnlessAvailable(): void {
  if (process.env.TESTCONTAINERS_RYUK_DISABLED !== undefined) return;
  const ryuk = execFileSync('docker', ['images', '-q', 'testcontainers/ryuk'], { timeout: 20_000 })
    .toString()
    .trim();
  if (!ryuk) process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
}

/** The compose command here: the Docker plugin (`docker compose`) or Debian's `docker-compose`. */
export function composeCommand(): string[] {
  if (has('docker', ['compose', 'version'])) return ['docker', 'compose'];
  if (has('docker-compose', ['version'])) return ['docker-compose'];
  throw new Error('Neither `docker compose` nor `docker-compose` is installed. Run scripts/provision.sh.');
}
