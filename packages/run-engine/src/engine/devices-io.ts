/**
 * The device side of the engine's effects: calling read/describe/set/trigger/stage… on whatever
 * object a message names. Synchronous devices are answered without a promise, so a plan over
 * simulated hardware does not pay a microtask per message.
 */
import type { AssetDocument, ObjectDescription } from '../documents.ts';
import { WaitForTimeoutError } from '../errors.ts';
import {
  type DataKey,
  isCollectable,
  isConfigurable,
  isReadable,
  isStatus,
  type MaybePromise,
  nameOf,
  type PartialEvent,
  type Reading,
  writesExternalAssets,
} from '../protocols.ts';
import type { CollectResult, IoOp, ReadResult } from './events.ts';

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T>)?.then === 'function';
}

/** Applies `f` now if `value` is ready, after it resolves otherwise. */
export function then<T, U>(value: MaybePromise<T>, f: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(f) : f(value);
}

function all<T>(values: MaybePromise<T>[]): MaybePromise<T[]> {
  return values.some(isPromise) ? Promise.all(values) : (values as T[]);
}

function call(obj: unknown, method: string, args: unknown[] = []): MaybePromise<unknown> {
  const f = (obj as Record<string, unknown> | null)?.[method];
  if (typeof f !== 'function')
    throw new TypeError(`${nameOf(obj)} cannot ${method}: it has no ${method}() method`);
  return f.apply(obj, args);
}

/** describe() plus configuration and hints: what a descriptor needs to know about a device. */
export function describeObject(obj: unknown): MaybePromise<ObjectDescription> {
  if (!isReadable(obj))
    throw new TypeError(`${nameOf(obj)} is not readable (it needs read() and describe())`);
  const parts: MaybePromise<unknown>[] = [obj.describe()];
  if (isConfigurable(obj)) parts.push(obj.describe_configuration(), obj.read_configuration());
  return then(all(parts), ([dataKeys, configKeys = {}, config = {}]) => ({
    name: obj.name,
    dataKeys: dataKeys as Record<string, DataKey>,
    ...(obj.hints ? { hints: obj.hints } : {}),
    configKeys: configKeys as Record<string, DataKey>,
    config: config as Record<string, Reading>,
  }));
}

export interface IoContext {
  sleep(seconds: number): Promise<void>;
  subscribe(obj: unknown, subscription: number): void;
  unsubscribe(subscription: number): void;
  /** Answers an `input` message (the user's reply to a prompt). */
  input(prompt: string): MaybePromise<string>;
}

/** Performs one op; the value is what the core receives in io_done. */
export function perform(op: IoOp, ctx: IoContext): MaybePromise<unknown> {
  switch (op.kind) {
    case 'read': {
      if (!isReadable(op.obj))
        throw new TypeError(`${nameOf(op.obj)} is not readable (it needs read() and describe())`);
      const obj = op.obj;
      const reading = obj.read();
      // Asset documents are collected after the read that made them known, as bluesky does.
      const assets = () =>
        op.assets && writesExternalAssets(obj)
          ? { assets: [...obj.collect_asset_docs()] as AssetDocument[] }
          : {};
      if (!op.describe) return then(reading, (r): ReadResult => ({ reading: r, ...assets() }));
      return then(
        all<unknown>([reading, describeObject(obj)]),
        ([r, d]): ReadResult => ({
          reading: r as Record<string, Reading>,
          description: d as ObjectDescription,
          ...assets(),
        }),
      );
    }
    case 'input':
      return ctx.input(op.prompt);
    case 'describe':
      return all(op.objs.map(describeObject));
    case 'status':
      return then(call(op.obj, op.method, statusArgs(op)), (status) => {
        if (!isStatus(status))
          throw new TypeError(`${nameOf(op.obj)}.${op.method}() did not return a status`);
        return status;
      });
    case 'call':
      return call(op.obj, op.method, op.args);
    case 'subscribe':
      return ctx.subscribe(op.obj, op.subscription);
    case 'unsubscribe':
      return ctx.unsubscribe(op.subscription);
    case 'collect':
      return collectFrom(op.obj);
    case 'wait_for': {
      const work = Promise.all(op.factories.map((f) => f()));
      if (op.timeout === null) return work;
      const timeout = op.timeout;
      return Promise.race([
        work,
        ctx.sleep(timeout).then(() => {
          throw new WaitForTimeoutError('Plan failed to complete in the specified time');
        }),
      ]);
    }
  }
}

/** A flyer's describe_collect, configuration and collected events, however it hands them over. */
async function collectFrom(obj: unknown): Promise<CollectResult> {
  if (!isCollectable(obj))
    throw new TypeError(`${nameOf(obj)} cannot be collected: it needs describe_collect() and collect()`);
  const streams = await obj.describe_collect();
  const configKeys = isConfigurable(obj) ? await obj.describe_configuration() : {};
  const config = isConfigurable(obj) ? await obj.read_configuration() : {};
  const events: PartialEvent[] = [];
  const gathered = await obj.collect();
  if (Symbol.asyncIterator in Object(gathered)) {
    for await (const e of gathered as AsyncIterable<PartialEvent>) events.push(e);
  } else {
    for (const e of gathered as Iterable<PartialEvent>) events.push(e);
  }
  return { streams, configKeys, config, events };
}

function statusArgs(op: Extract<IoOp, { kind: 'status' }>): unknown[] {
  if (op.method !== 'set') return [];
  return Object.keys(op.kwargs).length ? [...op.args, op.kwargs] : op.args;
}
