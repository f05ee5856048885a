/**
 * HTTP requests as the Python client sends them: JSON bodies on every method, GET included (which
 * fetch() refuses), with the test server's API key unless other headers are given.
 */
import { request } from 'node:http';
import { API_KEY } from './harness.ts';

export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** Sends `body` (JSON, if given) with `method` to `url` and parses the JSON answer. */
export function httpJson(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = { Authorization: `ApiKey ${API_KEY}` },
): Promise<JsonResponse> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        headers: {
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          'Content-Length': Buffer.byteLength(text),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = raw;
          try {
            parsed = raw ? JSON.parse(raw) : undefined;
          } catch {
            // Not JSON: the raw text is the body.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}
