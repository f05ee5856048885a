/**
 * One open run's bookkeeping (bluesky's RunBundler), pure: the event bundle being assembled,
 * descriptors per stream, sequence numbers and their checkpoint copy for rewinding. It returns the
 * documents to emit; the engine emits them.
 */
import {
  type AssetDocument,
  composeDescriptor,
  composeEvent,
  composeEventPage,
  composeStop,
  type EventDescriptor,
  type EventPage,
  type ExitStatus,
  type ObjectDescription,
  packEventPage,
  pageLength,
  type Event as RunEvent,
  type RunStart,
  type RunStop,
  unfilledKeys,
} from '../documents.ts';
import { IllegalMessageSequence } from '../errors.ts';
import { isCollectable, nameOf, type PartialEvent, type Reading, writesStreamAssets } from '../protocols.ts';
import { AssetPacker, pySet, streamedKeys } from './assets.ts';
import { flyerStreams, keySet, streamsOf } from './collect-streams.ts';
import type { CollectDescription, CollectResult } from './events.ts';

export interface DocSource {
  uid(): string;
  now(): number;
}

export type Emitted =
  | ['descriptor', EventDescriptor]
  | ['event', RunEvent]
  | ['event_page', EventPage]
  | AssetDocument;

interface Stream {
  descriptor: EventDescriptor;
  /** The devices whose readings make up each event, in read order (bluesky checks the set). */
  objects: unknown[];
}

export class RunBundle {
  readonly start: RunStart;
  /** Per-stream device descriptions, so describe() runs once per device per stream. */
  private readonly described = new Map<string, Map<unknown, ObjectDescription>>();
  private readonly streams = new Map<string, Stream>();
  /** The data keys of every stream's descriptors (all of a stream's descriptors must have the same). */
  private readonly streamKeys = new Map<string, string[]>();
  private readonly seq = new Map<string, number>();
  private seqAtCheckpoint = new Map<string, number>();
  private bundle: {
    stream: string;
    objects: unknown[];
    readings: Record<string, Reading>[];
    /** Resource/Datum documents the bundle's devices made, emitted with its event. */
    assets: AssetDocument[];
  } | null = null;
  readonly monitors = new Map<unknown, { subscription: number; stream: string }>();
  /** describe_collect() per device, asked once per run as bluesky caches it. */
  private readonly collectDescriptions = new Map<unknown, CollectDescription>();
  /** The streams declared for each set of devices, so a collect of that set knows its stream. */
  private readonly declared: { objs: unknown[]; names: string[] }[] = [];
  /** Per collected device, its descriptors by the set of keys its events carry (bluesky's local descriptors). */
  private readonly localDescriptors = new Map<unknown, Map<string, EventDescriptor>>();
  /** Kicked off and not collected yet: the engine collects them if the plan ends with the run open. */
  private readonly uncollected = new Set<unknown>();
  private readonly assetPacker: AssetPacker;

  private readonly source: DocSource;

  constructor(start: RunStart, source: DocSource) {
    this.start = start;
    this.source = source;
    this.assetPacker = new AssetPacker(start.uid);
  }

  get bundling(): boolean {
    return this.bundle !== null;
  }

  /** Whether `obj` still needs describing before it can join an event of the open bundle. */
  needsDescription(obj: unknown, stream = this.bundle?.stream): boolean {
    return stream !== undefined && !this.described.get(stream)?.has(obj);
  }

  remember(stream: string, obj: unknown, description: ObjectDescription): void {
    let cache = this.described.get(stream);
    if (!cache) {
      cache = new Map();
      this.described.set(stream, cache);
    }
    cache.set(obj, description);
  }

  create(stream: unknown): void {
    if (this.bundle) {
      throw new IllegalMessageSequence(
        "A second 'create' message is not allowed until the current event bundle is closed with a 'save' or 'drop' message.",
      );
    }
    if (typeof stream !== 'string') throw new TypeError("'create' needs a stream name (name='primary')");
    this.bundle = { stream, objects: [], readings: [], assets: [] };
  }

