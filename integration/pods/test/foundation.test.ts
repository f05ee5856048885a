import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import { GenericContainer } from 'testcontainers';
import { requireImage } from '../prerequisites.ts';

const repoRoot = join(import.meta.dirname, '../../..');

describe('container foundation', () => {
  before(() => {
    requireImage('node:24-bookworm-slim');
    requireImage('postgres:16');
  });

  it('builds the runtime image from its Dockerfile on node:24-bookworm-slim and runs the CLI in it', async () => {
    const image = await GenericContainer.fromDockerfile(repoRoot, 'integration/images/runtime/Dockerfile')
      .withCache(true)
      .build('ophyd-service:pods-test', { deleteOnExit: false });
    // No long-running component exists yet to serve as the command: keep the container up and
    // run the CLI inside it, as the image's entrypoint would.
    const container = await image.withEntrypoint(['sleep', '600']).withStartupTimeout(60_000).start();
    try {
      const { output: help } = await container.exec(['node', '/app/bin/ophyd-service.ts', '--help']);
      assert.match(help, /Usage: ophyd-service/);
      assert.match(help, /\bup\b/);
      const { output: version, exitCode } = await container.exec(['node', '--version']);
      assert.equal(exitCode, 0);
      assert.match(version.trim(), /^v24\./);
      const { output: user } = await container.exec(['id', '-u']);
      assert.equal(user.trim(), '1000');
    } finally {
      await container.stop();
    }
  });

  it('starts PostgreSQL 16 through @testcontainers/postgresql and runs a query', async () => {
    const container = await new PostgreSqlContainer('postgres:16').start();
    const client = new pg.Client({ connectionString: container.getConnectionUri() });
    try {
      await client.connect();
      const result = await client.query('select 1 + 1 as two, current_database() as db');
      assert.equal(result.rows[0].two, 2);
      assert.equal(result.rows[0].db, container.getDatabase());
    } finally {
      await client.end();
      await container.stop();
    }
  });
});
