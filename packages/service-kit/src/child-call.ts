/**
 * Some start-up work needs large libraries that a running service never uses again (swagger-jsdoc
 * and its YAML and schema parsers to build the OpenAPI document; the run engine to describe the
 * queue server's built-in profile). Modules cannot be unloaded: dropped from the require cache they
 * stay reachable from Node's loader (measured: the heap keeps them), and a worker thread's freed
 * isolate stays in the process's malloc arenas (measured: more RSS than loading in place). A
 * short-lived child process does the work and answers in JSON, and its memory goes with it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCacheEnv } from './compile-cache.ts';

const runner = join(import.meta.dirname, 'child-call-runner.ts');

/**
 * Calls the export `name` of the module at `moduleUrl` with `args` (JSON values) in a child Node
 * process and returns its JSON result; the child's error message is thrown here. Synchronous, for
 * start-up code that is (a service's constructor).
 */
export function callInChild<T>(moduleUrl: string, name: string, args: unknown[]): T {
  const result = spawnSync(process.execPath, [runner], {
    input: JSON.stringify({ module: moduleUrl, name, args }),
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    // The child shares this process's compile cache (no type stripper to load for cached .ts modules).
    env: { ...process.env, ...compileCacheEnv(process.env) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const where = `${fileURLToPath(moduleUrl)}: ${name}`;
    throw new Error(result.stderr.trim() || `${where} exited with ${result.status ?? result.signal}`);
  }
  return JSON.parse(result.stdout) as T;
}
