/**
 * ophyd.sim's SynSignalWithRegistry (`img`): a detector that writes each frame to its own .npy file
 * and puts a datum id in the event instead of the data. Staging starts a Resource (one file
 * sequence); each trigger writes a file and adds a Datum; the engine collects both documents with
 * collect_asset_docs() and emits them before the event that refers to them.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssetDocument, Datum, Resource } from '../documents.ts';
import type { DataKey, Reading, Status } from '../protocols.ts';
import { DeviceStatus } from '../status.ts';
import { encodeNpy } from './npy.ts';
import { SynSignal, type SynSignalOptions } from './synsignal.ts';

export interface RegistryOptions extends SynSignalOptions {
  /** Directory the frames go to; without it a temporary directory is made at the first stage. */
  save_path?: string;
}

export class SynSignalWithRegistry extends SynSignal {
  private savePath: string | undefined;
  private resourceUid: string | null = null;
  private pathStem: string | null = null;
  private datumCounter = 0;
  private assets: AssetDocument[] = [];
  private result: Record<string, Reading> = {};

  constructor(name: string, { save_path, ...options }: RegistryOptions = {}) {
    super(name, { pythonClass: { classname: 'SynSignalWithRegistry', module: 'ophyd.sim' }, ...options });
    this.savePath = save_path;
  }

  /** Where frames are written (made on first use when not given). */
  get save_path(): string {
    this.savePath ??= mkdtempSync(join(tmpdir(), 'ophyd-sim-img-'));
    return this.savePath;
  }

  stage(): unknown[] {
    const root = this.save_path;
    mkdirSync(root, { recursive: true });
    const stem = randomUUID().slice(0, 6);
    this.pathStem = join(root, stem);
    this.datumCounter = 0;
    this.resourceUid = randomUUID();
    const resource: Resource = {
      spec: 'NPY_SEQ',
      root,
      resource_path: stem,
      resource_kwargs: {},
      path_semantics: 'posix',
      uid: this.resourceUid,
    };
    this.assets.push(['resource', resource]);
    return [this];
  }

  override trigger(): Status {
    if (this.resourceUid === null || this.pathStem === null)
      return DeviceStatus.failed(new Error(`${this.name} must be staged before it is triggered`));
    const triggered = super.trigger();
    const finish = () => {
      const index = this.datumCounter++;
      writeFileSync(`${this.pathStem}_${index}.npy`, encodeNpy(this.value));
      const datum: Datum = {
        resource: this.resourceUid!,
        datum_kwargs: { index },
        datum_id: `${this.resourceUid}/${index}`,
      };
      this.assets.push(['datum', datum]);
      this.result = { [this.name]: { value: datum.datum_id, timestamp: super.read()[this.name].timestamp } };
    };
    if (triggered.done) {
      finish();
      return DeviceStatus.done();
    }
    return new DeviceStatus(triggered.finished.then(finish));
  }

  /** The datum id of the last frame (nothing before the first trigger), as ophyd's read. */
  override read(): Record<string, Reading> {
    return structuredClone(this.result);
  }

  override describe(): Record<string, DataKey> {
    const keys = super.describe();
    for (const key of Object.values(keys)) key.external = 'FILESTORE';
    return keys;
  }

  /** The Resource and Datum documents made since last asked, oldest first. */
  collect_asset_docs(): AssetDocument[] {
    const out = this.assets;
    this.assets = [];
    return out;
  }

  unstage(): unknown[] {
    this.resourceUid = null;
    this.pathStem = null;
    this.assets = [];
    this.result = {};
    return [this];
  }
}
