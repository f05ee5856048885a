/**
 * The runtime image the pods run: built from integration/images/runtime/Dockerfile and tagged with
 * a hash of everything the build copies, so an unchanged tree reuses the image (CI keeps Docker's
 * images between runs) and any change builds afresh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireImage } from '../prerequisites.ts';

export const REPO_ROOT = join(import.meta.dirname, '../../..');
export const DOCKERFILE = 'integration/images/runtime/Dockerfile';
/** What the build may copy: the `!path` lines of .dockerignore (which starts by excluding everything). */
const context = () =>
  readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('!'))
    .map((line) => line.slice(1).replace(/\/$/, ''));

/** A hash of the Dockerfile and the tracked files of the build context (tests and READMEs excluded). */
export function contextHash(): string {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', ...context()], {
    cwd: REPO_ROOT,
  })
    .toString()
    .split('\n')
    .filter((f) => f && !/(^|\/)test\//.test(f) && !f.endsWith('.test.ts') && !f.endsWith('README.md'))
    .sort();
  const hash = createHash('sha256').update(readFileSync(join(REPO_ROOT, DOCKERFILE)));
  for (const file of files) {
    try {
      hash.update(file).update(readFileSync(join(REPO_ROOT, file)));
    } catch {
      hash.update(`${file} (deleted)`);
    }
  }
  return hash.digest('hex').slice(0, 12);
}

const exists = (tag: string) =>
  spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0;

/** The image tag for the current tree, building it when missing; `log` hears about the build. */
export function ensureImage(log: (line: string) => void = () => {}): string {
  requireImage('node:24-bookworm-slim');
  const tag = `ophyd-service:${contextHash()}`;
  if (exists(tag)) return tag;
  log(`building ${tag} from ${DOCKERFILE}…`);
  const started = Date.now();
  const build = spawnSync(
    'docker',
    ['build', '-f', DOCKERFILE, '-t', tag, '-t', 'ophyd-service:latest', '.'],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  if (build.status !== 0)
    throw new Error(
      `docker build of ${tag} failed:\n${`${build.stdout}\n${build.stderr}`.trim().split('\n').slice(-30).join('\n')}`,
    );
  log(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  removeStaleTags(tag);
  return tag;
}

/** Images of earlier trees (other context hashes) only take disk space: drop their tags. */
function removeStaleTags(current: string): void {
  const tags = spawnSync('docker', ['images', 'ophyd-service', '--format', '{{.Repository}}:{{.Tag}}'], {
    encoding: 'utf8',
  }).stdout.split('\n');
  const stale = tags.filter((t) => /^ophyd-service:[0-9a-f]{12}$/.test(t) && t !== current);
  if (stale.length) spawnSync('docker', ['rmi', ...stale], { stdio: 'ignore' });
}
