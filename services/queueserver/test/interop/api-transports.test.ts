/**
 * The transports around the queue, with bluesky-queueserver-api (spec §1.2, §1.6, §16.40): one
 * process answers the 0MQ and the HTTP client alike (an item added over one is seen over the
 * other); msgpack frames on both sockets; CurveZMQ with a key pair from pyzmq, which a client
 * without the server's public key cannot talk to. Needs the venv of scripts/peers.sh.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Request } from 'zeromq';
import { API_KEY, removeDir, startTestQueueServer } from '../harness.ts';
import { type Observed, runScenario } from './scenario.ts';

const PYTHON = join(import.meta.dirname, '../../../../.venv-peers/bin/python');

function checkSession(out: Observed): void {
  assert.deepEqual(out, {
    boot: ['idle', true],
    history: [['count', 'completed', 'float']],
    console_has_table: true,
    closed: false,
  });
}

describe('bluesky-queueserver-api over each transport', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) removeDir(dir);
  });

  it('sees over HTTP what 0MQ did and the other way round (§16.40)', async () => {
    const qs = await startTestQueueServer();
    dirs.push(qs.dataDir);
    try {
      const out = await runScenario('crosscheck_scenario.py', [qs.control, qs.info, qs.url, API_KEY]);
      assert.deepEqual(out, {
        http_sees_zmq_item: [[true, 'Queue Server API User']],
        zmq_sees_http_item: ['Queue Server API User', 'UNAUTHENTICATED_SINGLE_USER'],
        zmq_after_http_clear: 0,
        same_queue_uid: true,
      });
    } finally {
      await qs.close();
    }
  });

  it('speaks msgpack on CONTROL and INFO (§1.2)', async () => {
    const qs = await startTestQueueServer({ QSERVER_ZMQ_ENCODING_FOR_SERVER: 'msgpack' });
    dirs.push(qs.dataDir);
    try {
      checkSession(await runScenario('transport_scenario.py', ['zmq', qs.control, qs.info, 'msgpack']));
    } finally {
      await qs.close();
    }
  });

  it('encrypts CONTROL with CurveZMQ (§1.6)', async () => {
    const keys = await promisify(execFile)(PYTHON, [
      '-c',
      'import zmq; p, s = zmq.curve_keypair(); print(p.decode()); print(s.decode())',
    ]);
    const [publicKey, secretKey] = keys.stdout.trim().split('\n');
    const qs = await startTestQueueServer({ QSERVER_ZMQ_PRIVATE_KEY_FOR_SERVER: secretKey });
    dirs.push(qs.dataDir);
    try {
      checkSession(
        await runScenario('transport_scenario.py', ['zmq', qs.control, qs.info], {
          QSERVER_ZMQ_PUBLIC_KEY: publicKey,
        }),
      );
      // A plain-text client gets no answer: the handshake never completes.
      const plain = new Request({ receiveTimeout: 1_000, sendTimeout: 1_000, linger: 0 });
      plain.connect(qs.control);
      try {
        await assert.rejects(async () => {
          await plain.send('{"method": "status"}');
          await plain.receive();
        }, /timed out|EAGAIN/i);
      } finally {
        plain.close();
      }
    } finally {
      await qs.close();
    }
  });
});
