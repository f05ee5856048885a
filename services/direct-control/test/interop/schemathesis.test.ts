/**
 * Issue 18: schemathesis against the direct-control service's published OpenAPI document with writes
 * on, over the real stack (simulated IOCs, seeded configuration service): no 5xx, every status,
 * content type and body as documented. PV writes, device verbs and stops go to the simulated IOCs,
 * which this throwaway stack owns.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  documentedOperations,
  fuzz,
  requireSchemathesis,
} from '../../../configuration/test/interop/schemathesis.ts';
import { ALLOWED_METHODS } from '../../src/operations/devices.ts';
import { type Stack, startStack } from '../stack.ts';

describe('schemathesis against the direct-control service (writes on)', () => {
  let stack: Stack;
  before(async () => {
    requireSchemathesis();
    stack = await startStack();
  });
  after(() => stack?.close());

  it('finds no 5xx and no response outside the document', async () => {
    const registry = stack.config;
    const devices = await registry.json<string[]>('/api/v1/devices');
    const { pvs } = await registry.json<{ pvs: string[] }>('/api/v1/pvs');
    const componentPaths = (
      await Promise.all(
        devices.map((d) => registry.json<{ device_path: string }[]>(`/api/v1/devices/${d}/components`)),
      )
    ).flatMap((components) => components.map((c) => c.device_path));
    assert.ok(devices.length > 0 && pvs.length > 0 && componentPaths.length > 0, 'the seed loaded');

    // Registry names, real verbs and plain numbers half the time, so requests reach the IOCs;
    // anything the document allows the rest.
    const named = (dictionary: string) => ({ dictionary, probability: 0.5 });
    const run = await fuzz(stack.url, {
      maxExamples: 50,
      seed: 18,
      // Above the 30 s command timeout a `timeout: 0` write may wait for.
      requestTimeoutS: 60,
      dictionaries: {
        devices,
        pvs,
        paths: [...devices, ...componentPaths],
        methods: [...ALLOWED_METHODS],
        // Small numbers every writable PV here can hold, so writes get past the value checks.
        numbers: [0, 1, 2, 0.5, -0.5, 3],
        // The service's defaults (0) or 20 s: time enough for any move or acquisition in limits.
        deadlines: [0, 20],
      },
      bindings: {
        'path.pv_name': named('pvs'),
        'body.pv_name': named('pvs'),
        'body.caputs[*].pv_name': named('pvs'),
        'path.device_name': named('devices'),
        'body.device_name': named('devices'),
        'path.device_path': named('paths'),
        'body.addresses[*]': named('paths'),
        'body.method': named('methods'),
        'body.value': named('numbers'),
        'body.caputs[*].value': named('numbers'),
        'body.args[*]': named('numbers'),
        // Always a workable deadline. A deadline shorter than the hardware needs (a move with
        // `timeout: 1e-9`, a first connection with `connection_timeout: 2e-23`) is answered as
        // documented, 504 for a PV (500 for a device verb, as the reference): the IOC did not finish
        // in the time the caller allowed, not a fault of the server. Generation stays clear of those
        // so that any 5xx in this run is a real failure.
        'body.timeout': { dictionary: 'deadlines', probability: 1 },
        'body.connection_timeout': { dictionary: 'deadlines', probability: 1 },
        'body.caputs[*].timeout': { dictionary: 'deadlines', probability: 1 },
        'body.caputs[*].connection_timeout': { dictionary: 'deadlines', probability: 1 },
      },
    });
    console.log(`direct-control service: ${run.summary}`);
    assert.equal(run.exitCode, 0, run.report);
    assert.equal(run.operationsTested, (await documentedOperations(stack.url)).length, run.report);
  });
});
