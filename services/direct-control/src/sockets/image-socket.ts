/**
 * `/api/v1/camera-socket` and `/api/v1/tiff-socket` (spec §2.3): one areaDetector image stream per
 * connection. The first client frame picks the PVs; the server sends the dimensions as JSON (again
 * whenever a setting changes), then encoded frames as binary messages. Frames wait in a small
 * drop-oldest queue and leave at most at the configured rate; a client that reads slowly simply
 * gets fewer frames.
 */
import { COLOR_MODES, DATA_TYPES, type Dimensions, renderFrame } from '../images/render.ts';
import { requireRegisteredPv } from '../operations/pvs.ts';
import type { DirectControl } from '../state.ts';
import type { Connection } from './connection.ts';
import { errorFrame } from './frames.ts';
import type { Endpoint } from './gateway.ts';
import { errorText } from './shared.ts';

const SETTINGS = ['startX', 'startY', 'sizeX', 'sizeY', 'colorMode', 'dataType'] as const;
type Setting = (typeof SETTINGS)[number];
const SUFFIXES: Record<Setting, string> = {
  startX: 'MinX',
  startY: 'MinY',
  sizeX: 'SizeX',
  sizeY: 'SizeY',
  colorMode: 'ColorMode',
  dataType: 'DataType',
};

export interface StreamPvs {
  array: string;
  settings: Record<Setting, string>;
}

/** camera: `imageArray_PV` plus optional explicit settings, the rest inferred from the array's base. */
export function cameraPvs(request: Record<string, unknown>, defaultArray: string): StreamPvs {
  const array =
    typeof request.imageArray_PV === 'string' && request.imageArray_PV ? request.imageArray_PV : defaultArray;
  const at = array.lastIndexOf('image1:');
  const base = at >= 0 ? array.slice(0, at) : `${array.split(':')[0]}:`;
  const settings = {} as Record<Setting, string>;
  for (const s of SETTINGS) {
    const given = request[s];
    settings[s] = typeof given === 'string' && given ? given : `${base}cam1:${SUFFIXES[s]}`;
  }
  return { array, settings };
}

/** tiff: `prefix` → `<prefix>:image1:ArrayData` and `<prefix>:cam1:<Suffix>`. */
export function tiffPvs(request: Record<string, unknown>, defaultPrefix: string): StreamPvs {
  const prefix = (typeof request.prefix === 'string' && request.prefix.trim()) || defaultPrefix.trim();
  const settings = {} as Record<Setting, string>;
  for (const s of SETTINGS) settings[s] = `${prefix}:cam1:${SUFFIXES[s]}`;
  return { array: `${prefix}:image1:ArrayData`, settings };
}

export class ImageSocket implements Endpoint {
  readonly heartbeat = false; // finch reads any other JSON text as dimensions
  private readonly dc: DirectControl;
  private readonly pick: (request: Record<string, unknown>) => StreamPvs;
  /** Frames rendered and sent, and dropped (queue overflow, rate cap or a backed-up client). */
  readonly counters = { streams: 0, sent: 0, dropped: 0 };

  constructor(
    dc: DirectControl,
    pick: (request: Record<string, unknown>, config: DirectControl['config']) => StreamPvs,
  ) {
    this.dc = dc;
    this.pick = (request) => pick(request, dc.config);
  }

  accept(connection: Connection): void {
    connection.ws.once('message', (data, isBinary) => {
      const request = jsonText(data, isBinary);
      if (request === undefined) return connection.close(1003, 'first frame must be JSON');
      const fields =
        typeof request === 'object' && request !== null && !Array.isArray(request) ? request : {};
      void this.stream(connection, this.pick(fields as Record<string, unknown>));
    });
  }

