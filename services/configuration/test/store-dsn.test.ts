import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatabaseUrlError, parseDatabaseUrl, redactDatabaseUrl } from '../src/store/dsn.ts';
import { pythonJsonDumps } from '../src/store/python-json.ts';

const cwd = '/srv/ophyd';

describe('CONFIG_DATABASE_URL parsing', () => {
  it('accepts the SQLAlchemy and plain PostgreSQL forms', () => {
    for (const scheme of [
      'postgresql+psycopg',
      'postgresql',
      'postgres',
      'postgresql+asyncpg',
      'POSTGRESQL',
    ]) {
      assert.deepEqual(parseDatabaseUrl(`${scheme}://user:p%40ss@db.example:6543/registry`, cwd), {
        backend: 'postgresql',
        url: 'postgresql://user:p%40ss@db.example:6543/registry',
        host: 'db.example',
        port: 6543,
        database: 'registry',
        user: 'user',
      });
    }
    const noPort = parseDatabaseUrl('postgresql+psycopg://u@localhost/db?sslmode=disable', cwd);
    assert.equal(noPort.backend, 'postgresql');
    if (noPort.backend === 'postgresql') {
      assert.equal(noPort.port, 5432);
      assert.equal(noPort.url, 'postgresql://u@localhost/db?sslmode=disable');
    }
  });

  it('rejects PostgreSQL URLs without host or database, without echoing the password', () => {
    for (const url of [
      'postgresql://u:secret@/db',
      'postgresql://u:secret@host',
      'postgresql://u:secret@host/',
    ]) {
      assert.throws(
        () => parseDatabaseUrl(url, cwd),
        (e: Error) => e instanceof DatabaseUrlError && !e.message.includes('secret'),
        url,
      );
    }
  });

  it('maps SQLite URLs: four slashes absolute, three relative to the working directory', () => {
    assert.deepEqual(parseDatabaseUrl('sqlite+pysqlite:////var/lib/ophyd/config.db', cwd), {
      backend: 'sqlite',
      path: '/var/lib/ophyd/config.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite:////abs/path.db', cwd), {
      backend: 'sqlite',
      path: '/abs/path.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite:///rel.db', cwd), {
      backend: 'sqlite',
      path: '/srv/ophyd/rel.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite+pysqlite:///data/x.db?check_same_thread=false', cwd), {
      backend: 'sqlite',
      path: '/srv/ophyd/data/x.db',
    });
    assert.deepEqual(parseDatabaseUrl('sqlite:///my%20db.db', cwd), {
      backend: 'sqlite',
      path: '/srv/ophyd/my db.db',
    });
  });

  it('maps the in-memory SQLite forms', () => {
    for (const url of ['sqlite://', 'sqlite:///:memory:', 'sqlite+pysqlite:///:memory:']) {
      assert.deepEqual(parseDatabaseUrl(url, cwd), { backend: 'sqlite', path: ':memory:' }, url);
    }
  });

  it('rejects an SQLite URL with a host', () => {
    assert.throws(() => parseDatabaseUrl('sqlite://somehost/x.db', cwd), /takes no host/);
  });

  it('an empty value says the variable is not set', () => {
    for (const value of ['', '   ', undefined]) {
      assert.throws(
        () => parseDatabaseUrl(value, cwd),
        (e: Error) => e instanceof DatabaseUrlError && e.message.startsWith('CONFIG_DATABASE_URL is not set'),
      );
    }
  });

  it('other backends are unsupported, named by their scheme without the driver', () => {
    const cases: Array<[string, string]> = [
      ['mysql+pymysql://u:p@h/db', 'mysql'],
      ['mssql://h/db', 'mssql'],
      ['oracle+cx_oracle://h/db', 'oracle'],
      ['mongodb://h/db', 'mongodb'],
    ];
    for (const [url, backend] of cases) {
      assert.throws(
        () => parseDatabaseUrl(url, cwd),
        (e: Error) =>
          e instanceof DatabaseUrlError &&
          e.message.startsWith(`Unsupported database backend '${backend}'`) &&
          e.message.includes('supports postgresql and sqlite'),
        url,
      );
    }
  });

  it('a value that is not a URL is rejected without echoing it', () => {
    assert.throws(
      () => parseDatabaseUrl('user:secret@host/db', cwd),
      (e: Error) =>
        e instanceof DatabaseUrlError &&
        /not a database URL/.test(e.message) &&
        !e.message.includes('secret'),
    );
  });

  it('redacts passwords for logs', () => {
    assert.equal(
      redactDatabaseUrl('postgresql+psycopg://ophyd:s3cr3t@db:5432/x'),
      'postgresql+psycopg://ophyd:***@db:5432/x',
    );
    assert.equal(redactDatabaseUrl('postgresql://ophyd@db/x'), 'postgresql://ophyd@db/x');
    assert.equal(redactDatabaseUrl('sqlite:////a/b.db'), 'sqlite:////a/b.db');
  });
});

describe('audit details serialization', () => {
  it('writes JSON the way Python json.dumps does', () => {
    assert.equal(pythonJsonDumps({ source: 'profile' }), '{"source": "profile"}');
    assert.equal(
      pythonJsonDumps({ changed_fields: ['labels', 'spec.kwargs'], n: 1.5, ok: true, none: null }),
      '{"changed_fields": ["labels", "spec.kwargs"], "n": 1.5, "ok": true, "none": null}',
    );
    assert.equal(
      pythonJsonDumps({ plan: 'scan ü\u2603', q: 'a"b\n' }),
      '{"plan": "scan \\u00fc\\u2603", "q": "a\\"b\\n"}',
    );
    assert.equal(pythonJsonDumps({}), '{}');
    assert.equal(pythonJsonDumps([]), '[]');
    assert.equal(pythonJsonDumps({ skip: undefined, keep: 0 }), '{"keep": 0}');
    assert.deepEqual(JSON.parse(pythonJsonDumps({ a: [1, { b: 'c' }] })), { a: [1, { b: 'c' }] });
  });
});
