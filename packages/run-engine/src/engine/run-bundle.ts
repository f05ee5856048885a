/**
 * One open run's bookkeeping (bluesky's RunBundler), pure: the event bundle being assembled,
 * descriptors per stream, sequence numbers and their checkpoint copy for rewinding. It returns the
 * documents to emit; the engine emits them.
 */
import {
  type AssetDocument,
  composeDescriptor,
  composeEvent,
  composeStop,
  type EventDescriptor,
  type EventPage,
  type ExitStatus,
  type ObjectDescription,
  packEventPage,
  type Event as RunEvent,
  type RunStart,
  type RunStop,
  unfilledKeys,
} from '../documents.ts';
import { IllegalMessageSequence } from '../errors.ts';
import { nameOf, type Reading } from '../protocols.ts';
import type { CollectResult } from './events.ts';

export interface DocSource {
  uid(): string;
  now(): number;
}

type Emitted =
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

  private readonly source: DocSource;

  constructor(start: RunStart, source: DocSource) {
    this.start = start;
    this.source = source;
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

  /** Closes the bundle into an Event, preceded by its stream's descriptor the first time. */
  save(): Emitted[] {
    const bundle = this.bundle;
    if (!bundle) {
      throw new IllegalMessageSequence(
        "A 'create' message must be sent, to open an event bundle, before that bundle can be saved with 'save'.",
      );
    }
    this.bundle = null;
    if (!bundle.objects.length) return []; // bluesky emits no empty events
    const out: Emitted[] = [];
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
    for (const [name, doc] of bundle.assets) {
      if (name === 'resource') out.push(['resource', { ...doc, run_start: this.start.uid }]);
      else out.push([name, doc]);
    }
    const readings = Object.assign({}, ...bundle.readings);
    out.push(['event', this.event(bundle.stream, readings, unfilledKeys(stream.descriptor.data_keys))]);
    return out;
  }

  /** Creates a stream's descriptor from the described devices (declare_stream, or a first save). */
  declare(name: string, objects: unknown[]): EventDescriptor {
    const cache = this.described.get(name);
    const descriptions = objects.map((obj) => {
      const d = cache?.get(obj);
      if (!d) throw new Error(`${nameOf(obj)} was not described for stream '${name}'`);
      return d;
    });
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
    const seqNum = this.seq.get(stream) ?? 1;
    this.seq.set(stream, seqNum + 1);
    const descriptor = this.streams.get(stream)!.descriptor;
    return composeEvent(this.source.uid(), this.source.now(), descriptor.uid, seqNum, readings, filled);
  }

  /**
   * Turns what a flyer collected into event pages, one per stream, declaring each stream the first
   * time. An event goes to the stream named in the message, else to the stream whose data keys it has.
   */
  collect(flyer: unknown, collected: CollectResult, streamName: string | null): Emitted[] {
    const out: Emitted[] = [];
    const name = nameOf(flyer);
    for (const [stream, dataKeys] of Object.entries(collected.streams)) {
      if (this.streams.has(stream)) continue;
      this.remember(stream, flyer, {
        name,
        dataKeys,
        configKeys: collected.configKeys,
        config: collected.config,
      });
      out.push(['descriptor', this.declare(stream, [flyer])]);
    }
    const byKeys = new Map(
      Object.entries(collected.streams).map(([stream, keys]) => [
        Object.keys(keys).sort().join('\u0000'),
        stream,
      ]),
    );
    const pages = new Map<string, RunEvent[]>();
    for (const partial of collected.events) {
      const stream = streamName ?? byKeys.get(Object.keys(partial.data).sort().join('\u0000'));
      if (!stream || !this.streams.has(stream)) {
        throw new Error(
          `${name} collected an event with keys ${Object.keys(partial.data)} that match none of its streams`,
        );
      }
      const readings = Object.fromEntries(
        Object.entries(partial.data).map(([k, value]) => [k, { value, timestamp: partial.timestamps[k] }]),
      );
      const page = pages.get(stream) ?? [];
      page.push(this.event(stream, readings));
      pages.set(stream, page);
    }
    for (const events of pages.values()) out.push(['event_page', packEventPage(events)]);
    return out;
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

function sameSet(a: unknown[], b: unknown[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
