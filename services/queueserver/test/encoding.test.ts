import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode } from '@msgpack/msgpack';
import { checkEnvelope, decodeMessage, encodeMessage } from '../src/zmq/encoding.ts';
import { pythonClassRepr, pythonRepr } from '../src/zmq/python-repr.ts';

describe('JSON frames', () => {
  test('round trip of a reply', () => {
    const reply = { success: true, msg: '', items: [{ name: 'count', args: [['det1']] }], qsize: 1 };
    const frame = encodeMessage(reply, 'json');
    assert.deepEqual(decodeMessage(frame, 'json'), reply);
  });

  test('integral numbers under time, time_start and time_stop are written as floats', () => {
    const frame = encodeMessage(
      {
        time: 1700000000,
        msg: { status: { time: 12, items: 3 } },
        history: [{ result: { time_start: 5, time_stop: 6.25, scan_ids: [1] } }],
        count: 7,
      },
      'json',
    );
    assert.equal(
      frame.toString('utf8'),
      '{"time":1700000000.0,"msg":{"status":{"time":12.0,"items":3}},' +
        '"history":[{"result":{"time_start":5.0,"time_stop":6.25,"scan_ids":[1]}}],"count":7}',
    );
  });

  test('a time key holding a non-number is left alone', () => {
    assert.equal(
      encodeMessage({ time: '12:00', time_start: null }, 'json').toString(),
      '{"time":"12:00","time_start":null}',
    );
  });

  test('decode errors carry the reference text', () => {
    assert.throws(() => decodeMessage(Buffer.alloc(0), 'json'), {
      message: 'JSON decode error: Expecting value: line 1 column 1 (char 0)',
    });
    assert.throws(() => decodeMessage(Buffer.from('{"method": '), 'json'), /^Error: JSON decode error: /);
    assert.throws(() => decodeMessage(Buffer.from([0xff, 0xfe]), 'json'), /^Error: JSON decode error: /);
  });
});

describe('msgpack frames', () => {
  test('round trip of a reply', () => {
    const reply = { success: false, msg: 'boom', item: null, uids: ['a', 'b'], n: -3, f: 0.5 };
    assert.deepEqual(decodeMessage(encodeMessage(reply, 'msgpack'), 'msgpack'), reply);
  });

  test('an integral time is a float64 (type tag 0xcb), other integers stay integers', () => {
    const frame = encodeMessage({ time: 1700000000, n: 2 }, 'msgpack');
    // fixmap(2), fixstr "time", float64 1700000000, fixstr "n", positive fixint 2
    const expected = Buffer.concat([
      Buffer.from([0x82, 0xa4]),
      Buffer.from('time'),
      Buffer.from([0xcb, 0x41, 0xd9, 0x54, 0xfc, 0x40, 0x00, 0x00, 0x00]),
      Buffer.from([0xa1]),
      Buffer.from('n'),
      Buffer.from([0x02]),
    ]);
    assert.deepEqual(frame, expected);
    assert.deepEqual(decode(frame), { time: 1700000000, n: 2 });
  });

  test('forced floats deep in the tree, next to containers of every header size', () => {
    const longList = Array.from({ length: 20 }, (_, i) => i);
    const value = {
      history: [{ result: { time_start: 10, time_stop: 11, msg: '' } }],
      big: longList,
      skipped: undefined,
    };
    const frame = encodeMessage(value, 'msgpack');
    assert.deepEqual(decode(frame), {
      history: [{ result: { time_start: 10, time_stop: 11, msg: '' } }],
      big: longList,
    });
    const timeStart = frame.indexOf(Buffer.from('time_start'));
    assert.equal(frame[timeStart + 'time_start'.length], 0xcb);
    const timeStop = frame.indexOf(Buffer.from('time_stop'));
    assert.equal(frame[timeStop + 'time_stop'.length], 0xcb);
    // The 20-element list is an array16 (0xdc 0x00 0x14) and `skipped` is left out (fixmap of 2).
    assert.equal(frame[0], 0x82);
    assert.notEqual(frame.indexOf(Buffer.from([0xdc, 0x00, 0x14])), -1);
  });

  test('a map of 16 or more keys holding a forced float gets a map16 header', () => {
    const value: Record<string, number> = { time: 3 };
    for (let i = 0; i < 16; i++) value[`k${i}`] = i;
    const frame = encodeMessage(value, 'msgpack');
    assert.deepEqual([...frame.subarray(0, 3)], [0xde, 0x00, 0x11]);
    assert.deepEqual(decode(frame), value);
  });

  test('decode errors carry the reference text', () => {
    assert.throws(() => decodeMessage(Buffer.alloc(0), 'msgpack'), {
      message: 'MSGPACK decode error: Unpack failed: incomplete input',
    });
    assert.throws(
      () => decodeMessage(Buffer.from([0x82, 0xa1]), 'msgpack'),
      /^Error: MSGPACK decode error: /,
    );
  });
});