  private async stream(connection: Connection, pvs: StreamPvs): Promise<void> {
    const { dc } = this;
    const fail = (error: string, context: Record<string, unknown> = {}) => {
      connection.reply(errorFrame(error, context));
      connection.flushNow();
      connection.close(1011, error.slice(0, 120));
    };
    try {
      await requireRegisteredPv(dc, pvs.array);
    } catch (err) {
      return fail(errorText(err), { pv: pvs.array });
    }
    const all = [pvs.array, ...Object.values(pvs.settings)];
    const connected = await Promise.all(
      all.map((pv) =>
        dc.client.info(pv, 5000).then(
          () => null,
          () => pv,
        ),
      ),
    );
    const missing = connected.find((pv) => pv !== null);
    if (missing) return fail(`PV ${missing} could not connect`, { pv: missing });
    if (connection.closed) return;

    this.counters.streams++;
    const settings: Partial<Record<Setting, { value: number; enumStrings?: string[] }>> = {};
    let dims: Dimensions | null = null;
    let log = dc.config.DIRECT_CONTROL_IMAGE_LOG_NORMALIZATION_DEFAULT;
    const queue: ArrayLike<number>[] = [];
    let rendering = false;
    let lastSent = 0;
    const minIntervalMs =
      dc.config.DIRECT_CONTROL_IMAGE_MAX_FPS > 0 ? 1000 / dc.config.DIRECT_CONTROL_IMAGE_MAX_FPS : 0;

    const recompute = () => {
      const v = (s: Setting) => settings[s]?.value;
      if (SETTINGS.some((s) => v(s) === undefined)) return;
      const name = (s: 'colorMode' | 'dataType', fallback: string[]) => {
        const { value, enumStrings } = settings[s]!;
        return enumStrings?.[value] ?? fallback[value] ?? String(value);
      };
      dims = {
        x: Math.round(v('sizeX')! - v('startX')!),
        y: Math.round(v('sizeY')! - v('startY')!),
        colorMode: name('colorMode', COLOR_MODES),
        dataType: name('dataType', DATA_TYPES),
      };
      connection.reply(JSON.stringify(dims));
    };

    const pump = async () => {
      if (rendering) return;
      rendering = true;
      try {
        while (queue.length > 0 && !connection.closed) {
          const wait = lastSent + minIntervalMs - Date.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          const raw = queue.pop()!; // the newest; anything older is stale now
          this.counters.dropped += queue.length;
          queue.length = 0;
          if (!dims) continue;
          const image = await renderFrame(raw, dims, {
            log,
            maxDimension: dc.config.DIRECT_CONTROL_IMAGE_MAX_DIMENSION,
            encoding: dc.config.DIRECT_CONTROL_IMAGE_ENCODING,
            jpegQuality: dc.config.DIRECT_CONTROL_IMAGE_JPEG_QUALITY,
          }).catch(() => null);
          if (!image) continue;
          if (!connection.fits(image)) {
            connection.reply(errorFrame('image frame exceeds size limit; frame dropped'));
            continue;
          }
          if (connection.ws.bufferedAmount > image.length * 2) {
            this.counters.dropped++; // the client has not read the previous frames yet
            continue;
          }
          connection.update('frame', image);
          lastSent = Date.now();
          this.counters.sent++;
        }
      } finally {
        rendering = false;
      }
    };

    const cancels = Object.entries(pvs.settings).map(([setting, pv]) =>
      dc.client.monitor(
        pv,
        (reading) => {
          settings[setting as Setting] = {
            value: Number(reading.values[0]),
            enumStrings: reading.enumStrings,
          };
          recompute();
        },
        { type: 'ctrl' },
      ),
    );
    cancels.push(
      dc.client.monitor(
        pvs.array,
        (reading) => {
          if (typeof reading.values[0] === 'string') return; // not an image array
          queue.push(reading.values as ArrayLike<number>);
          if (queue.length > dc.config.DIRECT_CONTROL_IMAGE_FRAME_QUEUE_SIZE) {
            queue.shift();
            this.counters.dropped++;
          }
          void pump();
        },
        {
          // Frames too large for the CA limit end the stream with the reason, not a silent socket.
          onError: (err) => {
            connection.reply(JSON.stringify({ error: err.message, pv: pvs.array }));
            connection.close(1011, 'image array over EPICS_CA_MAX_ARRAY_BYTES');
          },
        },
      ),
    );
    connection.onClose(() => {
      for (const cancel of cancels) cancel();
    });
    connection.ws.on('message', (data, isBinary) => {
      const frame = jsonText(data, isBinary);
      if (frame === undefined) return connection.close(1003, 'frames must be JSON');
      const toggle = (frame as { toggleLogNormalization?: unknown })?.toggleLogNormalization;
      if (typeof toggle === 'boolean') {
        log = toggle;
        connection.reply(JSON.stringify({ logNormalization: log }));
      }
    });
  }
}

/** A text frame's JSON value; undefined for binary or unparsable frames (which end an image stream). */
function jsonText(data: { toString(): string }, isBinary: boolean): unknown {
  if (isBinary) return undefined;
  try {
    return JSON.parse(data.toString());
  } catch {
    return undefined;
  }
}
