/**
 * `ophyd-service web-ui [--host H] [--port P] [--rebuild]`: serves the built page, building it
 * first when frontend/dist is missing, and /config.json telling the page where the services are
 * (hostnames as the browser reached this server, ports from @ophyd-service/endpoints, the queue
 * server's key for this run from QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY). Behind an ingress or any
 * proxy that moves the services elsewhere, WEB_UI_CONFIGURATION_URL, WEB_UI_DIRECT_CONTROL_URL and
 * WEB_UI_QUEUE_SERVER_URL give the URLs the browser must use instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ENDPOINTS } from '@ophyd-service/endpoints';

const FRONTEND = import.meta.dirname;
const DIST = join(FRONTEND, 'dist');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Builds the page with Vite into frontend/dist. */
export function buildPage(): void {
  const vite = resolve(FRONTEND, '../node_modules/vite/bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: FRONTEND, stdio: 'inherit' });
}

/** Service ports the page calls, overridable for tests that run the services on free ports. */
export interface ServicePorts {
  configuration: number;
  directControl: number;
  queueServer: number;
}

/** Public URLs of the services, when the browser reaches them elsewhere than this host's ports. */
export type ServiceUrls = Partial<Record<'configurationUrl' | 'directControlUrl' | 'queueServerUrl', string>>;

/** The /config.json body for a request: the services on the host the browser used for this page. */
export function uiConfig(
  request: IncomingMessage,
  ports: ServicePorts,
  apiKey?: string,
  urls: ServiceUrls = {},
): object {
  const hostname = new URL(`http://${request.headers.host ?? 'localhost'}`).hostname;
  const url = (port: number) => `http://${hostname}:${port}`;
  return {
    configurationUrl: urls.configurationUrl ?? url(ports.configuration),
    directControlUrl: urls.directControlUrl ?? url(ports.directControl),
    queueServerUrl: urls.queueServerUrl ?? url(ports.queueServer),
    ...(apiKey && { queueServerApiKey: apiKey }),
  };
}

/** Starts serving dist/ and /config.json; resolves once listening. */
export async function serveUi(options: {
  host: string;
  port: number;
  ports: ServicePorts;
  apiKey?: string;
  urls?: ServiceUrls;
}): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(uiConfig(request, options.ports, options.apiKey, options.urls)));
      return;
    }
    // normalize keeps the path inside dist/; anything unknown gets the page (one-page app).
    let file = join(DIST, normalize(path).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(DIST) || !existsSync(file) || path === '/') file = join(DIST, 'index.html');
    if (!existsSync(file)) {
      response
        .writeHead(503, { 'content-type': 'text/plain' })
        .end('the page is not built: ophyd-service web-ui --rebuild\n');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(options.port, options.host, done));
  return server;
}

/** The CLI entry: build if needed, then serve until stopped. */
export async function main(argv: string[]): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: env.WEB_UI_HOST ?? '127.0.0.1' },
      port: { type: 'string', default: env.WEB_UI_PORT ?? String(ENDPOINTS['web-ui'].port) },
      rebuild: { type: 'boolean', default: false },
    },
  });
  if (values.rebuild || !existsSync(join(DIST, 'index.html'))) buildPage();
  // The same variables that move the services under `up` move what the page is told.
  const server = await serveUi({
    host: values.host,
    port: Number(values.port),
    ports: {
      configuration: Number(env.CONFIG_PORT ?? ENDPOINTS.configuration.port),
      directControl: Number(env.DIRECT_CONTROL_PORT ?? ENDPOINTS['direct-control'].port),
      queueServer: Number(env.QSERVER_HTTP_PORT ?? ENDPOINTS.queueserver.port),
    },
    apiKey: env.QSERVER_HTTP_SERVER_SINGLE_USER_API_KEY,
    urls: {
      configurationUrl: env.WEB_UI_CONFIGURATION_URL || undefined,
      directControlUrl: env.WEB_UI_DIRECT_CONTROL_URL || undefined,
      queueServerUrl: env.WEB_UI_QUEUE_SERVER_URL || undefined,
    },
  });
  const { port } = server.address() as { port: number };
  console.log(`web-ui listening on http://${values.host}:${port}`);
  const stop = () => server.close();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
