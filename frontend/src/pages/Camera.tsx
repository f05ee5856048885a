/**
 * The camera screen: direct control's camera socket for `13SIM1:` or `mini:dot`, each image decoded
 * by the browser and drawn on a canvas through a colour map, with the frame rate and frame size.
 */
import { useEffect, useRef, useState } from 'react';
import {
  applyColourMap,
  COLOUR_MAP_NAMES,
  colourTable,
  FrameRate,
  greyRange,
} from '../components/colourMaps.ts';
import type { UiConfig } from '../config.ts';
import { ReconnectingSocket, type SocketState } from '../socket.ts';

/**
 * The camera socket's first frame for each source. `mini:dot` is no areaDetector: its size comes
 * from its ArraySize RBVs, and the settings it lacks (offsets and colour mode, all 0 = Mono) from
 * `13SIM1:image1:ArraySize2_RBV`, always 0 for a mono camera; its data type names a PV whose value
 * (640) is no known type, so the service passes the doubles through as they are.
 */
const SOURCES: Record<string, Record<string, string>> = {
  '13SIM1:': { imageArray_PV: '13SIM1:image1:ArrayData' },
  'mini:dot': {
    imageArray_PV: 'mini:dot:det',
    sizeX: 'mini:dot:ArraySizeX_RBV',
    sizeY: 'mini:dot:ArraySizeY_RBV',
    startX: '13SIM1:image1:ArraySize2_RBV',
    startY: '13SIM1:image1:ArraySize2_RBV',
    colorMode: '13SIM1:image1:ArraySize2_RBV',
    dataType: 'mini:dot:ArraySizeX_RBV',
  },
};

interface Dimensions {
  x: number;
  y: number;
  colorMode: string;
  dataType: string;
}

interface Look {
  map: string;
  scaling: 'auto' | 'fixed';
  low: number;
  high: number;
}

/** The camera socket's URL on the direct-control service. */
export function cameraSocketUrl(directControlUrl: string): string {
  return `${directControlUrl.replace(/^http/, 'ws')}/api/v1/camera-socket`;
}

/** Draws a decoded frame on `canvas`: grey frames through the colour map, colour frames as they are. */
function drawFrame(canvas: HTMLCanvasElement, bitmap: ImageBitmap, look: Look, mono: boolean): void {
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return;
  context.drawImage(bitmap, 0, 0);
  if (!mono) return;
  const image = context.getImageData(0, 0, bitmap.width, bitmap.height);
  const { min, max } = look.scaling === 'auto' ? greyRange(image.data) : { min: look.low, max: look.high };
  applyColourMap(image.data, colourTable(look.map), min, max);
  context.putImageData(image, 0, 0);
}

