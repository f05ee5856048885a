/**
 * Each built-in plan's message sequence against a hand-checked expectation. The expectations were
 * checked line by line against bluesky 1.15.1 running the same plan on ophyd.sim (groups shown as
 * G, plan_args left out of open_run since they hold device reprs).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEngineOptions } from '../src/engine/run-engine.ts';
import {
  count,
  grid_scan,
  inner_product_scan,
  list_grid_scan,
  list_scan,
  log_scan,
  mv,
  mvr,
  null_,
  RampFail,
  ramp_plan,
  rel_grid_scan,
  rel_list_grid_scan,
  rel_list_scan,
  rel_log_scan,
  rel_scan,
  relative_inner_product_scan,
  scan,
  spiral,
  spiral_fermat,
  spiral_square,
  trigger_and_read,
  tweak,
  x2x_scan,
} from '../src/index.ts';
import type { SyncPlan } from '../src/msg.ts';
import type { Hw } from '../src/sim/hw.ts';
import { formatMsg, recordingEngine, until } from './helpers.ts';

async function sequence(
  make: (h: Hw) => SyncPlan<unknown>,
  options: RunEngineOptions = {},
): Promise<string[]> {
  const { RE, messages, devices, clock } = recordingEngine(options);
  const done = RE.run(make(devices));
  let finished = false;
  void done.then(() => {
    finished = true;
  });
  // Plans that sleep wait on the manual clock: move it on whenever the engine is parked in a sleep.
  await until(() => {
    if (clock.pending) clock.advance(1000);
    return finished;
  }, 'the plan finishing');
  const result = await done;
  assert.equal(result.exitStatus, 'success');
  return messages.map(formatMsg);
}

describe("built-in plans yield bluesky's message sequences", () => {
  it('count([h.det1, h.det2], 2)', async () => {
    assert.deepEqual(await sequence((h) => count([h.det1, h.det2], 2)), [
      'stage det1 [] group=G',
      'stage det2 [] group=G',
      'open_run None [] detectors=["det1","det2"] hints={"dimensions":[[["time"],"primary"]]} num_intervals=1 num_points=2 plan_name="count"',
      'checkpoint None []',
      'checkpoint None []',
      'trigger det1 [] group=G',
      'trigger det2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det1 []',
      'read det2 []',
      'save None []',
      'checkpoint None []',
      'checkpoint None []',
      'trigger det1 [] group=G',
      'trigger det2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det1 []',
      'read det2 []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage det2 [] group=G',
      'unstage det1 [] group=G',
    ]);
  });

  it('count([h.det], 2, 1.5)', async () => {
    // A scalar delay sleeps after every shot, the last one too, as bluesky's repeat() does.
    assert.deepEqual(await sequence((h) => count([h.det], 2, 1.5)), [
      'stage det [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["time"],"primary"]]} num_intervals=1 num_points=2 plan_name="count"',
      'checkpoint None []',
      'checkpoint None []',
      'trigger det [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'save None []',
      'sleep None [1.5]',
      'checkpoint None []',
      'checkpoint None []',
      'trigger det [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'save None []',
      'sleep None [1.5]',
      'close_run None [] exit_status=null reason=null',
      'unstage det [] group=G',
    ]);
  });

  it('scan([h.det], h.motor, -1, 1, 3)', async () => {
    assert.deepEqual(await sequence((h) => scan([h.det], h.motor, -1, 1, 3)), [
      'stage det [] group=G',
      'stage motor [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor"],"primary"]]} motors=["motor"] num_intervals=2 num_points=3 plan_name="scan" plan_pattern="inner_product" plan_pattern_module="bluesky.plan_patterns"',
      'checkpoint None []',
      'set motor [-1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [0] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor [] group=G',
      'unstage det [] group=G',
    ]);
  });

  it('rel_scan([h.det], h.motor, -1, 1, 3)', async () => {
    // Relative: the motor starts at 0, so the targets are the offsets; afterwards it is moved back.
    assert.deepEqual(await sequence((h) => rel_scan([h.det], h.motor, -1, 1, 3)), [
      'stage det [] group=G',
      'stage motor [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor"],"primary"]]} motors=["motor"] num_intervals=2 num_points=3 plan_name="rel_scan" plan_pattern="inner_product" plan_pattern_module="bluesky.plan_patterns"',
      'checkpoint None []',
      'set motor [-1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [0] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor [] group=G',
      'unstage det [] group=G',
      'set motor [0] group=G',
      'wait None [] group=G',
    ]);
  });

  it('list_scan([h.det], h.motor, [1, 2])', async () => {
    assert.deepEqual(await sequence((h) => list_scan([h.det], h.motor, [1, 2])), [
      'stage det [] group=G',
      'stage motor [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor"],"primary"]]} motors=["motor"] num_intervals=1 num_points=2 plan_name="list_scan" plan_pattern="inner_list_product" plan_pattern_module="bluesky.plan_patterns"',
      'checkpoint None []',
      'set motor [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [2] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor [] group=G',
      'unstage det [] group=G',
    ]);
  });

  it('rel_list_scan([h.det], h.motor, [1, 2])', async () => {
    assert.deepEqual(await sequence((h) => rel_list_scan([h.det], h.motor, [1, 2])), [
      'stage det [] group=G',
      'stage motor [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor"],"primary"]]} motors=["motor"] num_intervals=1 num_points=2 plan_name="rel_list_scan" plan_pattern="inner_list_product" plan_pattern_module="bluesky.plan_patterns"',
      'checkpoint None []',
      'set motor [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [2] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor [] group=G',
      'unstage det [] group=G',
      'set motor [0] group=G',
      'wait None [] group=G',
    ]);
  });

  it('grid_scan([h.det4], h.motor1, 0, 1, 2, h.motor2, 0, 1, 2, { snake_axes: true })', async () => {
    // bluesky stages the motors of a grid in set order (it varies between runs); ours keep argument order.
    assert.deepEqual(
      await sequence((h) => grid_scan([h.det4], h.motor1, 0, 1, 2, h.motor2, 0, 1, 2, { snake_axes: true })),
      [
        'stage det4 [] group=G',
        'stage motor1 [] group=G',
        'stage motor2 [] group=G',
        'open_run None [] detectors=["det4"] extents=[[0,1],[0,1]] hints={"gridding":"rectilinear","dimensions":[[["motor1"],"primary"],[["motor2"],"primary"]]} motors=["motor1","motor2"] num_intervals=3 num_points=4 plan_name="grid_scan" plan_pattern="outer_product" plan_pattern_module="bluesky.plan_patterns" shape=[2,2] snaking=[false,true]',
        'checkpoint None []',
        'set motor1 [0] group=G',
        'set motor2 [0] group=G',
        'wait None [] group=G',
        'trigger det4 [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det4 []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'checkpoint None []',
        'set motor2 [1] group=G',
        'wait None [] group=G',
        'trigger det4 [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det4 []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'checkpoint None []',
        'set motor1 [1] group=G',
        'wait None [] group=G',
        'trigger det4 [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det4 []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'checkpoint None []',
        'set motor2 [0] group=G',
        'wait None [] group=G',
        'trigger det4 [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det4 []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'close_run None [] exit_status=null reason=null',
        'unstage motor2 [] group=G',
        'unstage motor1 [] group=G',
        'unstage det4 [] group=G',
      ],
    );
  });

  it('rel_grid_scan([h.det], h.motor1, 0, 1, 2, h.motor2, 0, 1, 2)', async () => {
    assert.deepEqual(await sequence((h) => rel_grid_scan([h.det], h.motor1, 0, 1, 2, h.motor2, 0, 1, 2)), [
      'stage det [] group=G',
      'stage motor1 [] group=G',
      'stage motor2 [] group=G',
      'open_run None [] detectors=["det"] extents=[[0,1],[0,1]] hints={"gridding":"rectilinear","dimensions":[[["motor1"],"primary"],[["motor2"],"primary"]]} motors=["motor1","motor2"] num_intervals=3 num_points=4 plan_name="rel_grid_scan" plan_pattern="outer_product" plan_pattern_module="bluesky.plan_patterns" shape=[2,2] snaking=[false,false]',
      'checkpoint None []',
      'set motor1 [0] group=G',
      'set motor2 [0] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor2 [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor1 [1] group=G',
      'set motor2 [0] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor2 [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor2 [] group=G',
      'unstage motor1 [] group=G',
      'unstage det [] group=G',
      'set motor1 [0] group=G',
      'set motor2 [0] group=G',
      'wait None [] group=G',
    ]);
  });

  it('mv(h.motor1, 1, h.motor2, 2)', async () => {
    assert.deepEqual(await sequence((h) => mv(h.motor1, 1, h.motor2, 2)), [
      'set motor1 [1] group=G',
      'set motor2 [2] group=G',
      'wait None [] group=G timeout=null',
    ]);
  });

  it('mvr(h.motor1, 1)', async () => {
    assert.deepEqual(await sequence((h) => mvr(h.motor1, 1)), [
      'set motor1 [1] group=G',
      'wait None [] group=G timeout=null',
    ]);
  });

  it('log_scan([h.det], h.motor, 0, 2, 3)', async () => {
    assert.deepEqual(await sequence((h) => log_scan([h.det], h.motor, 0, 2, 3)), [
      'stage det [] group=G',
      'stage motor [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor"],"primary"]]} motors=["motor"] num_intervals=2 num_points=3 plan_name="log_scan" plan_pattern="logspace" plan_pattern_module="numpy"',
      'checkpoint None []',
      'set motor [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [10] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [100] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor [] group=G',
      'unstage det [] group=G',
    ]);
  });

  it('rel_log_scan([h.det], h.motor, 0, 1, 2)', async () => {
    assert.deepEqual(await sequence((h) => rel_log_scan([h.det], h.motor, 0, 1, 2)), [
      'stage det [] group=G',
      'stage motor [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor"],"primary"]]} motors=["motor"] num_intervals=1 num_points=2 plan_name="rel_log_scan" plan_pattern="logspace" plan_pattern_module="numpy"',
      'checkpoint None []',
      'set motor [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'checkpoint None []',
      'set motor [10] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor [] group=G',
      'unstage det [] group=G',
      'set motor [0] group=G',
      'wait None [] group=G',
    ]);
  });

  it('list_grid_scan([h.det], h.motor1, [1, 2], h.motor2, [3, 4], { snake_axes: true })', async () => {
    assert.deepEqual(
      await sequence((h) =>
        list_grid_scan([h.det], h.motor1, [1, 2], h.motor2, [3, 4], { snake_axes: true }),
      ),
      [
        'stage det [] group=G',
        'stage motor1 [] group=G',
        'stage motor2 [] group=G',
        'open_run None [] detectors=["det"] extents=[[1,2],[3,4]] hints={"dimensions":[[["motor1"],"primary"],[["motor2"],"primary"]]} motors=["motor1","motor2"] num_intervals=3 num_points=4 plan_name="list_grid_scan" plan_pattern="outer_list_product" plan_pattern_module="bluesky.plan_patterns" shape=[2,2] snake_axes="True"',
        'checkpoint None []',
        'set motor1 [1] group=G',
        'set motor2 [3] group=G',
        'wait None [] group=G',
        'trigger det [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'checkpoint None []',
        'set motor2 [4] group=G',
        'wait None [] group=G',
        'trigger det [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'checkpoint None []',
        'set motor1 [2] group=G',
        'wait None [] group=G',
        'trigger det [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'checkpoint None []',
        'set motor2 [3] group=G',
        'wait None [] group=G',
        'trigger det [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'close_run None [] exit_status=null reason=null',
        'unstage motor2 [] group=G',
        'unstage motor1 [] group=G',
        'unstage det [] group=G',
      ],
    );
  });

  it('rel_list_grid_scan([h.det], h.motor1, [1], h.motor2, [3, 4])', async () => {
    assert.deepEqual(await sequence((h) => rel_list_grid_scan([h.det], h.motor1, [1], h.motor2, [3, 4])), [
      'stage det [] group=G',
      'stage motor1 [] group=G',
      'stage motor2 [] group=G',
      'open_run None [] detectors=["det"] extents=[[1,1],[3,4]] hints={"dimensions":[[["motor1"],"primary"],[["motor2"],"primary"]]} motors=["motor1","motor2"] num_intervals=1 num_points=2 plan_name="rel_list_grid_scan" plan_pattern="outer_list_product" plan_pattern_module="bluesky.plan_patterns" shape=[1,2] snake_axes="False"',
      'checkpoint None []',
      'set motor1 [1] group=G',
      'set motor2 [3] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor2 [4] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor2 [] group=G',
      'unstage motor1 [] group=G',
      'unstage det [] group=G',
      'set motor1 [0] group=G',
      'set motor2 [0] group=G',
      'wait None [] group=G',
    ]);
  });

  it('spiral([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 0.5, 2)', async () => {
    assert.deepEqual(await sequence((h) => spiral([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 0.5, 2)), [
      'stage det [] group=G',
      'stage motor1 [] group=G',
      'stage motor2 [] group=G',
      'open_run None [] detectors=["det"] extents=[[-1,1],[-1,1]] hints={"dimensions":[[["motor1"],"primary"],[["motor2"],"primary"]]} motors=["motor1","motor2"] num_intervals=1 num_points=2 plan_name="spiral" plan_pattern="spiral" plan_pattern_module="bluesky.plan_patterns"',
      'checkpoint None []',
      'set motor1 [0.5] group=G',
      'set motor2 [0] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor1 [-0.5] group=G',
      'set motor2 [6.123233995736766e-17] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor2 [] group=G',
      'unstage motor1 [] group=G',
      'unstage det [] group=G',
    ]);
  });

  it('spiral_fermat([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 0.5, 1.1)', async () => {
    // bluesky (numpy's cos) gives -0.3351689362777972 for the first x: one unit in the last place.
    assert.deepEqual(
      await sequence((h) => spiral_fermat([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 0.5, 1.1)),
      [
        'stage det [] group=G',
        'stage motor1 [] group=G',
        'stage motor2 [] group=G',
        'open_run None [] detectors=["det"] extents=[[-1,1],[-1,1]] hints={"dimensions":[[["motor1"],"primary"],[["motor2"],"primary"]]} motors=["motor1","motor2"] num_intervals=0 num_points=1 plan_name="spiral_fermat" plan_pattern="spiral_fermat" plan_pattern_module="bluesky.plan_patterns"',
        'checkpoint None []',
        'set motor1 [-0.33516893627779726] group=G',
        'set motor2 [0.3070396625883109] group=G',
        'wait None [] group=G',
        'trigger det [] group=G',
        'trigger motor1 [] group=G',
        'trigger motor2 [] group=G',
        'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
        'create None [] name="primary"',
        'read det []',
        'read motor1 []',
        'read motor2 []',
        'save None []',
        'close_run None [] exit_status=null reason=null',
        'unstage motor2 [] group=G',
        'unstage motor1 [] group=G',
        'unstage det [] group=G',
      ],
    );
  });

  it('spiral_square([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 2, 2)', async () => {
    assert.deepEqual(await sequence((h) => spiral_square([h.det], h.motor1, h.motor2, 0, 0, 1, 1, 2, 2)), [
      'stage det [] group=G',
      'stage motor1 [] group=G',
      'stage motor2 [] group=G',
      'open_run None [] detectors=["det"] extents=[[-0.5,0.5],[-0.5,0.5]] hints={"gridding":"rectilinear_nonsequential","dimensions":[[["motor2"],"primary"],[["motor1"],"primary"]]} motors=["motor1","motor2"] num_intervals=3 num_points=4 plan_name="spiral_square" plan_pattern="spiral_square" shape=[2,2]',
      'checkpoint None []',
      'set motor1 [-0.5] group=G',
      'set motor2 [0.5] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor1 [0.5] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor2 [-0.5] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor1 [-0.5] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor2 [] group=G',
      'unstage motor1 [] group=G',
      'unstage det [] group=G',
    ]);
  });

  it('inner_product_scan([h.det], 2, h.motor1, 0, 1)', async () => {
    assert.deepEqual(await sequence((h) => inner_product_scan([h.det], 2, h.motor1, 0, 1)), [
      'stage det [] group=G',
      'stage motor1 [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor1"],"primary"]]} motors=["motor1"] num_intervals=1 num_points=2 plan_name="inner_product_scan" plan_pattern="inner_product" plan_pattern_module="bluesky.plan_patterns"',
      'checkpoint None []',
      'set motor1 [0] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'save None []',
      'checkpoint None []',
      'set motor1 [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor1 [] group=G',
      'unstage det [] group=G',
    ]);
  });

  it('relative_inner_product_scan([h.det], 2, h.motor1, -1, 1)', async () => {
    assert.deepEqual(await sequence((h) => relative_inner_product_scan([h.det], 2, h.motor1, -1, 1)), [
      'stage det [] group=G',
      'stage motor1 [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor1"],"primary"]]} motors=["motor1"] num_intervals=1 num_points=2 plan_name="relative_inner_product_scan" plan_pattern="inner_product" plan_pattern_module="bluesky.plan_patterns"',
      'checkpoint None []',
      'set motor1 [-1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'save None []',
      'checkpoint None []',
      'set motor1 [1] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor1 [] group=G',
      'unstage det [] group=G',
      'set motor1 [0] group=G',
      'wait None [] group=G',
    ]);
  });

  it('x2x_scan([h.det], h.motor1, h.motor2, -1, 1, 2)', async () => {
    assert.deepEqual(await sequence((h) => x2x_scan([h.det], h.motor1, h.motor2, -1, 1, 2)), [
      'stage det [] group=G',
      'stage motor1 [] group=G',
      'stage motor2 [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor1","motor2"],"primary"]]} motors=["motor1","motor2"] num_intervals=1 num_points=2 plan_name="x2x_scan" plan_pattern="inner_product" plan_pattern_module="bluesky.plan_patterns"',
      'checkpoint None []',
      'set motor1 [-1] group=G',
      'set motor2 [-0.5] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'checkpoint None []',
      'set motor1 [1] group=G',
      'set motor2 [0.5] group=G',
      'wait None [] group=G',
      'trigger det [] group=G',
      'trigger motor1 [] group=G',
      'trigger motor2 [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'read motor1 []',
      'read motor2 []',
      'save None []',
      'close_run None [] exit_status=null reason=null',
      'unstage motor2 [] group=G',
      'unstage motor1 [] group=G',
      'unstage det [] group=G',
      'set motor1 [0] group=G',
      'set motor2 [0] group=G',
      'wait None [] group=G',
    ]);
  });

  it("scan([det], motor, -1, 1, 3) documents carry bluesky's metadata, keys and readings", async () => {
    const { RE, docs, devices: h } = recordingEngine();
    await RE.run(scan([h.det], h.motor, -1, 1, 3));
    const [start, descriptor, ...rest] = docs.map(([, d]) => d as unknown as Record<string, unknown>);
    const stop = rest.pop()!;
    // Values as bluesky 1.15.1 + ophyd.sim produced them for the same scan.
    assert.deepEqual(
      { ...start, plan_args: undefined, versions: undefined },
      {
        uid: 'uid-1',
        time: 1_700_000_000,
        scan_id: 1,
        plan_type: 'generator',
        plan_name: 'scan',
        detectors: ['det'],
        motors: ['motor'],
        num_points: 3,
        num_intervals: 2,
        plan_args: undefined,
        plan_pattern: 'inner_product',
        plan_pattern_module: 'bluesky.plan_patterns',
        plan_pattern_args: start.plan_pattern_args,
        hints: { dimensions: [[['motor'], 'primary']] },
        versions: undefined,
      },
    );
    assert.deepEqual((start.plan_args as Record<string, unknown>).args, [
      "SynAxis(prefix='', name='motor', read_attrs=['readback', 'setpoint'], configuration_attrs=['velocity', 'acceleration'])",
      -1,
      1,
    ]);
    assert.deepEqual(descriptor.object_keys, { det: ['det'], motor: ['motor', 'motor_setpoint'] });
    assert.deepEqual(descriptor.hints, { det: { fields: ['det'] }, motor: { fields: ['motor'] } });
    assert.deepEqual(Object.keys(descriptor.data_keys as object), ['det', 'motor', 'motor_setpoint']);
    assert.deepEqual(
      rest.map((e) => e.data),
      [
        { det: 0.6065306597126334, motor: -1, motor_setpoint: -1 },
        { det: 1, motor: 0, motor_setpoint: 0 },
        { det: 0.6065306597126334, motor: 1, motor_setpoint: 1 },
      ],
    );
    assert.deepEqual(
      rest.map((e) => e.seq_num),
      [1, 2, 3],
    );
    assert.equal(stop.exit_status, 'success');
    assert.deepEqual(stop.num_events, { primary: 3 });
  });

  it("tweak([h.det], 'det', h.motor, 0.25), answered '', '0.5', 'q'", async () => {
    const answers = ['', '0.5', 'q'];
    const prompts: string[] = [];
    const input = (prompt: string) => {
      prompts.push(prompt);
      return answers.shift() ?? '';
    };
    const readAndAsk = (position: string, value: string, step: string) => [
      'create None [] name="primary"',
      'read motor []',
      'trigger det [] group=G',
      'wait None ["A"]',
      'read det []',
      'save None []',
      `input None [] prompt="motor, ${position}, ${value}, (${step}) "`,
    ];
    assert.deepEqual(await sequence((h) => tweak(h.det, 'det', h.motor, 0.25), { input }), [
      'stage det [] group=G',
      'stage motor [] group=G',
      'open_run None [] detectors=["det"] hints={"dimensions":[[["motor"],"primary"]]} motors=["motor"] plan_name="tweak"',
      // an empty answer keeps the step
      ...readAndAsk('0.0', '1.0', '0.25'),
      'set motor [0.25] group=G',
      'wait None ["A"]',
      // a number is the new step
      ...readAndAsk('0.25', '0.969', '0.25'),
      'set motor [0.75] group=G',
      'wait None ["A"]',
      // anything else ends the plan
      ...readAndAsk('0.75', '0.755', '0.5'),
      'close_run None [] exit_status=null reason=null',
      'unstage motor [] group=G',
      'unstage det [] group=G',
    ]);
    assert.equal(prompts.length, 3);
  });

  it('ramp_plan: a point before the ramp, points while it runs (paced by period), one after', async () => {
    let polls = 1; // the ramp is seen running once, then done
    const ramp = {
      get done() {
        return polls-- <= 0;
      },
      success: true,
      finished: Promise.resolve(),
    };
    const go = function* () {
      yield* null_();
      return ramp;
    };
    const point = [
      'trigger det [] group=G',
      'wait None [] error_on_timeout=true group=G timeout=null watch=[]',
      'create None [] name="primary"',
      'read det []',
      'save None []',
    ];
    assert.deepEqual(
      await sequence((h) => ramp_plan(go, h.sig, () => trigger_and_read([h.det]), true, null, 0.5)),
      [
        'open_run None [] plan_name="ramp_plan"',
        'monitor sig [] name="sig_monitor"',
        ...point,
        'null None []',
        ...point,
        'sleep None [0.5]',
        ...point,
        'unmonitor sig []',
        'close_run None [] exit_status=null reason=null',
      ],
    );
  });

  it('ramp_plan fails with RampFail when the ramp outlasts its timeout', async () => {
    const { RE, clock, devices: h } = recordingEngine();
    const never = { done: false, success: false, finished: new Promise<void>(() => {}) };
    const go = function* () {
      yield* null_();
      return never;
    };
    let finished = false;
    const done = RE.run(ramp_plan(go, h.sig, () => trigger_and_read([h.det]), false, 2, 0.5)).then((r) => {
      finished = true;
      return r;
    });
    await until(() => {
      if (clock.pending) clock.advance(1); // each period's sleep takes a second of the clock
      return finished;
    }, 'the ramp failing');
    const result = await done;
    assert.equal(result.exitStatus, 'fail');
    assert.ok(result.error instanceof RampFail);
    assert.equal(RE.state, 'idle');
  });
});
