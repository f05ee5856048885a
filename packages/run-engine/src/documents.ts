/**
 * event-model documents (the JSON schemas under event_model/schemas/) and the pure functions that
 * compose them. Field names and nesting follow the schemas exactly, since Python tools read these
 * documents unchanged.
 */
import type { DataKey, Reading } from './protocols.ts';

export type DocumentName =
  | 'start'
  | 'descriptor'
  | 'event'
  | 'event_page'
  | 'stop'
  | 'resource'
  | 'datum'
  | 'stream_resource'
  | 'stream_datum';
export type ExitStatus = 'success' | 'abort' | 'fail';

export interface RunStart {
  uid: string;
  time: number;
  scan_id?: number;
  [key: string]: unknown;
}

export interface ObjectConfiguration {
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
  data_keys: Record<string, DataKey>;
}

export interface EventDescriptor {
  uid: string;
  time: number;
  run_start: string;
  name: string;
  data_keys: Record<string, DataKey>;
  configuration: Record<string, ObjectConfiguration>;
  hints: Record<string, { fields?: string[] }>;
  object_keys: Record<string, string[]>;
}

export interface Event {
  uid: string;
  time: number;
  descriptor: string;
  seq_num: number;
  data: Record<string, unknown>;
  timestamps: Record<string, number>;
  filled: Record<string, boolean | string>;
}

/** Events of one descriptor packed column-wise (what collecting a flyer emits). */
export interface EventPage {
  descriptor: string;
  uid: string[];
  time: number[];
  seq_num: number[];
  data: Record<string, unknown[]>;
  timestamps: Record<string, number[]>;
  filled: Record<string, (boolean | string)[]>;
}

export interface RunStop {
  uid: string;
  time: number;
  run_start: string;
  exit_status: ExitStatus;
  reason: string;
  num_events: Record<string, number>;
}

/** Where a detector wrote its data (one file or file sequence); run_start is added by the engine. */
export interface Resource {
  uid: string;
  spec: string;
  root: string;
  resource_path: string;
  resource_kwargs: Record<string, unknown>;
  path_semantics?: 'posix' | 'windows';
  run_start?: string;
}

/** One piece of a Resource (a frame); events carry its datum_id in place of the data. */
export interface Datum {
  datum_id: string;
  resource: string;
  datum_kwargs: Record<string, unknown>;
}

/** A half-open range of integers [start, stop) (event-model's StreamRange). */
export interface StreamRange {
  start: number;
  stop: number;
}

/**
 * A file (or other store) that one streamed data key's values are written to, many per document:
 * the descriptor's data key says `external: 'STREAM:'`; run_start is added by the engine.
 */
export interface StreamResource {
  uid: string;
  data_key: string;
  mimetype: string;
  uri: string;
  parameters: Record<string, unknown>;
  run_start?: string;
}

/**
 * A slice of a StreamResource (`indices`) and the events it stands for (`seq_nums`). A device
 * hands it over with `descriptor: ''` and `seq_nums: {start: 0, stop: 0}`: the engine fills both.
 */
export interface StreamDatum {
  uid: string;
  stream_resource: string;
  descriptor: string;
  indices: StreamRange;
  seq_nums: StreamRange;
}

/** What a file-writing device hands the engine from collect_asset_docs(). */
export type AssetDocument =
  | ['resource', Resource]
  | ['datum', Datum]
  | ['stream_resource', StreamResource]
  | ['stream_datum', StreamDatum];

export type Document =
  | RunStart
  | EventDescriptor
  | Event
  | EventPage
  | RunStop
  | Resource
  | Datum
  | StreamResource
  | StreamDatum;

export interface DocumentOf {
  start: RunStart;
  descriptor: EventDescriptor;
  event: Event;
  event_page: EventPage;
  stop: RunStop;
  resource: Resource;
  datum: Datum;
  stream_resource: StreamResource;
  stream_datum: StreamDatum;
}

/** What a device says about itself, gathered once per stream: describe() plus its configuration. */
export interface ObjectDescription {
  name: string;
  dataKeys: Record<string, DataKey>;
  hints?: { fields?: string[] };
  configKeys: Record<string, DataKey>;
  config: Record<string, Reading>;
}

export function composeStart(uid: string, time: number, md: Record<string, unknown>): RunStart {
  return { ...md, uid, time };
}

export function composeDescriptor(
  uid: string,
  time: number,
  runStart: string,
  name: string,
  objects: ObjectDescription[],
): EventDescriptor {
  const data_keys: Record<string, DataKey> = {};
  const configuration: Record<string, ObjectConfiguration> = {};
  const hints: Record<string, { fields?: string[] }> = {};
  const object_keys: Record<string, string[]> = {};
  for (const obj of objects) {
    // bluesky records which object each key came from, and the key order per object.
    object_keys[obj.name] = Object.keys(obj.dataKeys);
    for (const [key, dk] of Object.entries(obj.dataKeys)) data_keys[key] = { ...dk, object_name: obj.name };
    const { values, timestamps } = splitReadings(obj.config);
    configuration[obj.name] = { data: values, timestamps, data_keys: obj.configKeys };
    if (obj.hints) hints[obj.name] = obj.hints;
  }
  return { uid, time, run_start: runStart, name, data_keys, configuration, hints, object_keys };
}

