import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEVICE_NAME_MAX_LENGTH,
  DEVICE_NAME_PATTERN,
  isDeviceName,
  isPvName,
  nameProblem,
  PV_NAME_MAX_LENGTH,
  PV_NAME_PATTERN,
} from '../src/index.ts';

// Ajv compiles JSON Schema patterns with the `u` flag; test them the same way.
const devicePattern = new RegExp(DEVICE_NAME_PATTERN, 'u');
const pvPattern = new RegExp(PV_NAME_PATTERN, 'u');

describe('registry name rules (spec §2.1)', () => {
  it('accepts the names the spec accepts, including ones that shadow Object.prototype', () => {
    for (const name of ['XF:23ID2-OP', 'sample_x', '__proto__', 'constructor', 'a.b', '...', 'x..']) {
      assert.equal(nameProblem('device', name), undefined, name);
      assert.ok(isDeviceName(name), name);
    }
    for (const pv of [
      'XF:23ID2-OP{Mir:1}Mtr.RBV',
      'a/b',
      '__proto__',
      'x/.../y',
      '.x/y.',
      'MAX:' + 'Q'.repeat(1020),
    ]) {
      assert.equal(nameProblem('pv', pv), undefined, pv);
      assert.ok(isPvName(pv), pv);
    }
  });

  it('refuses what the spec refuses, with a reason', () => {
    assert.equal(nameProblem('device', ''), 'must not be empty');
    assert.match(nameProblem('device', 'with space') ?? '', /printable ASCII/);
    assert.match(nameProblem('device', 'tab\tname') ?? '', /printable ASCII/);
    assert.match(nameProblem('device', 'caf\u00e9') ?? '', /printable ASCII/);
    assert.equal(nameProblem('device', 'a/b'), "must not contain '/'");
    assert.equal(nameProblem('device', '../../etc/passwd'), "must not contain '/'");
    assert.equal(nameProblem('device', 'n'.repeat(257)), 'must be at most 256 characters');
    assert.equal(nameProblem('device', 42), 'must be a string');
    assert.match(nameProblem('pv', 'pv\u0000nul') ?? '', /printable ASCII/);
    assert.equal(nameProblem('pv', 'P'.repeat(1025)), 'must be at most 1024 characters');
  });

  it("refuses '.' and '..' as a device name and as a PV name segment (unaddressable in a URL path)", () => {
    for (const name of ['.', '..']) assert.equal(nameProblem('device', name), "must not be '.' or '..'");
    for (const pv of ['.', '..', '../../etc/passwd', 'a/./b', 'a/..', './a']) {
      assert.equal(nameProblem('pv', pv), "must not have '.' or '..' as a path segment", pv);
    }
  });

  it('the published patterns agree with nameProblem on any string', () => {
    const alphabet = fc.constantFrom('a', 'Z', '.', '/', ' ', '_', '~', '\u0000', '\u007f', '\u00e9', ':');
    const names = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 8 }),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('.', '..', '/..', '../', 'a/../b'),
    );
    fc.assert(
      fc.property(names, (name) => {
        // Length is checked by minLength/maxLength beside the pattern, so only short names are compared here.
        assert.equal(
          devicePattern.test(name),
          nameProblem('device', name) === undefined,
          JSON.stringify(name),
        );
        assert.equal(pvPattern.test(name), nameProblem('pv', name) === undefined, JSON.stringify(name));
      }),
      { numRuns: 2000 },
    );
    assert.ok(DEVICE_NAME_MAX_LENGTH < PV_NAME_MAX_LENGTH);
  });
});