  /** Adds a reading to the open bundle; outside a bundle a read is only returned to the plan. */
  read(
    obj: unknown,
    reading: Record<string, Reading>,
    description?: ObjectDescription,
    assets: AssetDocument[] = [],
  ): void {
    const bundle = this.bundle;
    if (!bundle) return;
    if (description) this.remember(bundle.stream, obj, description);
    const keys = Object.keys(this.described.get(bundle.stream)?.get(obj)?.dataKeys ?? reading);
    for (const other of bundle.objects) {
      const clash = Object.keys(this.described.get(bundle.stream)?.get(other)?.dataKeys ?? {}).filter((k) =>
        keys.includes(k),
      );
      if (clash.length)
        throw new Error(
          `Data keys (field names) from ${nameOf(obj)} collide with those from ${nameOf(other)}: ${clash.join(', ')}`,
        );
    }
    bundle.objects.push(obj);
    bundle.readings.push(reading);
    bundle.assets.push(...assets);
  }

  drop(): void {
    if (!this.bundle) {
      throw new IllegalMessageSequence(
        "A 'create' message must be sent, to open an event bundle, before that bundle can be dropped with 'drop'.",
      );
    }
    this.bundle = null;
  }

  /**
   * Closes the bundle into an Event, preceded by its stream's descriptor the first time and its
   * devices' asset documents; adds them to `out` as they are made, so a failure leaves there what
   * bluesky would have emitted by then.
   */
  save(out: Emitted[]): void {
    const bundle = this.bundle;
    if (!bundle) {
      throw new IllegalMessageSequence(
        "A 'create' message must be sent, to open an event bundle, before that bundle can be saved with 'save'.",
      );
    }
    this.bundle = null;
    if (!bundle.objects.length) return; // bluesky emits no empty events
    let stream = this.streams.get(bundle.stream);
    if (!stream) {
      const descriptor = this.declare(bundle.stream, bundle.objects);
      out.push(['descriptor', descriptor]);
      stream = this.streams.get(bundle.stream)!;
    } else if (!sameSet(stream.objects, bundle.objects)) {
      throw new Error(
        `Mismatched objects read for stream '${bundle.stream}': expected ${stream.objects.map(nameOf).join(', ')}, got ${bundle.objects.map(nameOf).join(', ')}`,
      );
    }
    // Between the descriptor and the event, as bluesky emits them; a Resource learns its run here.
    const width = this.assetPacker.pack(bundle.assets, this.target(bundle.stream), out);
    if (width > 1)
      throw new Error(
        'Received multiple indices in a `stream_datum` document for one event, during a `read()` `save()`: a read stands for one event.',
      );
    const readings = Object.assign({}, ...bundle.readings);
    out.push(['event', this.event(bundle.stream, readings, unfilledKeys(stream.descriptor.data_keys))]);
  }

  /** Creates a stream's descriptor from the described devices (declare_stream, or a first save). */
  declare(name: string, objects: unknown[]): EventDescriptor {
    const cache = this.described.get(name);
    const descriptions = objects.map((obj) => {
      const d = cache?.get(obj);
      if (!d) throw new Error(`${nameOf(obj)} was not described for stream '${name}'`);
      return d;
    });
    // event-model refuses a second descriptor of a stream with other data keys (two flyers sharing it).
    const keys = descriptions.flatMap((d) => Object.keys(d.dataKeys));
    const earlier = this.streamKeys.get(name);
    if (earlier && keySet(earlier) !== keySet(keys)) {
      throw new Error(
        `A descriptor with the name ${name} has already been composed with data_keys ${pySet(earlier)}. The requested data_keys were ${pySet(keys)}. All descriptors in a given stream must have the same data_keys.`,
      );
    }
    this.streamKeys.set(name, keys);
    const descriptor = composeDescriptor(
      this.source.uid(),
      this.source.now(),
      this.start.uid,
      name,
      descriptions,
    );
    this.streams.set(name, { descriptor, objects });
    if (!this.seq.has(name)) {
      this.seq.set(name, 1);
      this.seqAtCheckpoint.set(name, 1);
    }
    return descriptor;
  }

  hasStream(name: string): boolean {
    return this.streams.has(name);
  }

  /** An event of a stream that already has its descriptor (saves and monitor updates). */
  event(stream: string, readings: Record<string, Reading>, filled: Record<string, boolean> = {}): RunEvent {
    return this.eventOf(this.streams.get(stream)!.descriptor, readings, filled);
  }

  /** An event of a given descriptor, numbered in its stream (a flyer's may not be the stream's latest). */
  private eventOf(
    descriptor: EventDescriptor,
    readings: Record<string, Reading>,
    filled: Record<string, boolean | string> = {},
  ): RunEvent {
    const seqNum = this.advance(descriptor.name, 1);
    return composeEvent(this.source.uid(), this.source.now(), descriptor.uid, seqNum, readings, filled);
  }

