import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import pg from 'pg';
import { GenericContainer, Wait } from 'testcontainers';
import { reaperOffUnlessAvailable, requireImage } from '../prerequisites.ts';
import { DOCKERFILE, ensureImage, REPO_ROOT } from '../src/image.ts';

const inspect = (tag: string) =>
  JSON.parse(spawnSync('docker', ['image', 'inspect', tag], { encoding: 'utf8' }).stdout)[0];

/** Testcontainers has no builder for a read-only root filesystem; its host config does. */
class ReadOnlyRootContainer extends GenericContainer {
  constructor(image: string) {
    super(image);
    this.hostConfig.ReadonlyRootfs = true;
  }
}

describe('the runtime image', () => {
  let tag: string;
  before(() => {
    requireImage('postgres:16');
    reaperOffUnlessAvailable();
    tag = ensureImage();
  });

  it('copies the manifest of every workspace, so the production install covers them all', () => {
    const dockerfile = readFileSync(join(REPO_ROOT, DOCKERFILE), 'utf8');
    const { workspaces } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    const members = Object.keys(lock.packages).filter(
      (p) => p && !p.includes('node_modules') && workspaces.some((w) => p.startsWith(w.replace('/*', ''))),
    );
    assert.ok(members.length >= 6, `workspaces: ${members}`);
    for (const member of members) assert.ok(dockerfile.includes(`COPY ${member}/package.json`), member);
  });

  it('runs as a non-root user, carries OCI labels and a health check, exposes every port, and stays small above its base', () => {
    const image = inspect(tag);
    const base = inspect('node:24-bookworm-slim');
    assert.equal(image.Config.User, '1000');
    assert.equal(image.Config.Labels['org.opencontainers.image.title'], 'ophyd-service');
    assert.ok(image.Config.Labels['org.opencontainers.image.version']);
    assert.deepEqual(image.Config.Healthcheck.Test, [
      'CMD',
      'node',
      '/app/bin/ophyd-service.ts',
      'healthcheck',
    ]);
    for (const port of [
      '5064/tcp',
      '5064/udp',
      '8003/tcp',
      '8004/tcp',
      '60610/tcp',
      '60615/tcp',
      '60625/tcp',
    ])
      assert.ok(port in image.Config.ExposedPorts, `exposes ${port}`);
    const ourMb = (image.Size - base.Size) / 2 ** 20;
    assert.ok(ourMb < 100, `our layers are ${ourMb.toFixed(1)} MB`);
  });

  it('serves the configuration service from a read-only root filesystem with /tmp as tmpfs', async () => {
    const container = await new ReadOnlyRootContainer(tag)
      .withCommand([
        'configuration',
        '--load-strategy',
        'happi',
        '--profile-path',
        'integration/seed/happi_db.json',
      ])
      .withTmpFs({ '/tmp': 'rw' })
      .withExposedPorts(8004)
      .withWaitStrategy(Wait.forHttp('/ready', 8004))
      .start();
    try {
      const res = await fetch(`http://${container.getHost()}:${container.getMappedPort(8004)}/health`);
      assert.equal(((await res.json()) as { devices_loaded: number }).devices_loaded, 32);
      const { exitCode, output } = await container.exec(['touch', '/app/x']);
      assert.notEqual(exitCode, 0, `the root filesystem is read-only: ${output}`);
      const probe = await container.exec(['node', '/app/bin/ophyd-service.ts', 'healthcheck']);
      assert.equal(probe.exitCode, 0, probe.output);
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
