/**
 * Tasks in the worker (spec §3.8, §11.5): calling a namespace function, and loading a script (an
 * ES module in TypeScript or JavaScript) into the namespace. Each resolves to its outcome in the
 * shape of a task result; none throws.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bindPlan, type PlanSpec, parseSignature } from '@ophyd-service/run-engine';
import { messageOf, tracebackOf } from './errors.ts';
import { addExports, type Namespace, type NamespaceFunction } from './namespace.ts';

export interface TaskOutcome {
  success: boolean;
  msg: string;
  traceback: string;
  return_value: unknown;
}

const failure = (task: string, error: unknown): TaskOutcome => ({
  success: false,
  msg: `Error occurred while executing '${task}': ${messageOf(error)}`,
  traceback: tracebackOf(error),
  return_value: null,
});

/** A JSON copy of `value` (undefined → null), or an error for what JSON can not carry. */
export function toJson(value: unknown): unknown {
  const text = JSON.stringify(value ?? null, (_key, v) => {
    if (typeof v === 'function' || typeof v === 'symbol')
      throw new TypeError(`Object of type ${typeof v} is not JSON serializable`);
    return v;
  });
  return JSON.parse(text);
}

/**
 * Calls a function as Python would: a function carrying a `signature` (see withSignature) binds
 * kwargs by name; any other gets the positional arguments, then the kwargs as one options object.
 */
async function call(name: string, fn: NamespaceFunction, args: unknown[], kwargs: Record<string, unknown>) {
  const signature = (fn as { signature?: unknown }).signature;
  if (typeof signature !== 'string') return Object.keys(kwargs).length ? fn(...args, kwargs) : fn(...args);
  const spec: PlanSpec = {
    ...parseSignature(signature),
    module: '',
    description: '',
    is_generator: false,
    plan: fn as unknown as PlanSpec['plan'],
  };
  try {
    return bindPlan(spec, args, kwargs);
  } catch (err) {
    // bindPlan words its refusals for plans.
    throw err instanceof Error ? new TypeError(err.message.replace(/^Plan '[^']*': /, `${name}(): `)) : err;
  }
}

/** Runs `function_execute`'s target: looks it up, calls it, checks its result is JSON. */
export async function runFunction(
  ns: Namespace,
  name: string,
  args: unknown[] = [],
  kwargs: Record<string, unknown> = {},
): Promise<TaskOutcome> {
  const task = 'Execute function';
  const fn = Object.hasOwn(ns.functions, name) ? ns.functions[name] : undefined;
  if (!fn) return failure(task, new Error(`Function '${name}' is not found in the worker namespace`));
  let value: unknown;
  try {
    value = await call(name, fn, args, kwargs);
  } catch (err) {
    console.error(`Function '${name}' failed: ${tracebackOf(err)}`);
    return failure(task, err);
  }
  try {
    return { success: true, msg: '', traceback: '', return_value: toJson(value) };
  } catch (err) {
    return failure(task, new TypeError(`Task result can not be serialized as JSON: ${messageOf(err)}`));
  }
}

let scriptDir: string | null = null;
let scripts = 0;

/** Removes the temporary files of loaded scripts (at exit). */
export function removeScriptFiles(): void {
  if (scriptDir) rmSync(scriptDir, { recursive: true, force: true });
  scriptDir = null;
}

/**
 * Loads a script into the namespace: it is written to a temporary `.mts` file and imported, its
 * exports added as startup code's are. Its `RE` replaces the namespace's only with `updateRe`.
 */
export async function loadScript(ns: Namespace, script: string, updateRe: boolean): Promise<TaskOutcome> {
  scriptDir ??= mkdtempSync(join(tmpdir(), 'queueserver-scripts-'));
  const file = join(scriptDir, `script-${++scripts}.mts`);
  try {
    writeFileSync(file, script);
    const exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    addExports(ns, exports, updateRe);
    return { success: true, msg: '', traceback: '', return_value: null };
  } catch (err) {
    console.error(`Failed to load the script: ${tracebackOf(err)}`);
    // The reference's wording, misspelling included: clients match it.
    const msg = `Error occurred while executing 'Load script': Failed to execute stript: ${messageOf(err)}`;
    return { ...failure('Load script', err), msg };
  } finally {
    rmSync(file, { force: true });
  }
}
