import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SchemaBook } from '@ophyd-service/service-kit';
import { directControlOpenApi } from '../src/app.ts';
import { type Stack, startStack } from './stack.ts';

const committed = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../shared-schema/direct_control.openapi.json'), 'utf8'),
);

describe('OpenAPI', () => {
  it('matches the committed shared-schema document (run `npx ophyd-service export-openapi` after changing routes)', () => {
    assert.deepEqual(directControlOpenApi(), committed);
  });

  it('binds the reference operationIds that generated clients call', () => {
    const ids = Object.values(
      committed.paths as Record<string, Record<string, { operationId: string }>>,
    ).flatMap((item) => Object.values(item).map((op) => op.operationId));
    for (const id of [
      'health_check_health_get',
      'get_stats_api_v1_stats_get',
      'set_pv_api_v1_pv_set_post',
      'set_pv_batch_api_v1_pv_set_batch_post',
      'get_pv_value_from_controller_api_v1_pv__pv_name__value_get',
      'get_monitored_pv_value_api_v1_pvs__pv_name__value_get',
      'get_connected_pvs_api_v1_pvs_connected_get',
      'execute_device_method_api_v1_device_execute_post',
      'stop_device_api_v1_device__device_name__stop_post',
      'access_nested_device_api_v1_device__device_path__post',
      'get_nested_device_value_api_v1_device__device_path__value_get',
      'resolve_device_paths_api_v1_devices_resolve_post',
    ])
      assert.ok(ids.includes(id), `${id} missing`);
  });

  describe('answers as documented', () => {
    let stack: Stack;
    const book = new SchemaBook(committed.components.schemas);
    before(async () => {
      stack = await startStack();
    });
    after(() => stack.close());

    it('/health and /api/v1/stats carry the reference keys, in their documented shapes', async () => {
      for (const [path, schema] of [
        ['/health', 'HealthResponse'],
        ['/api/v1/stats', 'Stats'],
      ]) {
        const res = await fetch(stack.url + path);
        assert.equal(res.status, 200, path);
        const body = await res.json();
        assert.deepEqual(book.check('body', schema, body), [], `${path}: ${JSON.stringify(body)}`);
      }
      const stats = (await (await fetch(`${stack.url}/api/v1/stats`)).json()) as Record<string, any>;
      assert.equal(stats.service, 'direct_control');
      assert.equal(stats.command_timeout, 30);
      assert.equal(stats.buffer_size, 100);
      assert.equal(stats.max_connections, 100);
      assert.equal(typeof stats.device_control.instantiated_devices, 'number');
    });
  });
});
