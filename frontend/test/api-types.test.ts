/** The page's generated API types match the services' published OpenAPI documents. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staleFiles } from '../scripts/generate-api.ts';

describe('frontend API types', () => {
  it('are regenerated from shared-schema (npm run generate-api -w frontend)', async () => {
    assert.deepEqual(await staleFiles(), []);
  });
});
