/**
 * The queue server's YAML files (user group permissions, existing plans and devices, the HTTP
 * server's config) are parsed in a short-lived child process (callInChild): the yaml package is
 * ~70 modules and ~2.5 MB of RSS that an idle server would otherwise keep after reading one file
 * at start-up. The value comes back as JSON, so a YAML `.inf` or `.nan` arrives as null (none of
 * these files has a use for one).
 */
import { callInChild } from '@ophyd-service/service-kit';

const PARSER = import.meta.url;

/** The value of a YAML document (null for an empty one); a syntax error throws yaml's message. */
export function parseYaml(text: string): unknown {
  return callInChild(PARSER, 'parseYamlText', [text]);
}

/** Run in the child: the only place the yaml package is loaded. */
export async function parseYamlText(text: string): Promise<unknown> {
  const { parse } = await import('yaml');
  return parse(text) ?? null;
}