  /** Takes `count` seq_nums of a stream; returns the first. */
  private advance(stream: string, count: number): number {
    const seqNum = this.seq.get(stream) ?? 1;
    this.seq.set(stream, seqNum + count);
    return seqNum;
  }

  private target(stream: string | null) {
    const declared = stream === null ? undefined : this.streams.get(stream);
    return declared ? { descriptor: declared.descriptor, nextSeqNum: this.seq.get(stream!) ?? 1 } : null;
  }

  /** Declares a stream of collectable devices from their describe_collect() (declare_stream with collect). */
  declareCollected(name: string, objs: unknown[], descriptions: CollectDescription[]): EventDescriptor {
    objs.forEach((obj, i) => {
      const { dataKeys, ...rest } = descriptions[i];
      const streams = streamsOf(dataKeys, name);
      if (streams.length !== 1)
        throw new Error(
          `declare_stream with collect=True needs describe_collect to give the data keys of '${name}'; ${nameOf(obj)} gave none`,
        );
      this.collectDescriptions.set(obj, descriptions[i]);
      this.remember(name, obj, { ...rest, dataKeys: streams[0][1] });
    });
    return this.declare(name, objs);
  }

  /** Records a declared stream for the set of devices it was declared with. */
  noteDeclared(name: string, objs: unknown[]): void {
    const entry = this.declared.find((d) => sameSet(d.objs, objs));
    if (entry) entry.names.push(name);
    else this.declared.push({ objs, names: [name] });
  }

  kickedOff(obj: unknown): void {
    this.uncollected.add(obj);
  }

  /** The devices kicked off and never collected, forgotten here: the engine's last chance to collect them. */
  takeUncollected(): unknown[] {
    const left = [...this.uncollected];
    this.uncollected.clear();
    return left;
  }

  /**
   * Before a collect's device calls (bluesky's RunBundler.collect up to describe_collect): which
   * stream it goes to (named, or the one declared for these devices; none for an old-style flyer
   * with its own streams) and whether the flyer still needs describing.
   */
  prepareCollect(objs: unknown[], name: string | null): { stream: string | null; describe: boolean } {
    for (const obj of objs) {
      if (!isCollectable(obj))
        throw new TypeError(`${nameOf(obj)} cannot be collected: it has no describe_collect()`);
    }
    if (objs.length > 1) {
      const plain = objs.filter((obj) => !writesStreamAssets(obj));
      if (plain.length)
        throw new TypeError(
          `${plain.map(nameOf).join(', ')} cannot be collected together with other devices: only devices that write stream assets (get_index, collect_asset_docs) can`,
        );
    }
    for (const obj of objs) this.uncollected.delete(obj);
    const declared = this.declared.find((d) => sameSet(d.objs, objs))?.names ?? [];
    if (name !== null) {
      if (!declared.includes(name))
        throw new IllegalMessageSequence(
          `Stream '${name}' was not declared for ${objs.map(nameOf).join(', ')}: declare_stream(..., collect=True) comes first`,
        );
      return { stream: name, describe: false };
    }
    if (new Set(declared).size > 1)
      throw new IllegalMessageSequence(
        `${objs.map(nameOf).join(', ')} were declared in several streams (${declared.join(', ')}): name one in collect`,
      );
    if (declared.length) return { stream: declared[0], describe: false };
    if (objs.length > 1)
      throw new IllegalMessageSequence(
        'If collecting multiple objects you must predeclare a stream for all the objects first and provide the stream name',
      );
    return { stream: null, describe: !this.collectDescriptions.has(objs[0]) };
  }

