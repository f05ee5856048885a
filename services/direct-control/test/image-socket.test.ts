import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { until } from '../../../packages/epics-ca/test/waits.ts';
import { renderFrame } from '../src/images/render.ts';
import { cameraPvs, tiffPvs } from '../src/sockets/image-socket.ts';
import { type Stack, startStack, TestSocket } from './stack.ts';

async function firstImage(socket: TestSocket): Promise<Buffer> {
  await until(() => socket.binaries.length > 0, 'the first image');
  return socket.binaries[0];
}

describe('camera and tiff sockets against the simulated camera', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('sends the dimensions, then JPEG frames of that size; toggles log normalisation', async () => {
    const socket = await TestSocket.open(`${stack.ws}/api/v1/camera-socket`);
    try {
      socket.send({ imageArray_PV: '13SIM1:image1:ArrayData' });
      const dims = await socket.next((f) => 'x' in f);
      assert.deepEqual(dims, { x: 256, y: 192, colorMode: 'Mono', dataType: 'UInt8' });
      const jpeg = await firstImage(socket);
      assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
      const meta = await sharp(jpeg).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 256, 192]);
      const ack = await socket.request({ toggleLogNormalization: false }, (f) => 'logNormalization' in f);
      assert.equal(ack.logNormalization, false);
      const from = socket.frames.length;
      await stack.client.put('13SIM1:cam1:SizeX', 128, { wait: true });
      const resized = await socket.next((f) => 'x' in f && f.x === 128, from);
      assert.equal(resized.y, 192);
      await stack.client.put('13SIM1:cam1:SizeX', 256, { wait: true });
    } finally {
      socket.close();
    }
  });

  it('streams by prefix on the tiff socket, and refuses unregistered or unreachable arrays', async () => {
    const tiff = await TestSocket.open(`${stack.ws}/api/v1/tiff-socket`);
    try {
      tiff.send({ prefix: '13SIM1' });
      await tiff.next((f) => 'x' in f);
      await firstImage(tiff);
    } finally {
      tiff.close();
    }
    const unknown = await TestSocket.open(`${stack.ws}/api/v1/camera-socket`);
    unknown.send({ imageArray_PV: 'NOPE:image1:ArrayData' });
    const error = await unknown.next((f) => f.type === 'error');
    assert.match(error.error, /not found/);
    assert.equal(await unknown.closed(), 1011);
  });

  it('infers setting PVs the way the reference does', () => {
    assert.equal(
      cameraPvs({ imageArray_PV: 'XF:11IDB:ES{Cam:1}image1:ArrayData' }, '').settings.sizeX,
      'XF:11IDB:ES{Cam:1}cam1:SizeX',
    );
    assert.equal(cameraPvs({ imageArray_PV: 'WEIRD' }, '').settings.colorMode, 'WEIRD:cam1:ColorMode');
    assert.equal(cameraPvs({ sizeY: 'X:h' }, 'A:image1:ArrayData').settings.sizeY, 'X:h');
    assert.deepEqual(tiffPvs({}, ' 13PIL1 ').array, '13PIL1:image1:ArrayData');
  });

  it('renders colour modes, slices long arrays, scales down with the aspect ratio, and keeps negative pixels', async () => {
    const options = { log: false, maxDimension: 2500, encoding: 'png' as const, jpegQuality: 100 };
    // RGB3 (planar) 2×1: a red pixel then a blue one.
    const planar = [255, 0, 0, 0, 0, 255];
    const png = await renderFrame(planar, { x: 2, y: 1, colorMode: 'RGB3', dataType: 'UInt8' }, options);
    const { data } = await sharp(png!).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([...data], [255, 0, 0, 0, 0, 255]);
    const longer = await renderFrame(
      new Uint8Array(20),
      { x: 4, y: 4, colorMode: 'Mono', dataType: 'UInt8' },
      options,
    );
    assert.ok(longer, 'a longer array is sliced, not dropped');
    assert.equal(
      await renderFrame(new Uint8Array(8), { x: 4, y: 4, colorMode: 'Mono', dataType: 'UInt8' }, options),
      null,
    );
    const big = await renderFrame(
      new Uint8Array(400 * 100),
      { x: 400, y: 100, colorMode: 'Mono', dataType: 'UInt8' },
      {
        ...options,
        maxDimension: 200,
      },
    );
    const meta = await sharp(big!).metadata();
    assert.deepEqual([meta.width, meta.height], [200, 50]);
    const signed = await renderFrame(
      [-5, 0, 5, 10],
      { x: 2, y: 2, colorMode: 'Mono', dataType: 'Int16' },
      { ...options, log: true },
    );
    assert.ok(signed, 'log normalisation shifts negative pixels instead of dropping the frame');
    const unsigned = await renderFrame(
      [-1, 0, 0, 0],
      { x: 2, y: 2, colorMode: 'Mono', dataType: 'UInt8' },
      options,
    );
    const pixels = (await sharp(unsigned!).raw().toBuffer())[0];
    assert.equal(pixels, 255, 'a CA char of -1 is the camera pixel 255 in UInt8');
  });
});
