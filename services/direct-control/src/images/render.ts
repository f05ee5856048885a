/**
 * areaDetector arrays to browser images (spec §2.3): reinterpret the CA array as the camera's data
 * type, normalise to 8 bits (log or linear), lay out the colour mode's pixels, scale down past the
 * size cap, encode with sharp (libvips, on the thread pool, off the event loop).
 */

export interface Dimensions {
  x: number;
  y: number;
  colorMode: string;
  dataType: string;
}

export interface RenderOptions {
  log: boolean;
  maxDimension: number;
  encoding: 'jpeg' | 'jpg' | 'png' | 'webp';
  jpegQuality: number;
}

export const COLOR_MODES = ['Mono', 'Bayer', 'RGB1', 'RGB2', 'RGB3', 'YUV444', 'YUV422', 'YUV421'];
export const DATA_TYPES = [
  'Int8',
  'UInt8',
  'Int16',
  'UInt16',
  'Int32',
  'UInt32',
  'Int64',
  'UInt64',
  'Float32',
  'Float64',
];

/** CA carries unsigned camera types in signed DBR types (UInt8 in CHAR): reinterpret the bits. */
function reinterpret(dataType: string): (v: number) => number {
  switch (dataType) {
    case 'UInt8':
      return (v) => v & 0xff;
    case 'Int8':
      return (v) => (v << 24) >> 24;
    case 'UInt16':
      return (v) => v & 0xffff;
    case 'Int16':
      return (v) => (v << 16) >> 16;
    case 'UInt32':
      return (v) => v >>> 0;
    default:
      return (v) => v;
  }
}

const CHANNELS: Record<string, 1 | 3> = { Mono: 1, Bayer: 1, RGB1: 3, RGB2: 3, RGB3: 3 };

/** The encoded image, or null when the frame cannot be shown (unsupported mode, too few elements). */
export async function renderFrame(
  raw: ArrayLike<number>,
  dims: Dimensions,
  options: RenderOptions,
): Promise<Buffer | null> {
  const { x: width, y: height } = dims;
  const channels = CHANNELS[dims.colorMode];
  if (!channels || width < 1 || height < 1) return null;
  const count = width * height * channels;
  if (raw.length < count) return null; // a longer array is sliced; a shorter one cannot fill the frame
  const cast = reinterpret(dims.dataType);
  const values = new Float64Array(count);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const v = cast(raw[i]);
    values[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const { default: sharp } = await import('sharp'); // loaded on the first frame: most services never render one
  const gray = normalise(values, min, max, options.log);
  const pixels = layout(gray, width, height, dims.colorMode);
  let image = sharp(pixels, { raw: { width, height, channels } });
  const longest = Math.max(width, height);
  if (longest > options.maxDimension) {
    const scale = options.maxDimension / longest;
    image = image.resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), {
      kernel: 'lanczos3',
    });
  }
  switch (options.encoding) {
    case 'png':
      return image.png().toBuffer();
    case 'webp':
      return image.webp({ quality: 90 }).toBuffer();
    default:
      return image.jpeg({ quality: options.jpegQuality }).toBuffer();
  }
}

/**
 * To 0..255. Log: ln(v − floor + 1) stretched over its range, with floor the smallest value when it
 * is negative (the reference dropped such frames). Linear: v / max, clamped (it wrapped negatives).
 */
function normalise(values: Float64Array, min: number, max: number, log: boolean): Uint8Array {
  const out = new Uint8Array(values.length);
  if (log) {
    const floor = Math.min(0, min);
    const lo = Math.log(min - floor + 1);
    const span = Math.log(max - floor + 1) - lo;
    if (!(span > 0)) return out; // a constant image is black
    for (let i = 0; i < values.length; i++)
      out[i] = Math.round(((Math.log(values[i] - floor + 1) - lo) / span) * 255);
    return out;
  }
  const scale = max > 0 ? 255 / max : 255;
  for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(values[i] * scale)));
  return out;
}

/** Pixel-interleaved bytes for sharp from the colour mode's order. */
function layout(gray: Uint8Array, width: number, height: number, mode: string): Uint8Array {
  if (mode === 'RGB2') {
    // each row: W red, W green, W blue
    const out = new Uint8Array(gray.length);
    for (let y = 0; y < height; y++)
      for (let c = 0; c < 3; c++)
        for (let x = 0; x < width; x++) out[(y * width + x) * 3 + c] = gray[y * width * 3 + c * width + x];
    return out;
  }
  if (mode === 'RGB3') {
    // planes: H·W red, then green, then blue
    const plane = width * height;
    const out = new Uint8Array(gray.length);
    for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = gray[c * plane + p];
    return out;
  }
  return gray; // Mono, Bayer (shown raw) and RGB1 are already in sharp's order
}
