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
 * The variable that gives a child process the same cache from its first module on, when this
 * process has it on and `env` says nothing about it.
 */
export function compileCacheEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!getCompileCacheDir() || 'NODE_COMPILE_CACHE' in env || 'NODE_DISABLE_COMPILE_CACHE' in env) return {};
  return { NODE_COMPILE_CACHE: cacheRoot(env) };
}
