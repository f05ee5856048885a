/**
 * The registry's name rules (configuration spec §2.1), in one place for both services: the
 * configuration service validates request bodies with the patterns, direct control checks the
 * names it is asked about with `nameProblem`.
 *
 * Beyond the reference's rule, `.` and `..` are refused as a device name and as a segment of a PV
 * name: clients remove such dot segments from URLs (RFC 3986 §5.2.4), so a thing called that could
 * be created but never addressed again by path. Names such as `__proto__` or `constructor` are
 * ordinary names; code must never look them up in plain objects.
 */

export const DEVICE_NAME_MAX_LENGTH = 256;
export const PV_NAME_MAX_LENGTH = 1024;

/** Printable ASCII (0x21–0x7E) without `/`, and neither `.` nor `..` (a JSON Schema / ECMAScript pattern). */
export const DEVICE_NAME_PATTERN = '^(?!\\.\\.?$)[\\x21-\\x2e\\x30-\\x7e]+$';
/** Printable ASCII (0x21–0x7E), with no `.` or `..` segment between slashes. */
export const PV_NAME_PATTERN = '^(?!(?:.*/)?\\.\\.?(?:/|$))[\\x21-\\x7e]+$';

export type NameKind = 'device' | 'pv';

const PRINTABLE = /^[\x21-\x7e]*$/;
const DOT_SEGMENT = /^\.\.?$/;

/** Why `name` breaks the rule for `kind`, as a sentence fragment ("must …"), or undefined when it is valid. */
export function nameProblem(kind: NameKind, name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name.length === 0) return 'must not be empty';
  const max = kind === 'device' ? DEVICE_NAME_MAX_LENGTH : PV_NAME_MAX_LENGTH;
  if (name.length > max) return `must be at most ${max} characters`;
  if (!PRINTABLE.test(name))
    return 'must be printable ASCII (0x21-0x7E: no spaces, control or non-ASCII characters)';
  if (kind === 'device') {
    if (name.includes('/')) return "must not contain '/'";
    if (DOT_SEGMENT.test(name)) return "must not be '.' or '..'";
  } else if (name.split('/').some((segment) => DOT_SEGMENT.test(segment))) {
    return "must not have '.' or '..' as a path segment";
  }
  return undefined;
}

export const isDeviceName = (name: unknown): name is string => nameProblem('device', name) === undefined;
export const isPvName = (name: unknown): name is string => nameProblem('pv', name) === undefined;
