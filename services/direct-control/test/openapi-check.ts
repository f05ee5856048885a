/**
 * Checks a response against the published OpenAPI document (shared-schema/direct_control.openapi.json):
 * its status is documented for the operation, and a JSON body matches the documented schema.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Document = { paths: Record<string, Record<string, Operation>> };

/** The published document, as committed. */
export const openapiDocument = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../shared-schema/direct_control.openapi.json'), 'utf8'),
) as Document;
const document = openapiDocument;

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addSchema(document as object, 'openapi');
const validators = new Map<string, ValidateFunction>();

/** The documented path template a concrete path matches: literal paths first, as the router does. */
function template(path: string): string | undefined {
  const templates = Object.keys(document.paths);
  if (templates.includes(path)) return path;
  return templates.find((t) => {
    const pattern = t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(path);
  });
}

const pointer = (...parts: string[]) =>
  parts.map((p) => `/${p.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

/**
 * Asserts that `res` (to `method` on `url`) is documented and, for JSON, matches its schema;
 * returns the parsed JSON body (or the text), leaving `res` unread for the caller.
 */
export async function documented(method: string, res: Response): Promise<unknown> {
  const path = decodeURIComponent(new URL(res.url).pathname);
  const found = template(path);
  assert.ok(found, `${method} ${path}: no such path in the OpenAPI document`);
  const verb = method.toLowerCase();
  const operation = document.paths[found][verb];
  assert.ok(operation, `${method} ${found}: the document has no such operation`);
  const status = String(res.status);
  const response = operation.responses?.[status] ?? operation.responses?.default;
  assert.ok(
    response,
    `${method} ${found} answered ${status}, documented: ${Object.keys(operation.responses ?? {}).join(', ')}`,
  );
  const text = await res.clone().text();
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) return text;
  const body = JSON.parse(text) as unknown;
  const documentedStatus = operation.responses?.[status] ? status : 'default';
  if (!response.content?.['application/json']?.schema) return body;
  const key = `${verb} ${found} ${documentedStatus}`;
  let validate = validators.get(key);
  if (!validate) {
    const at = pointer(
      'paths',
      found,
      verb,
      'responses',
      documentedStatus,
      'content',
      'application/json',
      'schema',
    );
    validate = ajv.compile({ $ref: `openapi#${at}` });
    validators.set(key, validate);
  }
  assert.ok(
    validate(body),
    `${method} ${path} ${status}: the body does not match the documented schema: ${ajv.errorsText(validate.errors)}\n${text.slice(0, 500)}`,
  );
  return body;
}
