/**
 * The PV page's control logic without a browser: limits and in-page refusals of set-points, the
 * motor panel's state from device-socket frames (motor record and plain signal), and refusal texts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limitRange, numericRefusal } from '../src/components/controlLimits.ts';
import {
  applyDeviceFrame,
  doneMoving,
  EMPTY_MOTOR,
  isMoving,
  type MotorState,
  moveProgress,
  readbackSignal,
  travelLimits,
} from '../src/components/motorState.ts';
import { refusalText } from '../src/components/serviceRefusal.ts';

/** The state after a sequence of frames about one device. */
function after(frames: Record<string, unknown>[], from: MotorState = EMPTY_MOTOR): MotorState {
  return frames.reduce(applyDeviceFrame, from);
}

describe('set-point limits', () => {
  it('takes control limits only when they make a range', () => {
    assert.deepEqual(limitRange({ lower_ctrl_limit: -30, upper_ctrl_limit: 30 }), [-30, 30]);
    assert.equal(limitRange({ lower_ctrl_limit: 0, upper_ctrl_limit: 0 }), undefined);
    assert.equal(limitRange({ lower_ctrl_limit: null, upper_ctrl_limit: 5 }), undefined);
  });

  it('refuses what is not a number or outside the range, with the reason', () => {
    assert.equal(numericRefusal('11', [0, 10]), '11 is outside the control limits [0, 10]');
    assert.equal(numericRefusal('-0.5', [0, 10]), '-0.5 is outside the control limits [0, 10]');
    assert.equal(numericRefusal('abc', [0, 10]), '"abc" is not a number');
    assert.equal(numericRefusal(' ', undefined), '" " is not a number');
    assert.equal(numericRefusal('10', [0, 10]), undefined);
    assert.equal(numericRefusal('1e6', undefined), undefined);
  });
});

describe('motor state from the device socket', () => {
  const motorRecord = [
    {
      sub_type: 'meta',
      device: 'm',
      signal: 'user_readback',
      precision: 3,
      lower_ctrl_limit: 0,
      upper_ctrl_limit: 10,
    },
    { event_type: 'device_update', device: 'm', signal: 'user_readback', value: 1, connected: true },
    { event_type: 'device_update', device: 'm', signal: 'motor_done_move', value: 1 },
    { event_type: 'device_update', device: 'm', signal: 'high_limit_travel', value: 8 },
    { event_type: 'device_update', device: 'm', signal: 'low_limit_travel', value: 2 },
    { type: 'subscribed', device: 'm' },
  ];

  it('reads a motor record: readback, HLM/LLM over the control limits, DMOV', () => {
    const state = after(motorRecord);
    assert.equal(state.subscribed, true);
    assert.equal(readbackSignal(state), 'user_readback');
    assert.deepEqual(travelLimits(state), [2, 8]);
    assert.equal(doneMoving(state), 1);
    assert.equal(isMoving(state), false);
    const moving = after(
      [{ event_type: 'device_update', device: 'm', signal: 'motor_done_move', value: 0 }],
      state,
    );
    assert.equal(isMoving(moving), true);
  });

  it('falls back to the control limits when HLM and LLM are both 0', () => {
    const state = after([
      ...motorRecord,
      { event_type: 'device_update', device: 'm', signal: 'high_limit_travel', value: 0 },
      { event_type: 'device_update', device: 'm', signal: 'low_limit_travel', value: 0 },
    ]);
    assert.deepEqual(travelLimits(state), [0, 10]);
  });

  it('reads a plain signal positioner as moving until its put completes', () => {
    const ph = after([
      { sub_type: 'meta', device: 'p', signal: 'readback', lower_ctrl_limit: -30, upper_ctrl_limit: 30 },
      { event_type: 'device_update', device: 'p', signal: 'readback', value: 0 },
    ]);
    assert.equal(readbackSignal(ph), 'readback');
    assert.deepEqual(travelLimits(ph), [-30, 30]);
    assert.equal(doneMoving(ph), undefined);
    const sent = { ...ph, pendingSets: 1 };
    assert.equal(isMoving(sent), true);
    const done = after([{ type: 'set_complete', device: 'p' }], sent);
    assert.equal(isMoving(done), false);
    assert.equal(done.done, 'move finished');
  });

  it('keeps a refusal verbatim and counts the set as answered', () => {
    const refused = after(
      [{ type: 'error', device: 'p', error: "Device 'p' is locked by plan 'scan'", locked: true }],
      { ...EMPTY_MOTOR, subscribed: true, pendingSets: 1 },
    );
    assert.equal(refused.error, "Device 'p' is locked by plan 'scan'");
    assert.equal(refused.pendingSets, 0);
    assert.equal(refused.subscribed, true);
    const lost = after([{ type: 'error', device: 'p', error: 'gone', reason: 'not_found' }], refused);
    assert.equal(lost.subscribed, false);
  });

  it('measures progress from start to target, clamped', () => {
    assert.equal(moveProgress(0, 4, 1), 0.25);
    assert.equal(moveProgress(4, 0, 3), 0.25);
    assert.equal(moveProgress(0, 4, 5), 1);
    assert.equal(moveProgress(0, 4, -1), 0);
    assert.equal(moveProgress(2, 2, 2), 1);
  });
});

describe('refusal text', () => {
  it('is the service detail verbatim, or each validation message', () => {
    assert.equal(refusalText({ detail: "Device 'x' is disabled" }, 409), "Device 'x' is disabled");
    assert.equal(
      refusalText({ detail: [{ loc: ['body', 'value'], msg: 'Field required', type: 'missing' }] }, 422),
      'Field required',
    );
    assert.equal(refusalText(undefined, 502), 'HTTP 502');
  });
});
