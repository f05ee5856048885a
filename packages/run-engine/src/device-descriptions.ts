/**
 * Device descriptions for the queue server's devices_existing (spec §9.3): what each device can
 * do (read, move, fly), its class, and its components as a tree. Devices may say which Python
 * class they stand for (`pythonClass`, with their components'); otherwise it is derived from the
 * protocols they implement.
 */
import { type Device, EpicsSignal } from '@ophyd-service/devices';
import { EpicsDevice } from './epics.ts';
import { isFlyable, isMovable, isReadable } from './protocols.ts';

export interface DeviceDescription {
  is_readable: boolean;
  is_movable: boolean;
  is_flyable: boolean;
  classname: string;
  module: string;
  components?: Record<string, DeviceDescription>;
}

/** A leaf component of a device: a Python signal class that reads and sets. */
export interface ComponentClass {
  classname: string;
  module: string;
}

/**
 * What a device implementation can declare about the ophyd class it mirrors. A component is either
 * a leaf signal class, or a device object of its own (which declares its class in turn).
 */
export interface DescribesPythonClass {
  readonly pythonClass: {
    classname: string;
    module: string;
    components?: Record<string, ComponentClass | DescribesPythonClass>;
  };
}

const hasPythonClass = (obj: unknown): obj is DescribesPythonClass =>
  typeof (obj as DescribesPythonClass)?.pythonClass?.classname === 'string';

function signalLeaf({ classname, module }: ComponentClass): DeviceDescription {
  return { is_readable: true, is_movable: true, is_flyable: false, classname, module };
}

function epicsTree(part: Device | EpicsSignal, depth: number, maxDepth: number): DeviceDescription {
  if (part instanceof EpicsSignal) {
    return {
      is_readable: true,
      is_movable: part.writable,
      is_flyable: false,
      classname: part.writable ? 'EpicsSignal' : 'EpicsSignalRO',
      module: 'ophyd.signal',
    };
  }
  const description: DeviceDescription = {
    is_readable: true,
    is_movable: part.verbs.includes('set'),
    is_flyable: part.verbs.includes('kickoff'),
    classname: part.spec.name,
    module: 'ophyd',
  };
  if (maxDepth === 0 || depth < maxDepth) {
    description.components = Object.fromEntries(
      [...part.parts].map(([attr, child]) => [attr, epicsTree(child, depth + 1, maxDepth)]),
    );
  }
  return description;
}

/** One device's description; `maxDepth` 0 expands every level, as the queue server's default. */
export function describeDevice(obj: unknown, maxDepth = 0, depth = 1): DeviceDescription {
  if (obj instanceof EpicsDevice) return epicsTree(obj.device, depth, maxDepth);
  const base = {
    is_readable: isReadable(obj),
    is_movable: isMovable(obj),
    is_flyable: isFlyable(obj),
  };
  if (!hasPythonClass(obj))
    return { ...base, classname: (obj as object)?.constructor?.name ?? typeof obj, module: 'ophyd_service' };
  const { classname, module, components = {} } = obj.pythonClass;
  const expand = Object.keys(components).length > 0 && (maxDepth === 0 || depth < maxDepth);
  if (!expand) return { ...base, classname, module };
  return {
    ...base,
    classname,
    module,
    components: Object.fromEntries(
      Object.entries(components).map(([name, c]) => [
        name,
        hasPythonClass(c) ? describeDevice(c, maxDepth, depth + 1) : signalLeaf(c),
      ]),
    ),
  };
}

/** Descriptions of named devices, as the queue server's devices_existing. */
export function describeDevices(
  devices: Record<string, unknown>,
  maxDepth = 0,
): Record<string, DeviceDescription> {
  return Object.fromEntries(
    Object.entries(devices).map(([name, obj]) => [name, describeDevice(obj, maxDepth)]),
  );
}
