/**
 * Big-endian integers read straight from the bytes, for the per-frame paths (every header, every
 * monitor update). Buffer's own read methods validate the offset on each call; here the caller has
 * already checked that the bytes are there, so the check would only cost.
 */
export const u16 = (buf: Uint8Array, at: number) => (buf[at] << 8) | buf[at + 1];

export const i16 = (buf: Uint8Array, at: number) => ((buf[at] << 24) >> 16) | buf[at + 1];

export const u32 = (buf: Uint8Array, at: number) =>
  buf[at] * 0x1000000 + ((buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]);