/** The camera screen. */
export function CameraPage({ config }: { config: UiConfig }) {
  const [source, setSource] = useState('13SIM1:');
  const [look, setLook] = useState<Look>({ map: 'grey', scaling: 'auto', low: 0, high: 255 });
  const [logScale, setLogScale] = useState(true);
  const [dims, setDims] = useState<Dimensions | null>(null);
  const [fps, setFps] = useState(0);
  const [error, setError] = useState('');
  const [state, setState] = useState<SocketState>('connecting');
  const canvas = useRef<HTMLCanvasElement>(null);
  const socket = useRef<ReconnectingSocket | null>(null);
  const shown = useRef({ look, mono: true, bitmap: null as ImageBitmap | null, frames: 0 });
  shown.current.look = look;
  shown.current.mono = !dims || dims.colorMode === 'Mono' || dims.colorMode === 'Bayer';

  // One stream per source: a new connection whose first frame names the PVs (the handshake).
  useEffect(() => {
    const stream = new ReconnectingSocket(cameraSocketUrl(config.directControlUrl));
    socket.current = stream;
    stream.keep('stream', SOURCES[source]);
    setDims(null);
    setError('');
    const rate = new FrameRate();
    let waiting: ArrayBuffer | null = null;
    let decoding = false;
    let frame = 0;
    // Decode the newest image only; draw once per animation frame.
    const decode = async () => {
      if (decoding || !waiting) return;
      decoding = true;
      const bytes = waiting;
      waiting = null;
      try {
        const bitmap = await createImageBitmap(new Blob([bytes]));
        shown.current.bitmap?.close();
        shown.current.bitmap = bitmap;
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(() => {
          if (!canvas.current || shown.current.bitmap !== bitmap) return;
          drawFrame(canvas.current, bitmap, shown.current.look, shown.current.mono);
          canvas.current.dataset.frames = String(++shown.current.frames);
        });
      } catch {
        // An image the browser cannot decode is skipped, as the service skips frames it cannot render.
      } finally {
        decoding = false;
        void decode();
      }
    };
    const stops = [
      stream.onState(setState),
      stream.onMessage((message) => {
        if (typeof message.x === 'number' && typeof message.y === 'number')
          setDims(message as unknown as Dimensions);
        else if (typeof message.logNormalization === 'boolean') setLogScale(message.logNormalization);
        else if (message.type === 'error') setError(String(message.error));
      }),
      stream.onBinary((bytes) => {
        rate.record(performance.now());
        waiting = bytes;
        void decode();
      }),
    ];
    // The shown rate is refreshed four times a second (a display, not a measurement).
    const timer = setInterval(() => setFps(rate.perSecond(performance.now())), 250);
    return () => {
      for (const stop of stops) stop();
      clearInterval(timer);
      cancelAnimationFrame(frame);
      stream.close();
      socket.current = null;
    };
  }, [config, source]);

  // A new colour map or scale redraws the last frame at once, without waiting for the next.
  useEffect(() => {
    const bitmap = shown.current.bitmap;
    if (canvas.current && bitmap) drawFrame(canvas.current, bitmap, look, shown.current.mono);
  }, [look]);

  const number = (text: string) => Math.min(255, Math.max(0, Number(text) || 0));
  return (
    <section aria-labelledby="camera-title">
      <h1 id="camera-title">Camera</h1>
      <p>
        <label>
          Source{' '}
          <select value={source} onChange={(e) => setSource(e.target.value)}>
            {Object.keys(SOURCES).map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>{' '}
        <label>
          Colour map{' '}
          <select value={look.map} onChange={(e) => setLook({ ...look, map: e.target.value })}>
            {COLOUR_MAP_NAMES.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>{' '}
        <label>
          Scaling{' '}
          <select
            value={look.scaling}
            onChange={(e) => setLook({ ...look, scaling: e.target.value === 'fixed' ? 'fixed' : 'auto' })}
          >
            <option value="auto">auto (frame min … max)</option>
            <option value="fixed">fixed</option>
          </select>
        </label>{' '}
        <label>
          Low{' '}
          <input
            type="number"
            min={0}
            max={255}
            value={look.low}
            disabled={look.scaling === 'auto'}
            onChange={(e) => setLook({ ...look, low: number(e.target.value) })}
          />
        </label>{' '}
        <label>
          High{' '}
          <input
            type="number"
            min={0}
            max={255}
            value={look.high}
            disabled={look.scaling === 'auto'}
            onChange={(e) => setLook({ ...look, high: number(e.target.value) })}
          />
        </label>{' '}
        <label>
          <input
            type="checkbox"
            checked={logScale}
            onChange={(e) => socket.current?.keep('log', { toggleLogNormalization: e.target.checked })}
          />{' '}
          Log scale (service)
        </label>
      </p>
      <p>
        Socket: <output aria-label="Camera socket state">{state}</output> · Frame rate:{' '}
        <output aria-label="Frame rate">{fps}</output> frames/s · Frame size:{' '}
        <output aria-label="Frame size">
          {dims
            ? `${dims.x} × ${dims.y} ${dims.colorMode}${/^\d+$/.test(dims.dataType) ? '' : ` ${dims.dataType}`}`
            : '—'}
        </output>
      </p>
      {error && <p role="alert">{error}</p>}
      <canvas
        ref={canvas}
        aria-label={`Camera image from ${source}`}
        data-frames="0"
        style={{ maxWidth: '100%', imageRendering: 'pixelated' }}
      />
    </section>
  );
}
