/**
 * numpy's .npy format (version 1.0) for float64 arrays: what ophyd.sim's `img` writes per frame
 * with np.save, so Python's NumpySeqHandler (np.load) reads our files unchanged.
 */

/** The shape of a nested array of numbers (the first element decides each level's length). */
export function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let level = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

/** Encodes a nested array of numbers as a little-endian float64 .npy file. */
export function encodeNpy(value: unknown): Buffer {
  const shape = shapeOf(value);
  const flat = (Array.isArray(value) ? value.flat(Number.POSITIVE_INFINITY) : [value]) as number[];
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${tuple}, }`;
  // magic (6) + version (2) + header length (2) + header + '\n', padded to a multiple of 64
  const unpadded = 10 + header.length + 1;
  header = `${header}${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  const out = Buffer.alloc(10 + header.length + flat.length * 8);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  flat.forEach((x, i) => {
    out.writeDoubleLE(Number(x), 10 + header.length + i * 8);
  });
  return out;
}
