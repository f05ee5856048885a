import { readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { callInChild } from './child-call.ts';
import { Router } from './required.ts';
import type { Schema } from './validation.ts';

export interface ApiInfo {
  title: string;
  version: string;
  description?: string;
}

/**
 * Assembles the service's OpenAPI 3.1 document from the `@openapi` YAML blocks beside its routes
 * (`sources` are the route files) and the component schemas that also drive validation.
 */
export function buildOpenApi(
  info: ApiInfo,
  sources: string[],
  schemas: Record<string, Schema>,
): Record<string, unknown> {
  // The probes' bodies are the service's to describe: its own HealthResponse/ReadyResponse win.
  const definition = { openapi: '3.1.0', info, components: { schemas: { ...PROBE_SCHEMAS, ...schemas } } };
  const apis = [join(import.meta.dirname, 'health.ts'), ...sources];
  // Services built back to back in one process (tests) build each document once.
  const key = JSON.stringify([definition, apis.map((path) => [path, statSync(path).mtimeMs])]);
  let built = jsdocDocuments.get(key);
  if (!built) {
    built = JSON.stringify(callInChild(JSDOC_DOCUMENT, 'jsdocDocument', [definition, apis]));
    jsdocDocuments.set(key, built);
  }
  const doc = JSON.parse(built) as Record<string, unknown>;
  checkResponses(doc);
  documentKitRefusals(doc);
  return sortPaths(doc);
}

/** swagger-jsdoc's documents by their inputs, as JSON text (each caller gets its own copy to complete). */
const jsdocDocuments = new Map<string, string>();
const JSDOC_DOCUMENT = new URL('./jsdoc-document.ts', import.meta.url).href;

/** What /health and /ready answer when a service does not describe its probes further. */
const PROBE_SCHEMAS: Record<string, Schema> = {
  HealthResponse: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['healthy', 'unhealthy'] } },
  },
  ReadyResponse: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['ready', 'not_ready'] } },
  },
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
const VALIDATION_SHAPES = [
  '#/components/schemas/HTTPValidationError',
  '#/components/schemas/UnprocessableError',
];

/**
 * The refusals the kit makes before any route runs, on every operation. A 422 with FastAPI's list
 * of problems for a repeated query parameter or a JSON body that does not parse (or nests too deep):
 * an operation that documents no 422 gets that one, one that documents its own body must admit the
 * list shape too. A 431 from Node for a request line and headers over its 16 KiB limit, which a long
 * percent-encoded query value (an 8192-character glob is up to 72 KiB) can reach.
 */
function documentKitRefusals(doc: Record<string, unknown>): void {
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const op = operation as { responses?: Record<string, unknown> };
      op.responses ??= {};
      const responses = op.responses;
      responses['431'] ??= {
        description: 'Request line and headers over 16 KiB',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/HTTPError' } } },
      };
      const documented = responses['422'];
      if (documented === undefined) {
        responses['422'] = {
          description: 'Validation Error (a repeated query parameter, or a JSON body that does not parse)',
          content: { 'application/json': { schema: { $ref: VALIDATION_SHAPES[0] } } },
        };
      } else if (
        (documented as { content?: unknown }).content !== undefined &&
        !VALIDATION_SHAPES.some((shape) => JSON.stringify(documented).includes(`"${shape}"`))
      ) {
        throw new Error(
          `OpenAPI ${method.toUpperCase()} ${path} 422: its schema must admit HTTPValidationError (use UnprocessableError, or anyOf with HTTPValidationError)`,
        );
      }
    }
  }
}

const RESPONSE_KEYS = new Set(['description', 'content', 'headers', 'links']);

/**
 * A comma in an unquoted flow-style description (`{ description: A, b, content: … }`) silently
 * splits it into stray keys; refuse such a document instead of publishing it.
 */
function checkResponses(doc: Record<string, unknown>): void {
  for (const [path, item] of Object.entries(
    (doc.paths ?? {}) as Record<string, Record<string, { responses?: Record<string, object> }>>,
  )) {
    for (const [method, operation] of Object.entries(item)) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        const stray = Object.keys(response).filter((k) => !RESPONSE_KEYS.has(k));
        if (stray.length > 0)
          throw new Error(
            `OpenAPI ${method.toUpperCase()} ${path} ${status}: unexpected keys ${stray.join(', ')} (quote descriptions that contain commas)`,
          );
      }
    }
  }
}

// Paths sorted so the committed artifact diffs cleanly whatever order the files were read in.
function sortPaths(doc: Record<string, unknown>): Record<string, unknown> {
  const paths = (doc.paths ?? {}) as Record<string, unknown>;
  const sorted = Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map((k) => [k, paths[k]]),
  );
  return { ...doc, paths: sorted };
}

export const openApiText = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;

/** Writes the document where OPHYD_SERVICE_OPENAPI_EXPORT_PATH says; a failure stops start-up with a clear reason. */
export async function exportOpenApi(doc: unknown, path: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, openApiText(doc));
  } catch (err) {
    throw new Error(
      `OpenAPI schema export to ${path} failed: ${(err as Error).message}. Unset OPHYD_SERVICE_OPENAPI_EXPORT_PATH to skip export.`,
    );
  }
}

const UI_ASSETS = new Map([
  ['swagger-ui.css', 'text/css'],
  ['swagger-ui-bundle.js', 'application/javascript'],
  ['swagger-ui-standalone-preset.js', 'application/javascript'],
]);

/** `/openapi.json` and a Swagger UI at `/docs`, served from the swagger-ui-dist package (no CDN: the beamline network may be closed). */
export function openApiRoutes(doc: unknown, title: string): Router {
  const router = new Router();
  // The asset directory only: the package's main module loads the whole UI bundle (~25 MB of RSS).
  const assetDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/absolute-path.js'));
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>${title} — API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });</script></body></html>`;
  router.get('/openapi.json', (ctx) => {
    ctx.body = doc;
  });
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html';
    ctx.body = page;
  });
  router.get('/docs/:asset', (ctx) => {
    const type = UI_ASSETS.get(ctx.params.asset);
    if (!type) return;
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = readFileSync(join(assetDir, ctx.params.asset));
  });
  return router;
}
