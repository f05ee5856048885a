/** The Queue page's socket helpers: the keyed WebSocket URL and the bounded console buffer. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendConsole, queueSocketUrl } from '../src/queueSockets.ts';

describe('queue sockets', () => {
  it('puts the key in the query of a ws:// URL', () => {
    const config = { configurationUrl: '', directControlUrl: '', queueServerUrl: 'http://h:60610' };
    assert.equal(
      queueSocketUrl({ ...config, queueServerApiKey: 'a b' }, '/api/status/ws'),
      'ws://h:60610/api/status/ws?api_key=a+b',
    );
    assert.equal(queueSocketUrl(config, '/api/console_output/ws'), 'ws://h:60610/api/console_output/ws');
  });

  it('joins messages split mid-line and keeps the last lines only', () => {
    let lines: string[] = [];
    lines = appendConsole(lines, 'one\ntw');
    lines = appendConsole(lines, 'o\nthree\n');
    assert.deepEqual(lines, ['one', 'two', 'three', '']);
    assert.deepEqual(appendConsole(lines, 'four\nfive', 3), ['three', 'four', 'five']);
  });
});
