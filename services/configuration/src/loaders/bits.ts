/** The BITS ("guarneri") devices.yml loader (spec §4.4). All or nothing. */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { yaml } from '@ophyd-service/service-kit';
import { capabilityFlags, inferLabel } from '../capabilities.ts';
import { normalizeMetadata, normalizeSpec } from '../model.ts';
import { LoadError, type LoadedDevice, refusePartial } from './types.ts';

const DEVICE_FILES = ['configs/devices.yml', 'configs/devices.yaml', 'devices.yml', 'devices.yaml'];
const ICONFIG_FILES = ['configs/iconfig.yml', 'configs/iconfig.yaml', 'iconfig.yml', 'iconfig.yaml'];

export const bitsDevicesFile = (profile: string) =>
  DEVICE_FILES.map((f) => join(profile, f)).find((f) => existsSync(f));

export function loadBits(profile: string): LoadedDevice[] {
  const file = bitsDevicesFile(profile);
  if (!file) throw new LoadError(`no devices.yml or devices.yaml under ${profile} or ${profile}/configs`);
  let doc: unknown;
  try {
    doc = yaml().parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LoadError(`BITS devices file ${file}: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new LoadError(`BITS devices file ${file}: expected a mapping of class paths to entry lists`);
  const beamline = readBeamline(profile);
  const devices: LoadedDevice[] = [];
  const errors: string[] = [];
  let total = 0;
  for (const [key, list] of Object.entries(doc as Record<string, unknown>)) {
    if (!Array.isArray(list)) {
      total++;
      errors.push(`${key}: not a list of device entries`);
      continue;
    }
    for (const entry of list as Record<string, unknown>[]) {
      total++;
      if (!entry || typeof entry !== 'object' || typeof entry.name !== 'string' || entry.name === '') {
        errors.push(`${key}: device entry missing required 'name' field`);
        continue;
      }
      devices.push(bitsEntry(key, entry, beamline));
    }
  }
  refusePartial('BITS', file, total, errors);
  return devices;
}

function bitsEntry(key: string, entry: Record<string, unknown>, beamline: string | null): LoadedDevice {
  const name = entry.name as string;
  const creator = typeof entry.creator === 'string' ? entry.creator : undefined;
  const lastSegment = key.split('.').at(-1) ?? key;
  const isClassPath = key.includes('.') && /^[A-Z]/.test(lastSegment);
  const className = isClassPath ? lastSegment : (creator ?? name);
  const labels = Array.isArray(entry.labels) ? entry.labels.map(String) : [];
  const label = inferLabel(className, { labels });
  const pvs: Record<string, string> = {};
  const prefix = typeof entry.prefix === 'string' && entry.prefix ? entry.prefix : undefined;
  if (prefix) {
    pvs.prefix = prefix;
    if (label === 'motor') {
      pvs.user_setpoint = prefix;
      pvs.user_readback = `${prefix}.RBV`;
    }
  }
  if (typeof entry.read_pv === 'string' && entry.read_pv) pvs.readback = entry.read_pv;
  const metadata = normalizeMetadata({
    name,
    device_label: label,
    ophyd_class: className,
    module: key,
    ...capabilityFlags(className),
    pvs,
    labels,
    beamline,
  });
  const spec = normalizeSpec({
    name,
    device_class: isClassPath && !creator ? key : `${key}.${creator ?? name}`,
    args: prefix ? [prefix] : [],
    kwargs: labels.length ? { name, labels } : { name },
    active: true,
  });
  return { metadata, spec };
}

function readBeamline(profile: string): string | null {
  const file = ICONFIG_FILES.map((f) => join(profile, f)).find((f) => existsSync(f));
  if (!file) return null;
  let doc: { RUN_ENGINE?: { md?: { beamline_id?: unknown } } } | null;
  try {
    doc = yaml().parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LoadError(`BITS iconfig file ${file}: ${(err as Error).message}`);
  }
  const id = doc?.RUN_ENGINE?.md?.beamline_id;
  return typeof id === 'string' ? id : null;
}
