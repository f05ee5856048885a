/**
 * Reading what describe_collect() returns, as bluesky's RunBundler does: either one stream's data
 * keys (`{key: DataKey}`, for a stream declared with `collect: true`) or several streams' (`{stream:
 * {key: DataKey}}`, ophyd's flyers, each stream getting its descriptor at the first collect).
 */
import type { DataKey } from '../protocols.ts';

type Described = Record<string, DataKey> | Record<string, Record<string, DataKey>>;

const isDataKey = (value: unknown): value is DataKey =>
  typeof value === 'object' && value !== null && typeof (value as DataKey).source === 'string';

/** Whether describe_collect gave one stream's data keys rather than several streams'. */
export function isFlat(described: Described): described is Record<string, DataKey> {
  const values = Object.values(described);
  return values.length > 0 && values.every(isDataKey);
}

/**
 * The streams and their data keys. A flat description belongs to `name` (a declared stream); a
 * nested one must then hold that stream alone.
 */
export function streamsOf(described: Described, name: string | null): [string, Record<string, DataKey>][] {
  if (!Object.keys(described).length) return [];
  if (isFlat(described)) return [[name ?? 'primary', described]];
  const nested = Object.values(described).every(
    (v) => typeof v === 'object' && v !== null && Object.values(v).every(isDataKey),
  );
  if (!nested) throw new Error(`Invalid describe_collect return: ${JSON.stringify(described)}`);
  const streams = Object.entries(described as Record<string, Record<string, DataKey>>);
  if (name !== null && (streams.length !== 1 || streams[0][0] !== name))
    throw new Error(`Expected a single stream '${name}', got ${Object.keys(described).join(', ')}`);
  return streams;
}

/** A stream's data keys for an old-style flyer: nested only, no key in two streams. */
export function flyerStreams(flyer: string, described: Described): [string, Record<string, DataKey>][] {
  if (isFlat(described))
    throw new Error(`${flyer}'s describe_collect gives one stream's data keys: declare that stream first`);
  const streams = streamsOf(described, null);
  const seen = new Map<string, string>();
  for (const [stream, keys] of streams) {
    for (const key of Object.keys(keys)) {
      const other = seen.get(key);
      if (other !== undefined)
        throw new Error(
          `Can't use identical data keys in multiple streams: ${key} in ${other} and ${stream}`,
        );
      seen.set(key, stream);
    }
  }
  return streams;
}

/** A set of field names as a map key (the order a device lists them in does not matter). */
export function keySet(keys: Iterable<string>): string {
  return [...keys].sort().join('\u0000');
}
