/**
 * Runs schemathesis (installed in the peers venv by scripts/peers.sh) against a live service's
 * published /openapi.json, with the checks issue 18 asks for: no 5xx, every status code documented,
 * every content type and body as documented. Generation is bounded per operation and seeded, so a CI
 * run repeats the same requests. Real registry names go in through schemathesis dictionaries, so the
 * generated requests reach past the 404 for an unknown name into each route's real work.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venv } from '../../../../packages/epics-ca/test/interop/peers.ts';

export const schemathesisBin = join(venv, 'bin/schemathesis');

export const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];

export function requireSchemathesis(): void {
  if (!existsSync(schemathesisBin))
    throw new Error(`schemathesis missing at ${schemathesisBin}: run scripts/peers.sh first.`);
}

export interface FuzzOptions {
  /** Generated test cases per operation and phase (the coverage phase adds its boundary cases). */
  maxExamples: number;
  seed: number;
  /** Seconds one request may take before schemathesis counts it as an error. */
  requestTimeoutS: number;
  /** Named value lists (registry names, numbers) the generator draws from. */
  dictionaries?: Record<string, (string | number)[]>;
  /** Parameter (`path.pv_name`, `body.device_names[*]`…) → dictionary, taken with `probability`. */
  bindings?: Record<string, { dictionary: string; probability: number }>;
  /** operationIds left out of this run. */
  excludeOperationIds?: string[];
}

export interface FuzzRun {
  exitCode: number;
  /** schemathesis's whole report, lines longer than 2000 characters clipped. */
  report: string;
  operationsTested: number;
  generated: number;
  /** The report from its warnings on: what was covered, in a few lines. */
  summary: string;
}

/** TOML for the dictionaries and their bindings (names are ASCII, so JSON strings are TOML strings). */
function configToml(options: FuzzOptions): string {
  const lines: string[] = [];
  for (const [name, values] of Object.entries(options.dictionaries ?? {})) {
    lines.push(`[dictionaries.${name}]`, `values = [${values.map((v) => JSON.stringify(v)).join(', ')}]`, '');
  }
  const bindings = Object.entries(options.bindings ?? {});
  if (bindings.length > 0) {
    lines.push('[parameters]');
    for (const [key, { dictionary, probability }] of bindings)
      lines.push(
        `${JSON.stringify(key)} = { dictionary = ${JSON.stringify(dictionary)}, probability = ${probability} }`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** One schemathesis run against `baseUrl`; resolves with its exit code and report, never rejects on failures found. */
export async function fuzz(baseUrl: string, options: FuzzOptions): Promise<FuzzRun> {
  requireSchemathesis();
  const dir = await mkdtemp(join(tmpdir(), 'schemathesis-'));
  try {
    const configFile = join(dir, 'schemathesis.toml');
    await writeFile(configFile, configToml(options));
    const args = [
      '--config-file',
      configFile,
      'run',
      `${baseUrl}/openapi.json`,
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      String(options.maxExamples),
      '--seed',
      String(options.seed),
      '--request-timeout',
      String(options.requestTimeoutS),
      // One worker: the machine has two cores, and a write's effects are then the same every run.
      '--workers',
      '1',
      // Nothing remembered between runs: CI and a developer's machine generate the same cases.
      '--generation-database',
      'none',
      '--no-color',
      ...(options.excludeOperationIds ?? []).flatMap((id) => ['--exclude-operation-id', id]),
    ];
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
      execFile(
        schemathesisBin,
        args,
        {
          cwd: dir,
          maxBuffer: 1 << 28,
          // Loopback only, whatever proxy the environment names.
          env: {
            ...process.env,
            NO_COLOR: '1',
            NO_PROXY: '127.0.0.1,localhost',
            no_proxy: '127.0.0.1,localhost',
          },
        },
        (err, stdout, stderr) => {
          const exit = (err as { code?: unknown } | null)?.code;
          if (err && typeof exit !== 'number') return reject(err);
          resolve({ code: typeof exit === 'number' ? exit : 0, output: `${stdout}${stderr}` });
        },
      );
    });
    const report = output
      .split('\n')
      .map((line) => (line.length > 2000 ? `${line.slice(0, 2000)}…` : line))
      .join('\n');
    const tested = /^\s*Tested:\s*(\d+)/m.exec(output);
    const generated = /^\s*(\d+) generated/m.exec(output);
    return {
      exitCode: code,
      report,
      operationsTested: tested ? Number(tested[1]) : 0,
      generated: generated ? Number(generated[1]) : 0,
      summary: report.slice(Math.max(0, report.search(/^=+ (WARNINGS|SUMMARY) =+$/m))),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The operations (method and path) an OpenAPI document lists. */
export async function documentedOperations(baseUrl: string): Promise<string[]> {
  const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );
}
