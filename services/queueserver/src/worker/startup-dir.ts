/**
 * Loading a startup directory (spec §11.1 step 3): every `*.ts`, `*.js` and `*.mjs` file directly
 * in it, sorted by path, imported in order into one namespace. Any failure names the file.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { installModuleHooks, setVisibleNamespace } from './module-hooks.ts';
import { addExports, emptyNamespace, type Namespace } from './namespace.ts';

/** Why a startup directory could not be loaded; `traceback` holds the underlying stack. */
export class StartupError extends Error {
  override name = 'StartupError';
  readonly traceback: string;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.traceback = cause instanceof Error ? (cause.stack ?? String(cause)) : cause ? String(cause) : '';
  }
}

const STARTUP_FILE = /\.(ts|js|mjs)$/;

/** The startup files of `dir`, in the order they are loaded. */
export async function startupFiles(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new StartupError(`Startup directory '${dir}' can not be read: ${(err as Error).message}`, err);
  }
  // A symbolic link to a file counts (a Kubernetes ConfigMap volume is made of links).
  const isFile = async (e: import('node:fs').Dirent) =>
    e.isFile() ||
    (e.isSymbolicLink() && (await stat(join(dir, e.name)).catch(() => null))?.isFile() === true);
  const names = entries.filter((e) => STARTUP_FILE.test(e.name) && !e.name.endsWith('.d.ts'));
  const files = await Promise.all(
    names.map(async (e) => ((await isFile(e)) ? join(resolve(dir), e.name) : null)),
  );
  return files.filter((f): f is string => f !== null).sort();
}

/** Imports every startup file of `dir` into one fresh namespace. */
export async function loadStartupDir(dir: string): Promise<Namespace> {
  const files = await startupFiles(dir);
  if (!files.length)
    throw new StartupError(
      `No startup files (*.ts, *.js, *.mjs) were found in the startup directory '${dir}'`,
    );
  installModuleHooks();
  const ns = emptyNamespace();
  setVisibleNamespace(ns.values);
  for (const file of files) {
    let exports: Record<string, unknown>;
    try {
      exports = await import(pathToFileURL(file).href);
    } catch (err) {
      throw new StartupError(`Failed to load startup file '${file}': ${(err as Error)?.message ?? err}`, err);
    }
    addExports(ns, exports);
  }
  return ns;
}
