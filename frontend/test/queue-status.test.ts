/**
 * The Queue page's status texts and item helpers without a browser: the step read from the live
 * table, a plan's number of points, the lock line (also the holder's form, which our server does
 * not yet let a browser fetch), an item's arguments as a call reads and its copy for the queue.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lastTableRow, lockText, pointsOf } from '../src/pages/queue/statusText.ts';
import { argumentsText, itemCopy } from '../src/pages/queue/types.ts';

const count = {
  parameters: [
    { name: 'detectors', kind: { value: 1 } },
    { name: 'num', kind: { value: 1 } },
    { name: 'delay', kind: { value: 1 } },
    { name: 'md', kind: { value: 3 } },
  ],
};

describe('queue status texts', () => {
  it('reads the last row number of the live table, not the header or other text', () => {
    const text = [
      '+-----------+------------+------------+',
      '|   seq_num |       time |       det1 |',
      '+-----------+------------+------------+',
      '|         1 | 08:06:02.6 |      5.000 |',
      '|        12 | 08:06:02.9 |      5.000 |',
      '',
    ].join('\n');
    assert.equal(lastTableRow(text), 12);
    assert.equal(lastTableRow('|   seq_num |       time |\nRE Worker environment is ready'), undefined);
  });

  it('finds num by name or by its place among the positional parameters', () => {
    assert.equal(pointsOf({ args: [['det1'], 20, 0.5] }, count), 20);
    assert.equal(pointsOf({ args: [['det1']], kwargs: { num: 7 } }, count), 7);
    assert.equal(pointsOf({ args: [['det1']] }, count), undefined);
    assert.equal(pointsOf({ args: [['det1'], 20] }, undefined), undefined);
  });

  it('says what is locked, and by whom when the lock info matches', () => {
    assert.equal(lockText({ environment: false, queue: false }, undefined), 'not locked');
    assert.equal(lockText({ environment: true, queue: true }, undefined), 'environment and queue locked');
    const info = {
      environment: true,
      queue: false,
      user: 'Operator',
      time_str: '12/02/2026 08:18:01',
      note: 'alignment',
    };
    assert.equal(
      lockText({ environment: true, queue: false }, info),
      'environment locked by Operator since 12/02/2026 08:18:01: alignment',
    );
    // Info from before an unlock says nothing about the lock now.
    assert.equal(lockText({ queue: true }, { environment: false, queue: false, user: null }), 'queue locked');
  });
});

describe('queue item helpers', () => {
  it('writes arguments as a Python call reads', () => {
    assert.equal(
      argumentsText({ args: [['det1'], 'motor', -1, 1], kwargs: { num: 3 } }),
      '(["det1"], "motor", -1, 1, num=3)',
    );
    assert.equal(argumentsText({}), '()');
  });

  it('copies the plan and its arguments, not the uid, user or result', () => {
    const item = {
      item_uid: 'u1',
      item_type: 'plan',
      name: 'count',
      args: [['det1']],
      kwargs: { num: 2 },
      user: 'someone',
      result: { exit_status: 'completed' },
    };
    assert.deepEqual(itemCopy(item), {
      item_type: 'plan',
      name: 'count',
      args: [['det1']],
      kwargs: { num: 2 },
    });
  });
});
