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
  isEventCollectable,
  isEventPageCollectable,
  isReadable,
  isStatus,
  type MaybePromise,
  nameOf,
  type PartialEvent,
  type PartialEventPage,
  type Reading,
  writesExternalAssets,
  writesStreamAssets,
} from '../protocols.ts';
import type { CollectDescription, CollectResult, IoOp, ReadResult } from './events.ts';

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
      const withAssets = (result: ReadResult): MaybePromise<ReadResult> =>
        op.assets && writesExternalAssets(obj)
          ? then(assetsOf(obj.collect_asset_docs()), (assets) => ({ ...result, assets }))
          : result;
      if (!op.describe) return then(reading, (r) => withAssets({ reading: r }));
      return then(all<unknown>([reading, describeObject(obj)]), ([r, d]) =>
        withAssets({ reading: r as Record<string, Reading>, description: d as ObjectDescription }),
      );
    }
    case 'input':
      return ctx.input(op.prompt);
    case 'describe':
      return op.collect ? Promise.all(op.objs.map(describeCollect)) : all(op.objs.map(describeObject));
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
      return collectFrom(op.objs, op.describe);
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

/** describe_collect() plus configuration and hints: what a collected stream's descriptor needs. */
async function describeCollect(obj: unknown): Promise<CollectDescription> {
  if (!isCollectable(obj))
    throw new TypeError(`${nameOf(obj)} cannot be collected: it has no describe_collect()`);
  return {
    name: obj.name,
    dataKeys: await obj.describe_collect(),
    ...(hintsOf(obj) ? { hints: hintsOf(obj) } : {}),
    configKeys: isConfigurable(obj) ? await obj.describe_configuration() : {},
    config: isConfigurable(obj) ? await obj.read_configuration() : {},
  };
}

const hintsOf = (obj: unknown) => (obj as { hints?: { fields?: string[] } }).hints;

/** A device's asset documents, without a promise when it hands them over synchronously. */
function assetsOf(
  docs: Iterable<AssetDocument> | AsyncIterable<AssetDocument>,
): MaybePromise<AssetDocument[]> {
  return Symbol.asyncIterator in Object(docs) ? drain(docs) : [...(docs as Iterable<AssetDocument>)];
}

async function drain<T>(items: Iterable<T> | AsyncIterable<T> | Promise<Iterable<T>>): Promise<T[]> {
  const out: T[] = [];
  const gathered = await items;
  if (Symbol.asyncIterator in Object(gathered))
    for await (const x of gathered as AsyncIterable<T>) out.push(x);
  else for (const x of gathered as Iterable<T>) out.push(x);
  return out;
}

/**
 * Collects devices in bluesky's order: describe_collect (when asked), the common index of several
 * stream-writing devices, each one's asset documents up to it, then a single device's pages
 * (preferred) or events, unless it streams its data into files.
 */
async function collectFrom(objs: unknown[], describe: boolean): Promise<CollectResult> {
  const [first] = objs;
  const description = describe ? await describeCollect(first) : undefined;
  const index = objs.length > 1 ? Math.min(...(await Promise.all(objs.map(getIndex)))) : undefined;
  const assets: AssetDocument[] = [];
  for (const obj of objs) {
    if (writesStreamAssets(obj)) assets.push(...(await drain(obj.collect_asset_docs(index))));
    else if (writesExternalAssets(obj)) assets.push(...(await drain(obj.collect_asset_docs())));
  }
  const result: CollectResult = { ...(description ? { description } : {}), assets };
  if (objs.length > 1 || writesStreamAssets(first)) return result;
  if (isEventPageCollectable(first)) result.pages = await drain<PartialEventPage>(first.collect_pages());
  else if (isEventCollectable(first)) result.events = await drain<PartialEvent>(first.collect());
  return result;
}

function getIndex(obj: unknown): MaybePromise<number> {
  if (!writesStreamAssets(obj))
    throw new TypeError(
      `${nameOf(obj)} cannot be collected together with other devices: it does not write stream assets (get_index, collect_asset_docs)`,
    );
  return obj.get_index();
}

function statusArgs(op: Extract<IoOp, { kind: 'status' }>): unknown[] {
  if (op.method !== 'set' && op.method !== 'prepare') return [];
  return Object.keys(op.kwargs).length ? [...op.args, op.kwargs] : op.args;
}