export function composeEvent(
  uid: string,
  time: number,
  descriptor: string,
  seqNum: number,
  readings: Record<string, Reading>,
  filled: Record<string, boolean | string> = {},
): Event {
  const { values, timestamps } = splitReadings(readings);
  return { uid, time, descriptor, seq_num: seqNum, data: values, timestamps, filled };
}

/**
 * The keys of a descriptor whose data lives in files (external, but not streamed): their event
 * values are datum ids, marked not filled, as bluesky marks them.
 */
export function unfilledKeys(dataKeys: Record<string, DataKey>): Record<string, boolean> {
  const filled: Record<string, boolean> = {};
  for (const [key, dk] of Object.entries(dataKeys))
    if (dk.external !== undefined && dk.external !== 'STREAM:') filled[key] = false;
  return filled;
}

/**
 * A StreamResource and the function making its StreamDatums, numbered `<uid>/<n>` (event-model's
 * ComposeStreamResource): what a device writing a stream uses, so the engine can fill in the rest.
 */
export function composeStreamResource(doc: Omit<StreamResource, 'run_start'>): {
  resource: StreamResource;
  datum: (indices: StreamRange) => StreamDatum;
} {
  let counter = 0;
  return {
    resource: { ...doc },
    datum: (indices) => ({
      stream_resource: doc.uid,
      uid: `${doc.uid}/${counter++}`,
      seq_nums: { start: 0, stop: 0 },
      indices: { ...indices },
      descriptor: '',
    }),
  };
}

/** Packs events of one descriptor into a page (event-model's pack_event_page). */
export function packEventPage(events: Event[]): EventPage {
  const keys = Object.keys(events[0]?.data ?? {});
  const column = <T>(pick: (e: Event) => Record<string, T>) =>
    Object.fromEntries(keys.map((k) => [k, events.map((e) => pick(e)[k])]));
  const filledKeys = Object.keys(events[0]?.filled ?? {});
  return {
    time: events.map((e) => e.time),
    uid: events.map((e) => e.uid),
    seq_num: events.map((e) => e.seq_num),
    descriptor: events[0]?.descriptor ?? '',
    filled: Object.fromEntries(filledKeys.map((k) => [k, events.map((e) => e.filled[k])])),
    data: column((e) => e.data),
    timestamps: column((e) => e.timestamps),
  };
}

/**
 * The events of a page, row by row (event-model's unpack_event_page): what callbacks that handle
 * events do with a page, as bluesky's CallbackBase does.
 */
export function unpackEventPage(page: EventPage): Event[] {
  const row = <T>(columns: Record<string, T[]> | undefined, i: number) =>
    Object.fromEntries(Object.entries(columns ?? {}).map(([k, values]) => [k, values[i]]));
  return page.uid.map((uid, i) => ({
    descriptor: page.descriptor,
    uid,
    time: page.time[i],
    seq_num: page.seq_num[i],
    data: row(page.data, i),
    timestamps: row(page.timestamps, i),
    filled: row(page.filled, i),
  }));
}

/**
 * A page a device packed itself (EventPageCollectable): the engine gives it uids, seq_nums from
 * `seqStart`, and one time for every row, as event-model's ComposeEventPage does.
 */
export function composeEventPage(
  descriptor: string,
  uids: string[],
  time: number,
  seqStart: number,
  data: Record<string, unknown[]>,
  timestamps: Record<string, number[]>,
): EventPage {
  return {
    uid: uids,
    time: uids.map(() => time),
    data,
    timestamps,
    seq_num: uids.map((_, i) => seqStart + i),
    filled: {},
    descriptor,
  };
}

/** How many rows a partial page holds (the length of its first column). */
export function pageLength(page: { data: Record<string, unknown[]>; timestamps: Record<string, unknown[]> }) {
  return (Object.values(page.data)[0] ?? Object.values(page.timestamps)[0] ?? []).length;
}

export function composeStop(
  uid: string,
  time: number,
  runStart: string,
  exitStatus: ExitStatus,
  reason: string,
  numEvents: Record<string, number>,
): RunStop {
  return { uid, time, run_start: runStart, exit_status: exitStatus, reason, num_events: numEvents };
}

function splitReadings(readings: Record<string, Reading>) {
  const values: Record<string, unknown> = {};
  const timestamps: Record<string, number> = {};
  for (const [key, r] of Object.entries(readings)) {
    values[key] = r.value;
    timestamps[key] = r.timestamp;
  }
  return { values, timestamps };
}
