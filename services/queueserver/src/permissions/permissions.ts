/**
 * User group permissions (spec §9.1): the schema of `user_group_permissions.yaml` and of
 * `permissions_set`, the file loader, and the default rules (the reference's simulated profile,
 * in default-permissions.ts).
 */
import { readFileSync } from 'node:fs';
import { yaml } from '@ophyd-service/service-kit';
import { Refusal } from '../manager/types.ts';
import { pythonRepr, pythonTypeName } from '../zmq/python-repr.ts';
import { BUILT_IN_PERMISSIONS } from './default-permissions.ts';
import { checkPatternList } from './patterns.ts';

/** The six lists a group may have. */
export const PERMISSION_LISTS = [
  'allowed_plans',
  'forbidden_plans',
  'allowed_devices',
  'forbidden_devices',
  'allowed_functions',
  'forbidden_functions',
] as const;
export type PermissionList = (typeof PERMISSION_LISTS)[number];

/** One group's rules; a missing list is `[]` (nothing allowed / nothing forbidden). */
export type GroupPermissions = Partial<Record<PermissionList, (string | null)[]>>;

export interface Permissions {
  user_groups: Record<string, GroupPermissions>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** jsonschema's wording for a wrong type, and where the value sits. */
const wrongType = (value: unknown, expected: string, at: string): Refusal =>
  new Refusal(`${pythonRepr(value)} is not of type ${expected}: on instance${at}`);

function unexpectedKeys(value: Record<string, unknown>, allowed: readonly string[], at: string): void {
  const extra = Object.keys(value).filter((key) => !allowed.includes(key));
  if (extra.length === 0) return;
  const names = extra.map(pythonRepr).join(', ');
  throw new Refusal(
    `Additional properties are not allowed (${names} ${extra.length === 1 ? 'was' : 'were'} unexpected): on instance${at}`,
  );
}

function validateGroup(name: string, group: unknown): GroupPermissions {
  const at = `['user_groups'][${pythonRepr(name)}]`;
  if (!isObject(group)) throw wrongType(group, "'object'", at);
  unexpectedKeys(group, PERMISSION_LISTS, at);
  for (const key of PERMISSION_LISTS) {
    if (!(key in group)) continue;
    const list = group[key];
    if (!Array.isArray(list)) throw wrongType(list, "'array'", `${at}[${pythonRepr(key)}]`);
    list.forEach((element, n) => {
      if (typeof element !== 'string' && element !== null)
        throw wrongType(element, "'string', 'null'", `${at}[${pythonRepr(key)}][${n}]`);
    });
    // Stricter than the reference, which accepts a bad pattern here and then serves only the
    // 'root' group with everything: a pattern that cannot be used is refused up front.
    try {
      checkPatternList(
        list,
        key.endsWith('devices') ? 'devices' : key.endsWith('plans') ? 'plans' : 'functions',
      );
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      throw new Refusal(
        `User group permissions: group ${pythonRepr(name)}, ${pythonRepr(key)}: ${error.message}`,
      );
    }
  }
  return group as GroupPermissions;
}

/** Checks a permissions dict (file contents or `permissions_set`), returning it typed; throws a Refusal. */
export function validatePermissions(value: unknown): Permissions {
  if (!isObject(value))
    throw new Refusal(
      `User group permissions: Invalid type '<class '${pythonTypeName(value)}'>', must be 'dict'`,
    );
  unexpectedKeys(value, ['user_groups'], '');
  if (!('user_groups' in value)) throw new Refusal("'user_groups' is a required property");
  const groups = value.user_groups;
  if (!isObject(groups)) throw wrongType(groups, "'object'", "['user_groups']");
  for (const [name, group] of Object.entries(groups)) validateGroup(name, group);
  if (!Object.hasOwn(groups, 'root'))
    throw new Refusal("User group permissions: Missing required user group: 'root'");
  return value as unknown as Permissions;
}

/** Reads and validates a permissions YAML file; throws a Refusal naming the file. */
export function loadPermissionsFile(path: string): Permissions {
  try {
    return validatePermissions(yaml().parse(readFileSync(path, 'utf8')));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Refusal(`Error while loading user group permissions from file '${path}': ${reason}`);
  }
}

/** The default permissions: groups `root`, `primary` and `test_user` of the simulated profile. */
export const DEFAULT_PERMISSIONS: Permissions = validatePermissions(BUILT_IN_PERMISSIONS);
