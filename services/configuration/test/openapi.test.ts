import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startConfiguration } from './harness.ts';

const committed = join(import.meta.dirname, '../../../shared-schema/configuration_service.openapi.json');

describe('OpenAPI', () => {
  it('serves exactly the committed shared-schema document (run `npx ophyd-service export-openapi` after changing routes)', async () => {
    const h = await startConfiguration({ CONFIG_DEVICE_CHANGE_HISTORY_ENABLED: 'false' });
    try {
      const served = await h.json('/openapi.json');
      assert.deepEqual(served, JSON.parse(readFileSync(committed, 'utf8')));
    } finally {
      await h.close();
    }
  });

  it('documents all 46 operations of the reference plus /metrics, with the reference operationIds', () => {
    const doc = JSON.parse(readFileSync(committed, 'utf8')) as {
      paths: Record<string, Record<string, { operationId?: string; responses: object }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    assert.equal(operations.length, 47);
    const apiOps = operations.filter((o) => o.path.startsWith('/api/'));
    assert.equal(apiOps.length, 44);
    assert.ok(
      apiOps.every((o) => o.op.operationId?.endsWith(`_${o.method}`)),
      'operationIds follow the reference naming',
    );
    assert.ok(operations.every((o) => Object.keys(o.op.responses).length > 0));
  });
});
