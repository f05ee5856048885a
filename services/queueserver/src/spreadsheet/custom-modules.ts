/**
 * `QSERVER_CUSTOM_MODULES`: the beamline's own code for the HTTP side, as the reference's custom
 * Python modules. Here each entry is a JavaScript/TypeScript module (a file path, or a package name)
 * and a module that exports `spreadsheet_to_plan_list` converts uploaded spreadsheets. Entries are
 * checked at start-up (a missing file stops it, naming the variable) and imported on first use.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a custom `spreadsheet_to_plan_list` is given: the reference's keyword arguments, in one object. */
export interface SpreadsheetConverterInput {
  spreadsheet_file: Buffer;
  file_name: string;
  data_type: string | null;
  user: string;
}

/** Returns the items (plans, or items with their own `item_type`), or null/undefined to decline. */
export type SpreadsheetConverter = (input: SpreadsheetConverterInput) => unknown;

export const CUSTOM_MODULES_VARIABLE = 'QSERVER_CUSTOM_MODULES';

export class CustomModules {
  private readonly specifiers: { entry: string; url: string }[];
  private loaded: Promise<Record<string, unknown>[]> | null = null;
  /** Failed loads so far: a retry imports a file under a new URL, as Node keeps a failed module's error. */
  private failures = 0;

  /** `value` lists modules separated by `:` or `,`, as the reference's variable does. */
  constructor(value: string, baseDir = process.cwd()) {
    this.specifiers = value
      .split(/[:,]/)
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => ({ entry, url: moduleUrl(entry, baseDir) }));
  }

  get configured(): boolean {
    return this.specifiers.length > 0;
  }

  /** The first module's `spreadsheet_to_plan_list`, as the reference picks it; null when none has one. */
  async spreadsheetConverter(): Promise<{ module: string; convert: SpreadsheetConverter } | null> {
    const modules = await this.load();
    for (const [index, exports] of modules.entries()) {
      const convert = exports.spreadsheet_to_plan_list;
      if (typeof convert === 'function')
        return { module: this.specifiers[index].entry, convert: convert as SpreadsheetConverter };
    }
    return null;
  }

  private load(): Promise<Record<string, unknown>[]> {
    const retry = this.failures ? `?retry=${this.failures}` : '';
    this.loaded ??= Promise.all(
      this.specifiers.map(({ entry, url }) =>
        import(url.startsWith('file:') ? url + retry : url).catch((error: Error) => {
          throw new Error(
            `Failed to load the custom module '${entry}' (${CUSTOM_MODULES_VARIABLE}): ${error.message}`,
          );
        }),
      ),
    );
    // A failed import is retried on the next use (the file may have been fixed).
    this.loaded.catch(() => {
      this.loaded = null;
      this.failures++;
    });
    return this.loaded;
  }
}

/** A path (it has a slash or a module extension) must name an existing file; anything else is a package. */
function moduleUrl(entry: string, baseDir: string): string {
  if (!/[/\\]|\.(ts|mts|js|mjs)$/.test(entry)) return entry;
  const path = isAbsolute(entry) ? entry : resolve(baseDir, entry);
  if (!existsSync(path))
    throw new Error(`${CUSTOM_MODULES_VARIABLE}: the custom module '${entry}' does not exist (${path})`);
  return pathToFileURL(path).href;
}