describe('request envelope', () => {
  test('method and params; params default to {}', () => {
    assert.deepEqual(checkEnvelope({ method: 'status' }), { method: 'status', params: {} });
    assert.deepEqual(checkEnvelope({ method: 'queue_get', params: { reload: true } }), {
      method: 'queue_get',
      params: { reload: true },
    });
  });

  test('a value that is not a dict names its Python class', () => {
    assert.throws(() => checkEnvelope([1, 2]), {
      message: "Incorrect request type: <class 'list'>. Dictionary is expected",
    });
    assert.throws(() => checkEnvelope(5), {
      message: "Incorrect request type: <class 'int'>. Dictionary is expected",
    });
    assert.throws(() => checkEnvelope(2.5), {
      message: "Incorrect request type: <class 'float'>. Dictionary is expected",
    });
    assert.throws(() => checkEnvelope(null), {
      message: "Incorrect request type: <class 'NoneType'>. Dictionary is expected",
    });
    assert.throws(() => checkEnvelope(true), {
      message: "Incorrect request type: <class 'bool'>. Dictionary is expected",
    });
  });

  test('a JSON string is reported the way pyzmq hands it to the reference', () => {
    assert.throws(() => checkEnvelope('status'), { message: 'Failed to decode the request: status' });
  });

  test('no method prints the request as a Python dict', () => {
    assert.throws(() => checkEnvelope({ met: 'status', params: { a: [1, null, true] } }), {
      message:
        "Invalid request format: method is not specified: {'met': 'status', 'params': {'a': [1, None, True]}}",
    });
  });

  test('unexpected keys are listed; JSON-RPC keys are not allowed', () => {
    assert.throws(() => checkEnvelope({ method: 'status', params: {}, jsonrpc: '2.0', id: 1 }), {
      message: "Request contains unexpected keys ['jsonrpc', 'id']. Allowed keys: ('method', 'params')",
    });
  });

  test('with a method table: unknown methods and non-dict params', () => {
    const known = (m: string) => m === 'status';
    assert.throws(() => checkEnvelope({ method: 'no_such', params: [] }, known), {
      message: "Unknown method 'no_such'",
    });
    assert.throws(() => checkEnvelope({ method: 5 }, known), { message: 'Unknown method 5' });
    assert.throws(() => checkEnvelope({ method: ['status'] }, known), { message: "unhashable type: 'list'" });
    assert.throws(() => checkEnvelope({ method: 'status', params: [1] }, known), {
      message: "Handler for the command 'status' is not implemented",
    });
    assert.throws(() => checkEnvelope({ method: 'status', params: null }, known), {
      message: "Handler for the command 'status' is not implemented",
    });
  });
});

describe('pythonRepr', () => {
  test('scalars', () => {
    assert.equal(pythonRepr(null), 'None');
    assert.equal(pythonRepr(true), 'True');
    assert.equal(pythonRepr(false), 'False');
    assert.equal(pythonRepr(10), '10');
    assert.equal(pythonRepr(-3), '-3');
    assert.equal(pythonRepr(1e21), '1000000000000000000000');
    assert.equal(pythonRepr(2.5), '2.5');
    assert.equal(pythonRepr(0.0001), '0.0001');
    assert.equal(pythonRepr(1e-5), '1e-05');
    assert.equal(pythonRepr(1.5e-7), '1.5e-07');
    assert.equal(pythonRepr(Number.NaN), 'nan');
    assert.equal(pythonRepr(-Infinity), '-inf');
  });

  test('strings pick their quote and escape like CPython', () => {
    assert.equal(pythonRepr('abc'), "'abc'");
    assert.equal(pythonRepr("it's"), '"it\'s"');
    assert.equal(pythonRepr('say "hi" it\'s'), "'say \"hi\" it\\'s'");
    assert.equal(pythonRepr('a\tb\nc\x01\x7f\u200b é'), "'a\\tb\\nc\\x01\\x7f\\u200b é'");
    assert.equal(pythonRepr('back\\slash\r'), "'back\\\\slash\\r'");
  });

  test('containers and bytes', () => {
    assert.equal(pythonRepr({}), '{}');
    assert.equal(pythonRepr([]), '[]');
    assert.equal(
      pythonRepr({ met: 'status', x: [1, 2.5, null, true] }),
      "{'met': 'status', 'x': [1, 2.5, None, True]}",
    );
    assert.equal(pythonRepr(Uint8Array.from([0x61, 0x27, 0x62, 0x00])), 'b"a\'b\\x00"');
  });

  test('class reprs', () => {
    assert.equal(pythonClassRepr({}), "<class 'dict'>");
    assert.equal(pythonClassRepr('x'), "<class 'str'>");
    assert.equal(pythonClassRepr(1.5), "<class 'float'>");
  });
});
