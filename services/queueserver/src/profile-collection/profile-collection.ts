/**
 * The profile collection: the git checkout of the startup code, which the UI's reload flow pulls
 * and inspects (the fork's `/api/profile_collection/*`, spec §10.3). `QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR`
 * names it; unset, it is the checkout holding the startup directory.
 *
 * A pull only ever fast-forwards a clean working tree: merges, rebases and on-host edits are the
 * operator's to resolve with a shell, never stashed or overwritten here.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DomainError } from '@ophyd-service/service-kit';
import { GitMissing, type GitResult, GitTimedOut, git, gitSays } from './git.ts';

export const PROFILE_COLLECTION_VARIABLE = 'QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR';
/** A changed pixi.toml means a new conda environment: a worker recycle cannot bring that in. */
export const PIXI_TOML = 'pixi.toml';

export interface ProfileStatus {
  profile_dir: string;
  commit: string;
  /** Null when HEAD is detached. */
  branch: string | null;
  /** Staged, unstaged or untracked changes. */
  is_dirty: boolean;
  /** Against the branch's upstream as last fetched; null without an upstream. */
  ahead: number | null;
  behind: number | null;
}

export interface ProfilePull {
  commit_before: string;
  commit_after: string;
  /** Paths (from the checkout's top) that differ between the two commits. */
  files_changed: string[];
  pixi_toml_changed: boolean;
}

export interface ProfileCollectionSource {
  /** `QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR` ('' when unset). */
  configuredDir: string;
  /** `QSERVER_STARTUP_DIR` ('' for the built-in profile). */
  startupDir: string;
  /** Bound on `git fetch` (ms). */
  fetchTimeoutMs?: number;
}

export class ProfileCollection {
  private readonly source: ProfileCollectionSource;
  private pulling = false;

  constructor(source: ProfileCollectionSource) {
    this.source = source;
  }

  async status(): Promise<ProfileStatus> {
    return gitErrors(async () => {
      const dir = await this.directory();
      const commit = await headCommit(dir);
      const branch = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
      const dirty = await changedPaths(dir);
      const counts = (await upstream(dir)) === null ? null : await aheadBehind(dir);
      return {
        profile_dir: dir,
        commit,
        branch: branch.code === 0 ? branch.stdout.trim() : null,
        is_dirty: dirty.length > 0,
        ahead: counts?.ahead ?? null,
        behind: counts?.behind ?? null,
      };
    });
  }

  /** `git fetch` then `git merge --ff-only @{upstream}`; one pull at a time. */
  async pull(): Promise<ProfilePull> {
    if (this.pulling)
      throw new DomainError('conflict', 'A pull of the profile collection is already in progress');
    this.pulling = true;
    try {
      return await gitErrors(() => this.fastForward());
    } finally {
      this.pulling = false;
    }
  }

  private async fastForward(): Promise<ProfilePull> {
    const dir = await this.directory();
    const dirty = await changedPaths(dir);
    if (dirty.length)
      throw new DomainError(
        'conflict',
        `The profile collection's working tree at '${dir}' has uncommitted changes (${listed(dirty)}): commit or revert them on the host, then pull again (nothing is stashed)`,
      );
    const branch = await git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    if (branch.code !== 0)
      throw new DomainError(
        'conflict',
        `HEAD is detached in the profile collection at '${dir}': check out a branch with an upstream on the host to pull`,
      );
    const name = branch.stdout.trim();
    const tracked = await upstream(dir);
    if (tracked === null)
      throw new DomainError(
        'conflict',
        `Branch '${name}' of the profile collection at '${dir}' has no upstream to pull from: set one on the host (git branch --set-upstream-to=<remote>/<branch>)`,
      );
    const before = await headCommit(dir);
    const fetched = await git(dir, ['fetch', '--quiet'], this.source.fetchTimeoutMs);
    if (fetched.code !== 0)
      throw new DomainError('unavailable', `git fetch failed in '${dir}': ${gitSays(fetched)}`);
    const fastForward = await git(dir, ['merge-base', '--is-ancestor', 'HEAD', '@{upstream}']);
    if (fastForward.code === 1) {
      const counts = await aheadBehind(dir);
      throw new DomainError(
        'conflict',
        `Cannot fast-forward '${name}' to '${tracked}': they have diverged (${counts?.ahead} local commit(s) the upstream lacks, ${counts?.behind} upstream commit(s) to take): merge or rebase on the host`,
      );
    }
    if (fastForward.code !== 0) throw failed('git merge-base', fastForward);
    const merged = await git(dir, ['merge', '--ff-only', '--quiet', '@{upstream}']);
    if (merged.code !== 0)
      throw new DomainError('conflict', `git merge --ff-only failed in '${dir}': ${gitSays(merged)}`);
    const after = await headCommit(dir);
    let files: string[] = [];
    if (after !== before) {
      const diff = await git(dir, ['diff', '--name-only', '-z', before, after]);
      if (diff.code !== 0) throw failed('git diff', diff);
      files = diff.stdout.split('\0').filter(Boolean);
    }
    return {
      commit_before: before,
      commit_after: after,
      files_changed: files,
      pixi_toml_changed: files.includes(PIXI_TOML),
    };
  }

