/**
 * Record-style field access: `<pv>.DESC`, `.EGU`, `.PREC`, `.HOPR`, `.LOPR`, `.RTYP`, `.STAT`,
 * `.SEVR`, `.NAME`, `.VAL`, generated from each PV's metadata, as display managers and ophyd expect,
 * and `.DRVH`/`.DRVL` (its control limits) where the PV clamps a put into them, as an ao or longout
 * record does. Field PVs are made on first use and follow the PV's alarm and property changes.
 */
import { ALARM_SEVERITY, ALARM_STATUS, DBE, DBR, type ProcessVariable, pv } from '@ophyd-service/epics-ca';
import type { RecordInfo } from './ioc.ts';

// A CA enum carries at most 16 strings: the .STAT field offers the first 16 alarm names.
const STAT_CHOICES = ALARM_STATUS.slice(0, 16);
const FIELDS = new Set(['DESC', 'EGU', 'PREC', 'HOPR', 'LOPR', 'RTYP', 'STAT', 'SEVR', 'NAME', 'VAL']);
/** Drive limits: only where puts are clamped into the control limits. */
const DRIVE_FIELDS = new Set(['DRVH', 'DRVL']);

export function defaultRecordType(target: ProcessVariable): string {
  if (target.maxCount > 1) return 'waveform';
  const input = !target.writable;
  switch (target.nativeType) {
    case DBR.STRING:
      return input ? 'stringin' : 'stringout';
    case DBR.ENUM:
      return input ? 'mbbi' : 'mbbo';
    case DBR.FLOAT:
    case DBR.DOUBLE:
      return input ? 'ai' : 'ao';
    default:
      return input ? 'longin' : 'longout';
  }
}

/** A resolver for CaServer: answers field names of the PVs `lookup` finds. */
export function recordFieldResolver(
  lookup: (name: string) => ProcessVariable | undefined,
  info: Record<string, RecordInfo>,
) {
  const made = new Map<string, ProcessVariable>();
  return (name: string): ProcessVariable | undefined => {
    const cached = made.get(name);
    if (cached) return cached;
    const dot = name.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const field = name.slice(dot + 1);
    const base = lookup(name.slice(0, dot));
    if (!base) return undefined;
    if (!FIELDS.has(field) && !(DRIVE_FIELDS.has(field) && base.outsideLimits === 'clamp')) return undefined;
    const created = field === 'VAL' ? base : makeField(base, field, info[base.name]);
    made.set(name, created);
    return created;
  };
}

function makeField(base: ProcessVariable, field: string, info?: RecordInfo): ProcessVariable {
  const name = `${base.name}.${field}`;
  const limits = () => base.meta.limits ?? {};
  switch (field) {
    case 'DESC':
      return pv.string(name, info?.desc ?? base.description);
    case 'RTYP':
      return pv.string(name, info?.rtyp ?? defaultRecordType(base), { writable: false });
    case 'NAME':
      return pv.string(name, base.name, { writable: false });
    case 'EGU':
      return follow(
        base,
        pv.string(name, base.meta.units ?? '', { writable: false }),
        () => base.meta.units ?? '',
      );
    case 'PREC':
      return follow(
        base,
        pv.short(name, base.meta.precision ?? 0, { writable: false }),
        () => base.meta.precision ?? 0,
      );
    case 'HOPR':
      return follow(
        base,
        pv.double(name, limits().displayHigh ?? 0, { writable: false }),
        () => limits().displayHigh ?? 0,
      );
    case 'LOPR':
      return follow(
        base,
        pv.double(name, limits().displayLow ?? 0, { writable: false }),
        () => limits().displayLow ?? 0,
      );
    case 'DRVH':
      return follow(
        base,
        pv.double(name, limits().controlHigh ?? 0, { writable: false }),
        () => limits().controlHigh ?? 0,
      );
    case 'DRVL':
      return follow(
        base,
        pv.double(name, limits().controlLow ?? 0, { writable: false }),
        () => limits().controlLow ?? 0,
      );
    case 'STAT':
      return follow(
        base,
        pv.enum(name, STAT_CHOICES, base.state.status, { writable: false }),
        () => base.state.status,
      );
    default: // SEVR
      return follow(
        base,
        pv.enum(name, [...ALARM_SEVERITY], base.state.severity, { writable: false }),
        () => base.state.severity,
      );
  }
}

/** Keeps a field PV in step with the alarm and property changes of its record. */
function follow(
  base: ProcessVariable,
  field: ProcessVariable,
  value: () => number | string,
): ProcessVariable {
  base.subscribe((_, mask) => {
    if ((mask & (DBE.ALARM | DBE.PROPERTY)) === 0) return;
    const next = value();
    if (next !== field.value) field.post(next);
  });
  return field;
}
