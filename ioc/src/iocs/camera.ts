/**
 * A simulated areaDetector camera (`13SIM1:`): cam1 settings and an image1 plugin whose ArrayData
 * carries 8-bit frames of a faint diagonal gradient with a bright blob orbiting the centre, at 5 Hz
 * while Acquire = 1 (spec: integration-iocs-pods §1.2). Unlike the reference, ArrayData is UCHAR as on
 * a real areaDetector, ColorMode/DataType are enums, and SizeX/SizeY shape the frames (the array's
 * current length is SizeX × SizeY, and ArraySize0/1_RBV report it), so clients can trust the shape.
 */
import { pv } from '@ophyd-service/epics-ca';
import { type Ioc, type IocContext, type IocDefinition, Loops } from '../ioc.ts';

export const MAX_SIZE_X = 1024;
export const MAX_SIZE_Y = 1024;
const DATA_TYPES = ['Int8', 'UInt8', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Float32', 'Float64'];
const COLOR_MODES = ['Mono', 'Bayer', 'RGB1', 'RGB2', 'RGB3', 'YUV444', 'YUV422', 'YUV421'];

/** Frame k (from 1) of a `width` × `height` sensor: blob centre and size scale with the frame. */
export function cameraFrame(k: number, width: number, height: number): Uint8Array {
  const frame = new Uint8Array(width * height);
  const phase = 0.15 * k;
  const cx = width / 2 + (width / 3) * Math.cos(phase);
  const cy = height / 2 + (height / 3) * Math.sin(phase);
  const sigma = width / 10;
  const diagonal = width + height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const blob = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));
      frame[y * width + x] = Math.min(255, Math.floor(255 * (0.25 * ((x + y) / diagonal) + 0.75 * blob)));
    }
  }
  return frame;
}

function create({ prefix, clock }: IocContext): Ioc {
  const loops = new Loops();
  const cam = `${prefix}cam1:`;
  const img = `${prefix}image1:`;
  // Sizes and offsets are clamped to the sensor, as DRVL/DRVH would (areaDetector clamps them too).
  const within = (low: number, high: number) => ({
    limits: { controlLow: low, controlHigh: high, displayLow: low, displayHigh: high },
    outsideLimits: 'clamp' as const,
  });
  const sizeX = pv.long(`${cam}SizeX`, 256, { ...within(1, MAX_SIZE_X), description: 'Frame width' });
  const sizeY = pv.long(`${cam}SizeY`, 192, { ...within(1, MAX_SIZE_Y), description: 'Frame height' });
  const acquire = pv.enum(`${cam}Acquire`, ['Done', 'Acquire'], 1);
  const counter = pv.long(`${img}ArrayCounter_RBV`, 0, { writable: false });
  const data = pv.char(`${img}ArrayData`, new Uint8Array(256 * 192), {
    count: MAX_SIZE_X * MAX_SIZE_Y,
    writable: false,
    limits: { displayLow: 0, displayHigh: 255 },
  });
  const size0 = pv.long(`${img}ArraySize0_RBV`, 256, {
    writable: false,
    limits: { displayLow: 0, displayHigh: MAX_SIZE_X },
  });
  const size1 = pv.long(`${img}ArraySize1_RBV`, 192, {
    writable: false,
    limits: { displayLow: 0, displayHigh: MAX_SIZE_Y },
  });
  const pvs = [
    pv.long(`${cam}MinX`, 0, within(0, MAX_SIZE_X - 1)),
    pv.long(`${cam}MinY`, 0, within(0, MAX_SIZE_Y - 1)),
    sizeX,
    sizeY,
    pv.long(`${cam}MaxSizeX_RBV`, MAX_SIZE_X, { writable: false }),
    pv.long(`${cam}MaxSizeY_RBV`, MAX_SIZE_Y, { writable: false }),
    pv.enum(`${cam}ColorMode`, COLOR_MODES, 0),
    pv.enum(`${cam}DataType`, DATA_TYPES, 1),
    acquire,
    pv.double(`${cam}AcquireTime`, 0.2, { units: 's', precision: 3, ...within(0, 60) }),
    pv.enum(`${cam}ArrayCallbacks`, ['Disable', 'Enable'], 1),
    counter,
    data,
    size0,
    size1,
    pv.long(`${img}ArraySize2_RBV`, 0, { writable: false }),
    pv.enum(`${img}EnableCallbacks`, ['Disable', 'Enable'], 1),
  ];

  function tick(): void {
    if (Number(acquire.value) !== 1) return;
    const k = Number(counter.value) + 1;
    const width = Number(sizeX.value);
    const height = Number(sizeY.value);
    data.post(cameraFrame(k, width, height));
    if (size0.value !== width) size0.post(width);
    if (size1.value !== height) size1.post(height);
    counter.post(k);
  }

  return {
    pvs,
    start: () => loops.add(clock.every(0.2, tick)),
    stop: () => loops.stopAll(),
  };
}

export const camera: IocDefinition = {
  description: 'simulated areaDetector camera: 8-bit frames of an orbiting blob at 5 Hz',
  defaultPrefix: '13SIM1:',
  create,
};
