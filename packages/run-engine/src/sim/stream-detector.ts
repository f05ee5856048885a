/**
 * A simulated fly-scanning area detector that streams its frames into files, as ophyd-async's
 * detectors do with HDF5: kickoff starts `frames` exposures on the clock, each frame appended to
 * one .npy file and its sum to another; collect_asset_docs hands over a StreamResource per file
 * with the first frames, then a StreamDatum per file for each new range of frames, up to the
 * index the engine asks for (the frames every detector of a stream has written).
 *
 * Frame n (from 0) of an acquisition is `shape` filled with n + 1, so its sum is (n + 1) × pixels:
 * a reader can tell which frame it loaded.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, wallClock } from '../clock.ts';
import {
  type AssetDocument,
  composeStreamResource,
  type StreamDatum,
  type StreamRange,
} from '../documents.ts';
import type { DataKey, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';
import { NpyAppender } from './npy.ts';

export interface StreamDetectorOptions {
  clock?: Clock;
  /** Directory the files go to; without it a temporary directory is made at the first kickoff. */
  save_path?: string;
  /** One frame's [rows, columns]. */
  shape?: [number, number];
  /** Frames per kickoff. */
  frames?: number;
  /** Seconds per frame on the clock; 0 writes every frame at kickoff. */
  exposure?: number;
}

interface Written {
  file: NpyAppender;
  resource: ReturnType<typeof composeStreamResource>;
}

/** One kickoff's files and how far the engine has been told about them. */
interface Acquisition {
  image: Written;
  sum: Written;
  written: number;
  handedOver: number;
  announced: boolean;
  stopped: boolean;
  completion: DeviceStatus;
}

export class SimStreamDetector {
  readonly name: string;
  readonly hints: { fields: string[] };
  frames: number;
  exposure: number;
  private readonly shape: [number, number];
  private readonly clock: Clock;
  private savePath: string | undefined;
  private acquisition: Acquisition | null = null;

  constructor(
    name: string,
    { clock = wallClock, save_path, shape = [4, 5], frames = 10, exposure = 0.1 }: StreamDetectorOptions = {},
  ) {
    this.name = name;
    this.hints = { fields: [this.sumKey] };
    this.clock = clock;
    this.savePath = save_path;
    this.shape = shape;
    this.frames = frames;
    this.exposure = exposure;
  }

  private get sumKey(): string {
    return `${this.name}_sum`;
  }

  /** Where the files are written (made on first use when not given). */
  get save_path(): string {
    this.savePath ??= mkdtempSync(join(tmpdir(), 'sim-stream-detector-'));
    return this.savePath;
  }

  /**
   * Preparable: the next acquisitions' frame count and exposure; done at once. Refused while
   * acquiring (the status fails), as a detector cannot change its setup mid-acquisition.
   */
  prepare(value: { frames?: number; exposure?: number }): Status {
    if (this.acquisition && !this.acquisition.completion.done)
      return DeviceStatus.failed(new Error(`${this.name} is acquiring: prepare it once it is done`));
    if (value.frames !== undefined) this.frames = value.frames;
    if (value.exposure !== undefined) this.exposure = value.exposure;
    return DeviceStatus.done();
  }

  /** Starts an acquisition into new files; done at once (the detector is armed and running). */
  kickoff(): Status {
    if (this.acquisition && !this.acquisition.completion.done)
      return DeviceStatus.failed(new Error(`${this.name} is already acquiring`));
    this.closeFiles();
    mkdirSync(this.save_path, { recursive: true });
    const stem = join(this.save_path, `${this.name}_${randomUUID().slice(0, 8)}`);
    const acquisition: Acquisition = {
      image: this.open(`${stem}_image.npy`, this.name, this.shape),
      sum: this.open(`${stem}_sum.npy`, this.sumKey, []),
      written: 0,
      handedOver: 0,
      announced: false,
      stopped: false,
      completion: DeviceStatus.done(),
    };
    this.acquisition = acquisition;
    if (this.exposure <= 0) for (let n = 0; n < this.frames; n++) this.expose(acquisition);
    else acquisition.completion = new DeviceStatus(this.acquire(acquisition));
    return DeviceStatus.done();
  }

