/**
 * Supplemental data around runs: fly_during_wrapper and SupplementalData's flyers, as message
 * sequences checked by hand against bluesky 1.15.1's fly_during_wrapper (groups shown as G).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { count } from '../src/plans/plans.ts';
import { fly_during_wrapper, SupplementalData } from '../src/plans/supplemental.ts';
import { formatMsg, recordingEngine } from './helpers.ts';

describe('flyers during runs', () => {
  it('fly_during_wrapper kicks the flyers off after open_run and completes and collects them before close_run', async () => {
    const { RE, messages, devices: h, docs } = recordingEngine();
    const result = await RE.run(fly_during_wrapper(count([h.det], 1), [h.trivial_flyer]));
    assert.equal(result.exitStatus, 'success', String(result.error));
    assert.deepEqual(messages.map(formatMsg), [
      'stage det [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["time"],"primary"]]} num_intervals=0 num_points=1 plan_name="count"',
      'kickoff trivial_flyer [] group=G',
      'wait None [] group=G',
      'checkpoint None []',
      'checkpoint None []',
      'trigger det [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'save None []',
      'complete trivial_flyer [] group=G',
      'wait None [] group=G',
      'collect trivial_flyer []',
      'close_run None [] exit_status=null reason=null',
      'unstage det [] group=G',
    ]);
    const groups = messages
      .filter((m) => m.command === 'kickoff' || m.command === 'complete')
      .map((m) => m.kwargs.group);
    assert.match(String(groups[0]), /^flyers-kickoff-[0-9a-f]{6}$/);
    assert.match(String(groups[1]), /^flyers-complete-[0-9a-f]{6}$/);
    const streams = docs.filter(([n]) => n === 'descriptor').map(([, d]) => (d as { name: string }).name);
    assert.deepEqual(streams, ['primary', 'stream_name']);
  });

  it('with no flyers the plan is unchanged; SupplementalData puts baseline outside monitors outside flyers', async () => {
    const bare = recordingEngine();
    await bare.RE.run(fly_during_wrapper(count([bare.devices.det], 1), []));
    const plain = recordingEngine();
    await plain.RE.run(count([plain.devices.det], 1));
    assert.deepEqual(bare.messages.map(formatMsg), plain.messages.map(formatMsg));

    const { RE, messages, devices: h } = recordingEngine();
    const sd = new SupplementalData({ baseline: [h.motor1], monitors: [h.sig], flyers: [h.trivial_flyer] });
    assert.equal((await RE.run(sd.wrap(count([h.det], 1)))).exitStatus, 'success');
    const commands = messages.map((m) =>
      `${m.command} ${m.obj === null ? '' : (m.obj as { name: string }).name}`.trim(),
    );
    const at = (c: string) => commands.indexOf(c);
    const lastAt = (c: string) => commands.lastIndexOf(c);
    // open_run, baseline, monitor, kickoff … complete, collect, unmonitor, baseline, close_run
    assert.ok(at('open_run') < at('read motor1') && at('read motor1') < at('monitor sig'));
    assert.ok(
      at('monitor sig') < at('kickoff trivial_flyer') && at('kickoff trivial_flyer') < at('read det'),
    );
    assert.ok(
      at('read det') < at('complete trivial_flyer') && at('collect trivial_flyer') < at('unmonitor sig'),
    );
    assert.ok(at('unmonitor sig') < lastAt('read motor1') && lastAt('read motor1') < at('close_run'));
  });
});
