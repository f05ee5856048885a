/**
 * The device protocols the engine speaks (bluesky's protocols.py, as TypeScript interfaces). A device
 * is any object with a `name`; what it can do is found by duck typing, as bluesky does, so EPICS
 * devices and simulated ones need no common base class. Methods may answer synchronously or with a
 * promise (ophyd vs ophyd-async).
 */

import type { AssetDocument } from './documents.ts';

export type MaybePromise<T> = T | Promise<T>;

export interface Reading {
  value: unknown;
  timestamp: number;
  alarm_severity?: number;
}

export type Dtype = 'string' | 'number' | 'array' | 'boolean' | 'integer';

/** event-model's DataKey: what `describe()` says about one field. */
export interface DataKey {
  source: string;
  dtype: Dtype;
  shape: (number | null)[];
  dtype_numpy?: string;
  units?: string | null;
  precision?: number | null;
  limits?: Record<string, { low: number | null; high: number | null }>;
  choices?: string[];
  external?: string;
  object_name?: string;
  /** ophyd positioners' control limits (PseudoSingle, SoftPositioner), next to event-model's `limits`. */
  lower_ctrl_limit?: number;
  upper_ctrl_limit?: number;
}

/** A file-writing device: hands over the Resource/Datum documents it made since last asked. */
export interface WritesExternalAssets extends HasName {
  collect_asset_docs(): Iterable<AssetDocument> | AsyncIterable<AssetDocument>;
}

/**
 * A device streaming its data into files (ophyd-async's detectors): hands over StreamResource and
 * StreamDatum documents for the frames written up to `index` (all of them without it); `get_index`
 * says how many it has written, so the engine can collect several devices up to the same frame.
 */
export interface WritesStreamAssets extends HasName {
  collect_asset_docs(index?: number): Iterable<AssetDocument> | AsyncIterable<AssetDocument>;
  get_index(): MaybePromise<number>;
}

/** A finished-or-not operation (ophyd's Status; packages/devices' Status has this shape). */
export interface Status {
  readonly done: boolean;
  readonly success: boolean;
  readonly finished: Promise<void>;
}

export interface HasName {
  readonly name: string;
}

export interface Readable extends HasName {
  read(): MaybePromise<Record<string, Reading>>;
  describe(): MaybePromise<Record<string, DataKey>>;
  /** Which fields a table or plot should show (ophyd's `hints`). */
  readonly hints?: { fields?: string[] };
}

export interface Configurable extends HasName {
  read_configuration(): MaybePromise<Record<string, Reading>>;
  describe_configuration(): MaybePromise<Record<string, DataKey>>;
}

export interface Movable extends HasName {
  set(value: unknown, kwargs?: Record<string, unknown>): MaybePromise<Status>;
}

export interface Locatable extends Movable {
  locate(): MaybePromise<{ setpoint: unknown; readback: unknown }>;
}

export interface Triggerable extends HasName {
  trigger(): MaybePromise<Status>;
}

export interface Stageable extends HasName {
  stage(): MaybePromise<unknown>;
  unstage(): MaybePromise<unknown>;
}

export interface Stoppable extends HasName {
  stop(options?: { success?: boolean }): MaybePromise<void>;
}

/** bluesky's Preparable: set up for a scan with the given parameters (a fly scan's frames, say). */
export interface Preparable {
  prepare(value: unknown): MaybePromise<Status>;
}

export interface Flyable extends HasName {
  kickoff(): MaybePromise<Status>;
  complete(): MaybePromise<Status>;
}

/** A partial event a flyer hands back from collect(): seq_num and uid are the engine's to assign. */
export interface PartialEvent {
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
  time?: number;
  filled?: Record<string, boolean | string>;
}

/** Events of one stream packed column-wise, without what the engine assigns (seq_num, uid). */
export interface PartialEventPage {
  data: Record<string, unknown[]>;
  timestamps: Record<string, number[]>;
  time?: number[];
}

/**
 * Something collected from after a fly scan. describe_collect gives either its streams' data keys
 * (`{stream: {key: DataKey}}`, ophyd's flyers) or one stream's (`{key: DataKey}`, declared
 * beforehand with `declare_stream(..., { collect: true })`).
 */
export interface Collectable extends HasName {
  describe_collect(): MaybePromise<Record<string, DataKey> | Record<string, Record<string, DataKey>>>;
}

/** An ophyd-style flyer's collecting side: the events it gathered. */
export interface EventCollectable extends Collectable {
  collect(): Iterable<PartialEvent> | AsyncIterable<PartialEvent> | Promise<Iterable<PartialEvent>>;
}

/** A flyer that hands over its data already packed into pages (preferred over collect()). */
export interface EventPageCollectable extends Collectable {
  collect_pages(): Iterable<PartialEventPage> | AsyncIterable<PartialEventPage>;
}

export interface Subscribable extends HasName {
  /** Calls `callback` with each new reading; returns the function that stops it. */
  subscribe(callback: (reading: Record<string, Reading>) => void): () => void;
}

const has = (obj: unknown, method: string): boolean =>
  typeof obj === 'object' && obj !== null && typeof (obj as Record<string, unknown>)[method] === 'function';

export const isReadable = (obj: unknown): obj is Readable => has(obj, 'read') && has(obj, 'describe');
export const isConfigurable = (obj: unknown): obj is Configurable =>
  has(obj, 'read_configuration') && has(obj, 'describe_configuration');
export const isMovable = (obj: unknown): obj is Movable => has(obj, 'set');
export const isLocatable = (obj: unknown): obj is Locatable => has(obj, 'locate');
export const isTriggerable = (obj: unknown): obj is Triggerable => has(obj, 'trigger');
export const isStageable = (obj: unknown): obj is Stageable => has(obj, 'stage') && has(obj, 'unstage');
export const isStoppable = (obj: unknown): obj is Stoppable => has(obj, 'stop');
export const isFlyable = (obj: unknown): obj is Flyable => has(obj, 'kickoff') && has(obj, 'complete');
export const isCollectable = (obj: unknown): obj is Collectable => has(obj, 'describe_collect');
export const isEventCollectable = (obj: unknown): obj is EventCollectable =>
  isCollectable(obj) && has(obj, 'collect');
export const isEventPageCollectable = (obj: unknown): obj is EventPageCollectable =>
  isCollectable(obj) && has(obj, 'collect_pages');
export const writesExternalAssets = (obj: unknown): obj is WritesExternalAssets =>
  has(obj, 'collect_asset_docs');
/** Checked before writesExternalAssets: the two differ only by get_index, as in bluesky. */
export const writesStreamAssets = (obj: unknown): obj is WritesStreamAssets =>
  has(obj, 'collect_asset_docs') && has(obj, 'get_index');
export const isSubscribable = (obj: unknown): obj is Subscribable => has(obj, 'subscribe');

export function isStatus(value: unknown): value is Status {
  return (
    typeof (value as Status)?.finished?.then === 'function' && typeof (value as Status).done === 'boolean'
  );
}

/** A device's name for messages and errors, or a short description of a non-device. */
export function nameOf(obj: unknown): string {
  if (typeof obj === 'object' && obj !== null && typeof (obj as HasName).name === 'string') {
    return (obj as HasName).name;
  }
  return String(obj);
}
