/**
 * The child side of yaml-text.ts, kept apart so the child loads the yaml package and nothing else.
 */
import { parse } from 'yaml';

/** The value of a YAML document, null for an empty one. */
export function parseYamlText(text: string): unknown {
  return parse(text) ?? null;
}