  /** Done when the last frame of the acquisition is written. */
  complete(): Status {
    if (!this.acquisition) return DeviceStatus.failed(new Error(`${this.name} was not kicked off`));
    return this.acquisition.completion;
  }

  /** Frames written in the current acquisition. */
  get_index(): number {
    return this.acquisition?.written ?? 0;
  }

  /** The streamed data keys: the frames and their sums, both in files. */
  describe_collect(): Record<string, DataKey> {
    return {
      [this.name]: {
        source: `sim://${this.name}/image`,
        dtype: 'array',
        dtype_numpy: '<f8',
        shape: [...this.shape],
        external: 'STREAM:',
      },
      [this.sumKey]: {
        source: `sim://${this.name}/sum`,
        dtype: 'number',
        dtype_numpy: '<f8',
        shape: [],
        external: 'STREAM:',
      },
    };
  }

  /** StreamResources once the first frames exist, then one StreamDatum per file for the new frames up to `index`. */
  collect_asset_docs(index?: number): AssetDocument[] {
    const acquisition = this.acquisition;
    if (!acquisition) return [];
    const upTo = Math.min(index ?? acquisition.written, acquisition.written);
    if (upTo <= acquisition.handedOver) return [];
    const docs: AssetDocument[] = [];
    if (!acquisition.announced) {
      acquisition.announced = true;
      docs.push(['stream_resource', acquisition.image.resource.resource]);
      docs.push(['stream_resource', acquisition.sum.resource.resource]);
    }
    const indices: StreamRange = { start: acquisition.handedOver, stop: upTo };
    const datum = (w: Written): ['stream_datum', StreamDatum] => ['stream_datum', w.resource.datum(indices)];
    docs.push(datum(acquisition.image), datum(acquisition.sum));
    acquisition.handedOver = upTo;
    return docs;
  }

  read_configuration(): Record<string, Reading> {
    const timestamp = this.clock.now();
    return {
      [`${this.name}_exposure`]: { value: this.exposure, timestamp },
      [`${this.name}_frames`]: { value: this.frames, timestamp },
    };
  }

  describe_configuration(): Record<string, DataKey> {
    return {
      [`${this.name}_exposure`]: { source: `sim://${this.name}/exposure`, dtype: 'number', shape: [] },
      [`${this.name}_frames`]: { source: `sim://${this.name}/frames`, dtype: 'integer', shape: [] },
    };
  }

  /** Ends the acquisition after the frame being exposed; complete()'s status then finishes. */
  stop(): void {
    if (this.acquisition) this.acquisition.stopped = true;
  }

  /** Nothing to prepare: each kickoff opens its own files. */
  stage(): unknown[] {
    return [this];
  }

  /** Ends any acquisition and closes its files. */
  unstage(): unknown[] {
    this.stop();
    this.closeFiles();
    this.acquisition = null;
    return [this];
  }

  private open(path: string, dataKey: string, frameShape: number[]): Written {
    return {
      file: new NpyAppender(path, frameShape),
      resource: composeStreamResource({
        uid: randomUUID(),
        data_key: dataKey,
        mimetype: 'application/x-npy',
        uri: `file://localhost${path}`,
        parameters: { chunk_shape: [1, ...frameShape] },
      }),
    };
  }

  private async acquire(acquisition: Acquisition): Promise<void> {
    while (acquisition.written < this.frames && !acquisition.stopped) {
      await this.clock.sleep(this.exposure);
      if (acquisition.stopped) return;
      this.expose(acquisition);
    }
  }

  private expose(acquisition: Acquisition): void {
    const level = acquisition.written + 1;
    const [rows, columns] = this.shape;
    acquisition.image.file.append(Array.from({ length: rows }, () => new Array(columns).fill(level)));
    acquisition.sum.file.append(level * rows * columns);
    acquisition.written++;
  }

  private closeFiles(): void {
    const acquisition = this.acquisition;
    if (!acquisition) return;
    acquisition.image.file.close();
    acquisition.sum.file.close();
  }
}
