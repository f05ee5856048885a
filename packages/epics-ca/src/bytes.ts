/**
 * Big-endian integers read straight from the bytes, for the per-frame paths (every header, every
 * monitor update). Buffer's own read methods validate the offset on each call; here the caller has
 * already checked that the bytes are there, so the check would only cost.
 */
export const u16 = (buf: Uint8Array, at: number) => (buf[at] << 8) | buf[at + 1];

export const i16 = (buf: Uint8Array, at: number) => ((buf[at] << 24) >> 16) | buf[at + 1];

export const u32 = (buf: Uint8Array, at: number) =>
  buf[at] * 0x1000000 + ((buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]);

/*
 * Big-endian floats. Buffer's readDoubleBE assembles the bytes in a scratch array and reads them
 * back, which the CPU cannot forward from store to load; a DataView reads them in one load and a
 * byte swap. Making a DataView costs more than the read, so one is kept for the memory last read
 * from: a client's updates nearly all lie in its circuit's one read buffer.
 */
let viewed: ArrayBufferLike | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

function viewOf(buf: Uint8Array): DataView<ArrayBufferLike> {
  if (buf.buffer !== viewed) {
    viewed = buf.buffer;
    view = new DataView(viewed);
  }
  return view;
}

export const f64 = (buf: Uint8Array, at: number) => viewOf(buf).getFloat64(buf.byteOffset + at);

export const f32 = (buf: Uint8Array, at: number) => viewOf(buf).getFloat32(buf.byteOffset + at);
