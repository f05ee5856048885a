/**
 * What every 0MQ method shares (spec §2): its parameter whitelist, the lock it honours, the prefix
 * its failures carry and the keys its failure reply holds. A method's `run` throws a Refusal to fail;
 * a functional refusal the reference sends without a prefix is returned with `refuse()`.
 */
import { pythonRepr } from '../zmq/python-repr.ts';
import { checkLockKey } from './locks.ts';
import type { Manager } from './manager.ts';
import { type Params, Refusal, type Reply } from './types.ts';

export interface MethodSpec {
  /** The accepted parameter names; `null` accepts anything (status, ping). */
  params: readonly string[] | null;
  lock?: 'environment' | 'queue';
  /** Put before the text of a Refusal (default `Error: `). */
  prefix?: string;
  /** The keys a failure reply carries besides success and msg, from the request. */
  failure?: (params: Params, manager: Manager) => Reply;
  run(manager: Manager, params: Params): Reply;
}

export type MethodTable = Record<string, MethodSpec>;

/** A failure reply without the method's prefix: the reference's state checks read this way. */
export function refuse(msg: string, extra: Reply = {}): Reply {
  return { success: false, msg, ...extra };
}

export function ok(extra: Reply = {}): Reply {
  return { success: true, msg: '', ...extra };
}

/** Runs one method with the checks every method makes first. */
export function runMethod(spec: MethodSpec, manager: Manager, params: Params): Reply {
  try {
    if (spec.params) checkParams(params, spec.params);
    if (spec.lock) checkLockKey(manager.data.lock, params.lock_key, spec.lock, manager.emergencyKeySet);
    return spec.run(manager, params);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return {
      success: false,
      msg: `${spec.prefix ?? 'Error: '}${error.message}`,
      ...spec.failure?.(params, manager),
    };
  }
}

function checkParams(params: Params, supported: readonly string[]): void {
  const why = unsupportedParams(params, supported);
  if (why) throw new Refusal(why);
}

/** The reference's sentence naming the parameters a method does not take, or null. */
export function unsupportedParams(params: Params, supported: readonly string[]): string | null {
  const unsupported = Object.keys(params).filter((name) => !supported.includes(name));
  if (unsupported.length === 0) return null;
  const names = unsupported.length === 1 ? pythonRepr(unsupported[0]) : pythonRepr(unsupported);
  return `API request contains unsupported parameters: ${names}. Supported parameters: ${pythonRepr([...supported])}`;
}

/** A boolean parameter, strictly (the reference refuses 1 for True in these places). */
export function booleanParam(params: Params, name: string, fallback: boolean): boolean {
  const value = params[name] ?? fallback;
  if (typeof value !== 'boolean')
    throw new Refusal(`Parameter '${name}' must be boolean: ${pythonRepr(value)}`);
  return value;
}