  /** The checkout's directory, or why there is none (a deployment without the feature: 501). */
  private async directory(): Promise<string> {
    const { configuredDir, startupDir } = this.source;
    if (configuredDir) {
      const dir = resolve(configuredDir);
      if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory())
        throw unsupported(`${PROFILE_COLLECTION_VARIABLE} names '${dir}', which is not a directory`);
      const inside = await git(dir, ['rev-parse', '--is-inside-work-tree']);
      if (inside.code !== 0 || inside.stdout.trim() !== 'true')
        throw unsupported(
          `${PROFILE_COLLECTION_VARIABLE} names '${dir}', which is not a git checkout: ${gitSays(inside)}`,
        );
      return dir;
    }
    if (!startupDir)
      throw unsupported(
        `The profile collection is not configured: set ${PROFILE_COLLECTION_VARIABLE} to the git checkout of the startup code (the built-in simulated profile has none)`,
      );
    const top = await git(resolve(startupDir), ['rev-parse', '--show-toplevel']);
    if (top.code !== 0)
      throw unsupported(
        `The profile collection is not configured: ${PROFILE_COLLECTION_VARIABLE} is not set and the startup directory '${resolve(startupDir)}' is not in a git checkout (${gitSays(top)})`,
      );
    return top.stdout.trim();
  }
}

async function headCommit(dir: string): Promise<string> {
  const head = await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  if (head.code !== 0)
    throw new DomainError('conflict', `The profile collection at '${dir}' has no commit yet`);
  return head.stdout.trim();
}

/** `git status --porcelain`'s paths: staged, unstaged and untracked. */
async function changedPaths(dir: string): Promise<string[]> {
  const status = await git(dir, ['status', '--porcelain', '-z']);
  if (status.code !== 0) throw failed('git status', status);
  const paths: string[] = [];
  const entries = status.stdout.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!entry) continue;
    paths.push(entry.slice(3));
    // A rename or copy is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return paths;
}

/** The branch's upstream (`origin/main`), or null when it has none. */
async function upstream(dir: string): Promise<string | null> {
  const tracked = await git(dir, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}']);
  return tracked.code === 0 && tracked.stdout.trim() ? tracked.stdout.trim() : null;
}

async function aheadBehind(dir: string): Promise<{ ahead: number; behind: number } | null> {
  const counts = await git(dir, ['rev-list', '--left-right', '--count', 'HEAD...@{upstream}']);
  const [ahead, behind] = counts.stdout.trim().split(/\s+/).map(Number);
  if (counts.code !== 0 || !Number.isInteger(ahead) || !Number.isInteger(behind)) return null;
  return { ahead, behind };
}

function listed(paths: string[]): string {
  const shown = paths.slice(0, 5).join(', ');
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}

function unsupported(detail: string): DomainError {
  return new DomainError('unsupported', detail);
}

function failed(what: string, result: GitResult): DomainError {
  return new DomainError('failed', `${what} failed: ${gitSays(result)}`);
}

/** git's own failures as DomainErrors: no git at all (501), a command past its bound (504). */
async function gitErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GitMissing) throw unsupported(`The profile collection needs git: ${error.message}`);
    if (error instanceof GitTimedOut) throw new DomainError('timeout', error.message);
    throw error;
  }
}
