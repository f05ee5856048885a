/**
 * The name-pattern language of the permissions file (spec §9.1), as bluesky-queueserver reads it:
 * a plain name (`det1`, `sim_bundle_A.dets.det_A`) or `[TYPE]:comp1:comp2:…`, one Python regex
 * per device-tree level (`-` descend without including, `+` include, `?` full-name regex over the
 * rest of the dotted path, optionally `:depth=N`). Plans and functions use one component.
 */
import { Refusal } from '../manager/types.ts';
import { pythonRepr, pythonTypeName } from '../zmq/python-repr.ts';
import { compilePythonRegex, PythonRegexError } from './python-regex.ts';

export const DEVICE_TYPES = ['', '__READABLE__', '__FLYABLE__', '__DETECTOR__', '__MOTOR__'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export interface PatternComponent {
  /** A name (plain patterns) or the Python regex source, its prefix removed. */
  text: string;
  /** Devices matched at this level are selected (`-` clears it; always true for the last). */
  include: boolean;
  /** A `?` component: the regex is applied to the remaining dotted path at any depth. */
  fullName: boolean;
  /** How many levels a full-name component searches; null = unlimited. */
  depth: number | null;
}

export interface NamePattern {
  components: PatternComponent[];
  usesRegex: boolean;
  deviceType: DeviceType;
}

/** The parts of a description the pattern language reads (spec §9.3). */
export interface DeviceNode {
  is_readable?: boolean;
  is_movable?: boolean;
  is_flyable?: boolean;
  excluded?: boolean;
  components?: DeviceTree;
  [key: string]: unknown;
}
export type DeviceTree = Record<string, DeviceNode>;

const PLAIN_NAME = /^[_a-zA-Z]([_a-zA-Z0-9.]*[_a-zA-Z0-9])?$/;

/** Splits a pattern into components; throws a Refusal with the reference's message when malformed. */
export function parseNamePattern(pattern: unknown): NamePattern {
  if (typeof pattern !== 'string')
    throw new Refusal(
      `Name pattern ${pythonRepr(pattern)} has incorrect type <class '${pythonTypeName(pattern)}'>. Expected type: 'str'`,
    );
  const text = pattern.replaceAll(' ', '');
  const shown = pythonRepr(text);
  if (text === '') throw new Refusal(`Name pattern ${shown} is an empty string`);
  if (!text.includes(':')) {
    if (!PLAIN_NAME.test(text))
      throw new Refusal(
        `Name pattern ${shown} contains invalid characters. The pattern could be a valid regular expression, ` +
          "but it is not labeled with ':' (e.g. ':^det$')",
      );
    const names = text.split('.');
    if (names.some((name) => name === ''))
      throw new Refusal(`Plan, device or subdevice name in the description ${shown} is an empty string`);
    return {
      components: names.map((name) => ({ text: name, include: true, fullName: false, depth: null })),
      usesRegex: false,
      deviceType: '',
    };
  }
  const [deviceType, ...parts] = text.split(':');
  const fullAt = parts.findIndex((part) => part.startsWith('?'));
  let depth: number | null = null;
  if (fullAt >= 0 && fullAt < parts.length - 2)
    throw new Refusal(`Full name regular expression ${pythonRepr(parts[fullAt])} must be the last: ${shown}`);
  if (fullAt >= 0 && fullAt === parts.length - 2) {
    const spec = parts[parts.length - 1];
    if (!spec.startsWith('depth='))
      throw new Refusal(
        `Full name regular expression ${pythonRepr(parts[fullAt])} can be only followed by the depth specification: ${shown}`,
      );
    if (!/^depth=[0-9]+$/.test(spec))
      throw new Refusal(`Depth specification ${pythonRepr(spec)} has incorrect format: ${shown}`);
    depth = Number(parts.pop()?.slice('depth='.length));
    if (depth < 1)
      throw new Refusal(`Depth (${depth}) must be positive integer greater or equal to 1: ${shown}`);
  }
  if (!(DEVICE_TYPES as readonly string[]).includes(deviceType))
    throw new Refusal(
      `Device type ${pythonRepr(deviceType)} is not supported. Supported types: (${DEVICE_TYPES.map(pythonRepr).join(', ')})`,
    );
  const components = parts.map((part, n) => ({
    text: /^[-+?]/.test(part) ? part.slice(1) : part,
    include: n === parts.length - 1 || !part.startsWith('-'),
    fullName: n === fullAt,
    depth: n === fullAt ? depth : null,
  }));
  for (const { text: source } of components) {
    if (source === '') throw new Refusal(`Name pattern ${shown} contains empty components`);
    try {
      compilePythonRegex(source);
    } catch (error) {
      if (!(error instanceof PythonRegexError)) throw error;
      const what = error.unsupported
        ? 'a regular expression this server cannot run'
        : 'invalid regular expression';
      throw new Refusal(`Name pattern ${shown} contains ${what} ${pythonRepr(source)}: ${error.message}`);
    }
  }
  return { components, usesRegex: true, deviceType: deviceType as DeviceType };
}

/** Python `re.search` of a component's regex (compiled once, cached). */
export const searches = (source: string, name: string): boolean => compilePythonRegex(source).test(name);

/** Whether a device node is of the pattern's type keyword (`__DETECTOR__` = readable, not movable). */
export function hasDeviceType(node: DeviceNode, type: DeviceType): boolean {
  if (type === '__READABLE__') return Boolean(node.is_readable);
  if (type === '__DETECTOR__') return Boolean(node.is_readable && !node.is_movable);
  if (type === '__MOTOR__') return Boolean(node.is_readable && node.is_movable);
  if (type === '__FLYABLE__') return Boolean(node.is_flyable);
  return true;
}

/** A plan/function pattern: exactly one component (its type keyword and depth are ignored, as upstream). */
function singleComponent(pattern: unknown): { text: string; usesRegex: boolean } {
  if (typeof pattern !== 'string') throw new Refusal(`Pattern is not a string: ${pythonRepr(pattern)}`);
  const { components, usesRegex } = parseNamePattern(pattern);
  if (components.length !== 1)
    throw new Refusal(
      `Name pattern for functions and plans must contain one component: ${pythonRepr(pattern.replaceAll(' ', ''))}`,
    );
  return { text: components[0].text, usesRegex };
}

const matchesAny = (name: string, patterns: readonly (string | null)[]): boolean =>
  patterns.some((pattern) => {
    const { text, usesRegex } = singleComponent(pattern);
    return usesRegex ? searches(text, name) : name === text;
  });

/**
 * Whether a plan or function name passes one allow/forbid pair: `[null, …]` allows all (forbids
 * nothing), `[]` allows nothing (forbids nothing).
 */
export function nameAllowed(
  name: string,
  allow: readonly (string | null)[],
  forbid: readonly (string | null)[],
): boolean {
  const allowed = allow.length > 0 && (allow[0] === null || matchesAny(name, allow));
  if (!allowed) return false;
  return forbid.length === 0 || forbid[0] === null || !matchesAny(name, forbid);
}

/** Checks a permissions list up front (what `nameAllowed`/`filterDeviceTree` would refuse later). */
export function checkPatternList(
  list: readonly (string | null)[],
  kind: 'plans' | 'devices' | 'functions',
): void {
  list.forEach((pattern, n) => {
    if (pattern === null) {
      if (n === 0) return;
      throw new Refusal('null (allow all / forbid nothing) may only be the first element of a list');
    }
    if (kind === 'devices') parseNamePattern(pattern);
    else singleComponent(pattern);
  });
}

/**
 * Calls `select` for every device a regex pattern selects in a tree (level by level, then full-name
 * components over the remaining path), with its dotted name; excluded nodes are visited too.
 */
export function visitSelected(
  pattern: NamePattern,
  tree: DeviceTree,
  select: (node: DeviceNode, name: string) => void,
): void {
  const { components, deviceType } = pattern;
  const fullNameSearch = (
    devices: DeviceTree,
    regex: string,
    base: string,
    suffix: string,
    depth: number,
    stop: number | null,
  ) => {
    if (stop !== null && depth >= stop) return;
    for (const [name, node] of Object.entries(devices)) {
      const path = suffix ? `${suffix}.${name}` : name;
      if (searches(regex, path) && hasDeviceType(node, deviceType))
        select(node, base ? `${base}.${path}` : path);
      if (node.components) fullNameSearch(node.components, regex, base, path, depth + 1, stop);
    }
  };
  const levelSearch = (devices: DeviceTree, base: string, depth: number) => {
    if (depth >= components.length) return;
    const component = components[depth];
    if (component.fullName) {
      const stop = component.depth === null ? null : depth + component.depth;
      return fullNameSearch(devices, component.text, base, '', depth, stop);
    }
    for (const [name, node] of Object.entries(devices)) {
      if (!searches(component.text, name)) continue;
      const fullName = base ? `${base}.${name}` : name;
      if (component.include && hasDeviceType(node, deviceType)) select(node, fullName);
      if (node.components) levelSearch(node.components, fullName, depth + 1);
    }
  };
  levelSearch(tree, '', 0);
}

/**
 * The device names a pattern stands for in a tree (annotation device lists, spec §9.2): a plain
 * name is taken as it is; a regex lists the matching devices that are not excluded.
 */
export function deviceNamesMatching(pattern: string, tree: DeviceTree): string[] {
  const parsed = parseNamePattern(pattern);
  if (!parsed.usesRegex) return [parsed.components.map((c) => c.text).join('.')];
  const names: string[] = [];
  visitSelected(parsed, tree, (node, name) => {
    if (!node.excluded) names.push(name);
  });
  return names;
}
