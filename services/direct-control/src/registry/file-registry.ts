/**
 * Standalone mode: a JSON or YAML file is the whole registry (spec §3.3). Every rule is checked at
 * load, and a violation stops start-up naming the file and the entry. No locks exist in this mode.
 */

import { readFileSync } from 'node:fs';
import { yaml } from '@ophyd-service/service-kit';
import type { DeviceSpec, DeviceStatus, RegistryProvider } from './provider.ts';

export class RegistryFileError extends Error {
  override name = 'RegistryFileError';
}

interface FileDevice {
  name: string;
  pvs: string[];
  spec: DeviceSpec | null;
}

export class FileRegistry implements RegistryProvider {
  readonly kind = 'file' as const;
  private readonly devices = new Map<string, FileDevice>();
  private readonly owners = new Map<string, string | null>();

  private constructor(devices: FileDevice[], standalone: string[]) {
    for (const device of devices) {
      this.devices.set(device.name, device);
      for (const pv of device.pvs) this.owners.set(pv, device.name);
    }
    for (const pv of standalone) this.owners.set(pv, null);
  }

  static load(path: string): FileRegistry {
    const fail = (where: string, why: string): never => {
      throw new RegistryFileError(`registry file ${path}: ${where}: ${why}`);
    };
    if (!/\.(json|ya?ml)$/.test(path)) fail('file', 'must end in .json, .yaml or .yml');
    let doc: unknown;
    try {
      const text = readFileSync(path, 'utf8');
      doc = path.endsWith('.json') ? JSON.parse(text) : yaml().parse(text);
    } catch (err) {
      fail('file', (err as Error).message);
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc))
      fail('top level', 'must be a mapping with "devices"');
    const { devices = [], standalone_pvs = [] } = doc as { devices?: unknown; standalone_pvs?: unknown };
    if (!Array.isArray(devices)) fail('devices', 'must be a list');
    if (!Array.isArray(standalone_pvs)) fail('standalone_pvs', 'must be a list');
    const seenPvs = new Set<string>();
    const seenNames = new Set<string>();
    const claim = (pv: unknown, where: string) => {
      if (typeof pv !== 'string' || pv === '')
        fail(where, `PV ${JSON.stringify(pv)} must be a non-empty string`);
      if (seenPvs.has(pv as string)) fail(where, `PV '${pv}' is listed twice`);
      seenPvs.add(pv as string);
      return pv as string;
    };
    const parsed = (devices as unknown[]).map((raw, i): FileDevice => {
      const where = `devices[${i}]`;
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(where, 'must be a mapping');
      const entry = raw as Record<string, unknown>;
      if (typeof entry.name !== 'string' || entry.name === '') fail(where, 'needs a non-empty string "name"');
      const name = entry.name as string;
      if (seenNames.has(name)) fail(where, `device '${name}' is listed twice`);
      seenNames.add(name);
      const at = `device '${name}'`;
      if (entry.pvs !== undefined && !Array.isArray(entry.pvs)) fail(at, '"pvs" must be a list');
      const pvs = ((entry.pvs as unknown[]) ?? []).map((pv) => claim(pv, at));
      const deviceClass = entry.device_class;
      if (deviceClass === undefined) {
        for (const key of ['args', 'kwargs', 'framework'])
          if (key in entry) fail(at, `"${key}" needs "device_class"`);
        return { name, pvs, spec: null };
      }
      if (typeof deviceClass !== 'string' || !deviceClass.includes('.'))
        fail(at, '"device_class" must be a dotted import path');
      if (entry.args !== undefined && !Array.isArray(entry.args)) fail(at, '"args" must be a list');
      if (
        entry.kwargs !== undefined &&
        (typeof entry.kwargs !== 'object' || entry.kwargs === null || Array.isArray(entry.kwargs))
      ) {
        fail(at, '"kwargs" must be a mapping');
      }
      if (
        entry.framework !== undefined &&
        entry.framework !== 'ophyd-sync' &&
        entry.framework !== 'ophyd-async'
      ) {
        fail(at, '"framework" must be ophyd-sync or ophyd-async');
      }
      return {
        name,
        pvs,
        spec: {
          name,
          device_class: deviceClass as string,
          args: (entry.args as unknown[]) ?? [],
          kwargs: (entry.kwargs as Record<string, unknown>) ?? {},
          active: true,
          framework: (entry.framework as DeviceSpec['framework']) ?? null,
        },
      };
    });
    const standalone = (standalone_pvs as unknown[]).map((pv, i) => claim(pv, `standalone_pvs[${i}]`));
    return new FileRegistry(parsed, standalone);
  }

  async pvExists(pv: string): Promise<boolean> {
    return this.owners.has(pv);
  }

  async pvOwner(pv: string): Promise<string | null> {
    return this.owners.get(pv) ?? null;
  }

  async deviceExists(name: string): Promise<boolean> {
    return this.devices.has(name);
  }

  async componentMap(name: string): Promise<Record<string, string> | null> {
    const device = this.devices.get(name);
    return device ? Object.fromEntries(device.pvs.map((pv) => [pv, pv])) : null;
  }

  async spec(name: string): Promise<DeviceSpec | null> {
    return this.devices.get(name)?.spec ?? null;
  }

  async status(_name: string): Promise<DeviceStatus | null> {
    return null; // no lock concept without the configuration service
  }

  async reportHealth(): Promise<void> {}
}
