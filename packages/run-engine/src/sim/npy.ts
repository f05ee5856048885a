/**
 * numpy's .npy format (version 1.0) for float64 arrays: what ophyd.sim's `img` writes per frame
 * with np.save, so Python's NumpySeqHandler (np.load) reads our files unchanged; and a file that
 * grows a frame at a time (a streaming detector's), readable by np.load at any moment.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

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
  const header = npyHeader(shape);
  return Buffer.concat([header, float64s(flat)]);
}

/**
 * The magic, version and header of a float64 array of `shape`, padded with spaces to a multiple
 * of 64 bytes (as numpy pads), or to exactly `size` bytes so a growing file can rewrite it in place.
 */
function npyHeader(shape: number[], size?: number): Buffer {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${tuple}, }`;
  // magic (6) + version (2) + header length (2) + header + '\n'
  const unpadded = 10 + dict.length + 1;
  const total = size ?? unpadded + ((64 - (unpadded % 64)) % 64);
  if (total < unpadded) throw new Error(`an .npy header for shape ${tuple} does not fit in ${total} bytes`);
  const text = `${dict}${' '.repeat(total - unpadded)}\n`;
  const out = Buffer.alloc(total);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(text.length, 8);
  out.write(text, 10, 'latin1');
  return out;
}

function float64s(values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 8);
  values.forEach((x, i) => {
    out.writeDoubleLE(Number(x), i * 8);
  });
  return out;
}

/** Room for the header of a growing file: any frame count and frame shape a simulation uses. */
const GROWING_HEADER_BYTES = 128;

/**
 * An .npy file of frames of one shape, appended one at a time: the data goes after the last frame
 * and the header's first dimension is rewritten, so the file is a valid (n, …frame) array after
 * every append.
 */
export class NpyAppender {
  readonly path: string;
  private readonly frameShape: number[];
  private readonly fd: number;
  private count = 0;

  constructor(path: string, frameShape: number[]) {
    this.path = path;
    this.frameShape = frameShape;
    this.fd = openSync(path, 'w');
    this.writeHeader();
  }

  get frames(): number {
    return this.count;
  }

  append(frame: unknown): void {
    const flat = (Array.isArray(frame) ? frame.flat(Number.POSITIVE_INFINITY) : [frame]) as number[];
    const data = float64s(flat);
    writeSync(this.fd, data, 0, data.length, GROWING_HEADER_BYTES + this.count * data.length);
    this.count++;
    this.writeHeader();
  }

  close(): void {
    closeSync(this.fd);
  }

  private writeHeader(): void {
    const header = npyHeader([this.count, ...this.frameShape], GROWING_HEADER_BYTES);
    writeSync(this.fd, header, 0, header.length, 0);
  }
}
