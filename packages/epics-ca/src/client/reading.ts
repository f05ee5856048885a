/** What a get or a monitor update delivers: the values with their alarm state, time and metadata. */
import {
  type DbrData,
  decodeDbrAt,
  FAMILY,
  familyOf,
  type Limits,
  severityAt,
  statusAt,
  timestampAt,
  unixSeconds,
  type Values,
  valuesAt,
} from '../dbr.ts';

export interface Reading {
  name: string;
  /** The value: a scalar for single-element channels, otherwise the array. */
  value: number | string | Values;
  values: Values;
  dataType: number;
  status?: number;
  severity?: number;
  /** Unix time in seconds (TIME, and for convenience nothing else). */
  timestamp?: number;
  units?: string;
  precision?: number;
  enumStrings?: string[];
  limits?: Partial<Limits>;
}

/** The reading of a decoded payload of any other family than TIME (readingAt reads those in place). */
function toReading(name: string, dataType: number, nativeCount: number, data: DbrData): Reading {
  const { values } = data;
  const value = nativeCount === 1 && values.length === 1 ? values[0] : values;
  const reading: Reading = { name, value, values, dataType };
  if (data.status !== undefined) {
    reading.status = data.status;
    reading.severity = data.severity;
  }
  if (data.ackt !== undefined) Object.assign(reading, { ackt: data.ackt, acks: data.acks });
  if (data.units !== undefined) reading.units = data.units;
  if (data.precision !== undefined) reading.precision = data.precision;
  if (data.enumStrings !== undefined) reading.enumStrings = data.enumStrings;
  if (data.limits !== undefined) reading.limits = data.limits;
  if (data.stamp) reading.timestamp = unixSeconds(data.stamp);
  return reading;
}

/**
 * The reading of the payload `buf[start, end)`, read in place. A TIME payload (nearly every
 * monitor update and get) becomes its reading directly, built in one literal so that every such
 * reading shares one object shape: the values array and the reading are all it allocates, where
 * decodeDbrAt + toReading would also make the decoded data and its stamp. Given `into`, a TIME
 * reading made here before (an in-place subscription's previous one), a TIME payload is written
 * into it, and into its values while their type and length stay the same: nothing is allocated.
 */
export function readingAt(
  name: string,
  dataType: number,
  nativeCount: number,
  buf: Buffer,
  start: number,
  end: number,
  count: number,
  into?: Reading,
): Reading {
  if (familyOf(dataType) !== FAMILY.TIME)
    return toReading(name, dataType, nativeCount, decodeDbrAt(dataType, buf, start, end, count));
  const values = valuesAt(dataType, buf, start, end, count, into?.values);
  const value = nativeCount === 1 && values.length === 1 ? values[0] : values;
  const status = statusAt(buf, start);
  const severity = severityAt(buf, start);
  const timestamp = timestampAt(buf, start);
  if (into === undefined) return { name, value, values, dataType, status, severity, timestamp };
  into.value = value;
  // An unchanged reference is not stored again: each store of one costs a write barrier.
  if (into.values !== values) into.values = values;
  into.dataType = dataType;
  into.status = status;
  into.severity = severity;
  into.timestamp = timestamp;
  return into;
}
