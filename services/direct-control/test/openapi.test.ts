import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { directControlOpenApi } from '../src/app.ts';

describe('OpenAPI', () => {
  it('matches the committed shared-schema document (run `npx ophyd-service export-openapi` after changing routes)', () => {
    const committed = join(import.meta.dirname, '../../../shared-schema/direct_control.openapi.json');
    assert.deepEqual(directControlOpenApi(), JSON.parse(readFileSync(committed, 'utf8')));
  });
});
