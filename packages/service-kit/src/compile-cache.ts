/**
 * Node strips the types of every .ts module it loads with a wasm stripper (amaro) that then stays
 * resident: about 17 MB of RSS in each process. Node's compile cache keeps the stripped output (and
 * V8's code cache) on disk, keyed by the source's hash, so a later start of an unchanged module
 * never loads the stripper. Nothing to build: the first start fills the cache (in the OS temporary
 * directory unless NODE_COMPILE_CACHE says where; NODE_DISABLE_COMPILE_CACHE=1 turns it off).
 */
import { enableCompileCache, getCompileCacheDir } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the cache lives: Node puts a folder per Node version under it. */
const cacheRoot = (env: NodeJS.ProcessEnv) => env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache');

/** Turns the compile cache on for the modules this process loads from now on. */
export function useCompileCache(): void {
  enableCompileCache(cacheRoot(process.env));
}

/**
 * The variable that gives a child process the same cache from its first module on, when `env` says
 * nothing about it and this process has the cache on (or `always`: a child whose start-up time
 * matters whether or not its parent uses the cache, such as the queue server's worker).
 */
export function compileCacheEnv(
  env: NodeJS.ProcessEnv,
  options: { always?: boolean } = {},
): NodeJS.ProcessEnv {
  if (!(options.always || getCompileCacheDir())) return {};
  if ('NODE_COMPILE_CACHE' in env || 'NODE_DISABLE_COMPILE_CACHE' in env) return {};
  return { NODE_COMPILE_CACHE: cacheRoot(env) };
}
