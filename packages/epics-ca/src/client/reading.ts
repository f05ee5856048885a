/** What a get or a monitor update delivers: the values with their alarm state, time and metadata. */
import { type DbrData, type Limits, unixSeconds, type Values } from '../dbr.ts';

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

export function toReading(name: string, dataType: number, nativeCount: number, data: DbrData): Reading {
  const { values, stamp, ...meta } = data;
  return {
    name,
    value: nativeCount === 1 && values.length === 1 ? values[0] : values,
    values,
    dataType,
    ...meta,
    ...(stamp ? { timestamp: unixSeconds(stamp) } : {}),
  };
}
