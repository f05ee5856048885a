import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DBR } from '../src/dbr.ts';
import { checkWrite, WriteRefused } from '../src/write-value.ts';

const scalar = (nativeType: number, extra = {}) => ({ nativeType, count: 1, ...extra });
const refused = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof WriteRefused && pattern.test(err.message));

test('numbers and numeric strings go to a DOUBLE; everything else is refused with the reason', () => {
  const target = scalar(DBR.DOUBLE);
  assert.equal(checkWrite('pv', target, 2.5), 2.5);
  assert.equal(checkWrite('pv', target, ' -1e3 '), -1000);
  refused(
    () => checkWrite('mini:dot:mtry', target, true),
    /^Cannot write true to mini:dot:mtry: a boolean is not a value \(the PV holds one DOUBLE\)$/,
  );
  refused(() => checkWrite('pv', target, {}), /an object is not a value/);
  refused(() => checkWrite('pv', target, []), /an array for a scalar/);
  refused(() => checkWrite('pv', target, [1]), /an array for a scalar/);
  refused(() => checkWrite('pv', target, null), /null is not a value/);
  refused(() => checkWrite('pv', target, 'abc'), /"abc" to pv: not a number/);
  refused(() => checkWrite('pv', target, ''), /not a number/);
  refused(() => checkWrite('pv', target, 'Infinity'), /not a finite number/);
});

test('integer types refuse fractions and values outside their width', () => {
  assert.equal(checkWrite('pv', scalar(DBR.LONG), 2147483647), 2147483647);
  refused(() => checkWrite('pv', scalar(DBR.LONG), 2 ** 40), /outside -2147483648\.\.2147483647/);
  refused(() => checkWrite('pv', scalar(DBR.LONG), 1.5), /not an integer/);
  refused(() => checkWrite('pv', scalar(DBR.SHORT), 40000), /outside -32768\.\.32767/);
  refused(() => checkWrite('pv', scalar(DBR.CHAR), -1), /outside 0\.\.255/);
  refused(() => checkWrite('pv', scalar(DBR.FLOAT), 1e39), /range of a FLOAT/);
});

test('an enum takes a state name or an index below its number of states', () => {
  const target = scalar(DBR.ENUM, { enumStrings: ['Off', 'On', 'Fault'] });
  assert.equal(checkWrite('pv', target, 'Fault'), 2);
  assert.equal(checkWrite('pv', target, 1), 1);
  assert.equal(checkWrite('pv', target, '0'), 0);
  refused(
    () => checkWrite('pv', target, 99),
    /not a state name or an index 0\.\.2; choices: 0="Off", 1="On", 2="Fault"/,
  );
  refused(() => checkWrite('pv', target, 'Maybe'), /not a state name/);
  assert.equal(checkWrite('pv', scalar(DBR.ENUM), 15), 15);
  refused(() => checkWrite('pv', scalar(DBR.ENUM), 16), /index 0\.\.15/);
});

test('strings fit in 39 bytes; numbers become their text', () => {
  assert.equal(checkWrite('pv', scalar(DBR.STRING), 'x'.repeat(39)), 'x'.repeat(39));
  assert.equal(checkWrite('pv', scalar(DBR.STRING), 7), '7');
  refused(() => checkWrite('pv', scalar(DBR.STRING), 'x'.repeat(40)), /longer than 39 bytes/);
});

test('arrays fit the element count; a CHAR waveform takes text with its NUL', () => {
  const waveform = { nativeType: DBR.DOUBLE, count: 3 };
  assert.deepEqual(checkWrite('pv', waveform, [1, '2', 3]), [1, 2, 3]);
  assert.deepEqual(checkWrite('pv', waveform, new Float64Array([4, 5])), [4, 5]);
  refused(
    () => checkWrite('pv', waveform, [1, 2, 3, 4]),
    /4 elements \(the PV holds up to 3 DOUBLE elements\)/,
  );
  refused(() => checkWrite('pv', waveform, [[1]]), /element 0: a nested array is not a value/);
  refused(() => checkWrite('pv', waveform, []), /no elements/);
  assert.deepEqual(checkWrite('pv', { nativeType: DBR.CHAR, count: 4 }, 'abc'), [97, 98, 99, 0]);
  refused(
    () => checkWrite('pv', { nativeType: DBR.CHAR, count: 3 }, 'abc'),
    /4 bytes with the terminating NUL/,
  );
});

test('control limits refuse values outside them; 0/0 means no limits', () => {
  const limited = scalar(DBR.DOUBLE, { limits: { low: -5, high: 5 } });
  assert.equal(checkWrite('pv', limited, 5), 5);
  refused(() => checkWrite('pv', limited, 5.01), /outside the control limits \[-5, 5\]/);
  assert.equal(checkWrite('pv', scalar(DBR.DOUBLE, { limits: { low: 0, high: 0 } }), 1e9), 1e9);
});

test('the message never echoes a large input whole', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 10_000; i++) deep = [deep];
  refused(
    () => checkWrite('pv', scalar(DBR.DOUBLE), deep),
    /^Cannot write an array of 1 to pv: an array for a scalar/,
  );
  refused(() => checkWrite('pv', scalar(DBR.DOUBLE), 'y'.repeat(100_000)), /"y{40}…" to pv/);
});
