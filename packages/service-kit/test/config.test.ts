import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, describeConfig, loadConfig } from '../src/index.ts';

const schema = {
  type: 'object',
  properties: {
    EXAMPLE_PORT: { type: 'integer', minimum: 1, maximum: 65535, default: 8004, description: 'HTTP port' },
    EXAMPLE_READ_ONLY: { type: 'boolean', default: true, description: 'Refuse writes' },
    EXAMPLE_MODE: { type: 'string', enum: ['auto', 'empty'], default: 'auto' },
    EXAMPLE_URL: { type: 'string' },
  },
} as const;

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const config = loadConfig(schema, {});
    const port: number = config.EXAMPLE_PORT;
    assert.equal(port, 8004);
    assert.deepEqual(config, { EXAMPLE_PORT: 8004, EXAMPLE_READ_ONLY: true, EXAMPLE_MODE: 'auto' });
  });

  it('accepts the usual boolean spellings', () => {
    for (const [word, value] of [
      ['no', false],
      ['OFF', false],
      ['0', false],
      ['Yes', true],
      ['1', true],
      ['t', true],
    ] as const) {
      assert.equal(loadConfig(schema, { EXAMPLE_READ_ONLY: word }).EXAMPLE_READ_ONLY, value, word);
    }
  });

  it('names the variable and the bad value', () => {
    const cases = [
      ['EXAMPLE_PORT', 'http'],
      ['EXAMPLE_PORT', '70000'],
      ['EXAMPLE_READ_ONLY', 'maybe'],
      ['EXAMPLE_MODE', 'bits'],
    ];
    for (const [name, value] of cases) {
      assert.throws(
        () => loadConfig(schema, { [name]: value }),
        (err: unknown) => err instanceof ConfigError && err.variable === name && err.message.includes(name),
        `${name}=${value}`,
      );
    }
  });

  it('describes each variable with its default', () => {
    assert.deepEqual(describeConfig(schema).slice(0, 2), [
      'EXAMPLE_PORT (default 8004): HTTP port',
      'EXAMPLE_READ_ONLY (default true): Refuse writes',
    ]);
  });
});
