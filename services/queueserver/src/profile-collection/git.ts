/**
 * The `git` command line, run in one directory: never prompting (a fetch that needs credentials
 * fails instead of waiting on a terminal nobody watches), in the C locale, with a time bound.
 */
import { execFile } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** git is not installed: the profile-collection routes cannot be offered. */
export class GitMissing extends Error {
  override name = 'GitMissing';
}

/** git did not finish within its bound (a fetch from an unreachable host, say). */
export class GitTimedOut extends Error {
  override name = 'GitTimedOut';
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function git(cwd: string, args: string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          // Status polls must not take the index lock a concurrent git on the host may want.
          GIT_OPTIONAL_LOCKS: '0',
          LC_ALL: 'C',
        },
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const failure = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (failure.code === 'ENOENT' && failure.syscall?.startsWith('spawn'))
          return reject(new GitMissing('the git command is not installed on the server'));
        if (failure.killed)
          return reject(new GitTimedOut(`git ${args.join(' ')} did not finish within ${timeoutMs / 1000} s`));
        if (typeof failure.code === 'number') return resolve({ code: failure.code, stdout, stderr });
        reject(error);
      },
    );
  });
}

/** The first line of what git said about a failure (its `fatal:`/`error:` line when it has one). */
export function gitSays(result: GitResult): string {
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? `exit code ${result.code}`;
}