  /**
   * Turns what was collected into documents, in bluesky's order: an old-style flyer's new
   * descriptors, the asset documents, then the event pages (one per stream from events, or the
   * device's own pages), added to `out` as they are made (as save's). A stream written only into
   * files advances by its StreamDatums' width. Returns what the plan gets back (the partial
   * events or pages, or null).
   */
  collect(
    objs: unknown[],
    collected: CollectResult,
    stream: string | null,
    out: Emitted[],
  ): unknown[] | null {
    const [first] = objs;
    if (stream === null) {
      if (collected.description) this.collectDescriptions.set(first, collected.description);
      this.describeFlyer(first, out);
    }
    const width = this.assetPacker.pack(collected.assets, this.target(stream), out);
    const eventsFollow =
      objs.length === 1 && !writesStreamAssets(first) && (collected.pages || collected.events);
    if (!eventsFollow) {
      if (stream === null)
        throw new Error(
          `A collect of ${nameOf(first)}, which hands over no events or pages, needs the stream it was declared in`,
        );
      this.advance(stream, width);
      return null;
    }
    const descriptorFor = this.descriptorsOf(first, stream);
    if (collected.pages) {
      for (const page of collected.pages) {
        const descriptor = descriptorFor(Object.keys(page.data));
        const n = pageLength(page);
        const uids = Array.from({ length: n }, () => this.source.uid());
        const seqStart = this.advance(descriptor.name, n);
        out.push([
          'event_page',
          composeEventPage(descriptor.uid, uids, this.source.now(), seqStart, page.data, page.timestamps),
        ]);
      }
      return collected.pages;
    }
    const pages = new Map<EventDescriptor, RunEvent[]>();
    for (const partial of collected.events ?? []) {
      const descriptor = descriptorFor(Object.keys(partial.data));
      const page = pages.get(descriptor) ?? [];
      page.push(this.eventOf(descriptor, readingsOf(partial), partial.filled));
      pages.set(descriptor, page);
    }
    for (const events of pages.values()) out.push(['event_page', packEventPage(events)]);
    return collected.events ?? [];
  }

  /**
   * An old-style flyer's streams: a descriptor for each stream it is not yet part of (so two flyers
   * collected into one stream each get theirs, as in bluesky), then its descriptors by key set.
   */
  private describeFlyer(flyer: unknown, out: Emitted[]): void {
    const description = this.collectDescriptions.get(flyer)!;
    const local = new Map<string, EventDescriptor>();
    for (const [stream, dataKeys] of flyerStreams(nameOf(flyer), description.dataKeys)) {
      if (!this.streams.get(stream)?.objects.includes(flyer)) {
        const { dataKeys: _, ...rest } = description;
        this.remember(stream, flyer, { ...rest, dataKeys });
        out.push(['descriptor', this.declare(stream, [flyer])]);
      }
      local.set(keySet(Object.keys(dataKeys)), this.streams.get(stream)!.descriptor);
    }
    this.localDescriptors.set(flyer, local);
  }

  /** Picks the descriptor for a row of collected data: the declared stream's, or by its keys. */
  private descriptorsOf(obj: unknown, stream: string | null): (keys: string[]) => EventDescriptor {
    if (stream !== null && !this.localDescriptors.has(obj)) {
      const keys = Object.keys(this.described.get(stream)!.get(obj)!.dataKeys);
      this.localDescriptors.set(obj, new Map([[keySet(keys), this.streams.get(stream)!.descriptor]]));
    }
    const local = this.localDescriptors.get(obj)!;
    return (keys) => {
      const descriptor = stream !== null ? this.streams.get(stream)!.descriptor : local.get(keySet(keys));
      if (!descriptor)
        throw new Error(
          `${nameOf(obj)} collected data with keys ${keys.join(', ')} that match none of its streams`,
        );
      const streamed = streamedKeys(descriptor);
      if (keys.some((k) => streamed.includes(k)))
        throw new Error(
          `${nameOf(obj)} collected data for keys streamed into files (${streamed.join(', ')})`,
        );
      return descriptor;
    };
  }

  checkpoint(): void {
    this.seqAtCheckpoint = new Map(this.seq);
  }

  clearCheckpoint(): void {
    this.seqAtCheckpoint.clear();
  }

  /** Back to the last checkpoint: retaken points reuse their sequence numbers, an open bundle is dropped. */
  rewind(): void {
    this.seq.clear();
    for (const [k, v] of this.seqAtCheckpoint) this.seq.set(k, v);
    for (const name of this.streams.keys()) if (!this.seq.has(name)) this.seq.set(name, 1);
    this.bundle = null;
  }

  stop(exitStatus: ExitStatus, reason: string): RunStop {
    const numEvents: Record<string, number> = {};
    for (const [stream, next] of this.seq) numEvents[stream] = next - 1;
    return composeStop(this.source.uid(), this.source.now(), this.start.uid, exitStatus, reason, numEvents);
  }
}

function readingsOf(partial: PartialEvent): Record<string, Reading> {
  return Object.fromEntries(
    Object.entries(partial.data).map(([k, value]) => [k, { value, timestamp: partial.timestamps[k] }]),
  );
}

function sameSet(a: unknown[], b: unknown[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
