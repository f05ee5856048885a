/**
 * The profile-collection routes (spec §10.3, [FORK]) against real git repositories in a temporary
 * directory: a bare origin, a clone the test pushes from (the beamline's upstream work) and the
 * clone the server runs its startup code from (its checkout, found from QSERVER_STARTUP_DIR).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caller, until } from './acceptance-flow.ts';
import { type RunningQueueServer, removeDir, startTestQueueServer } from './harness.ts';
import { httpJson } from './http-client.ts';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Beamline Scientist',
  GIT_AUTHOR_EMAIL: 'scientist@example.org',
  GIT_COMMITTER_NAME: 'Beamline Scientist',
  GIT_COMMITTER_EMAIL: 'scientist@example.org',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: GIT_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Commits `files` (path → text) in `clone` and pushes them to its origin; the new commit. */
function pushCommit(clone: string, message: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) writeFileSync(join(clone, path), text);
  git(clone, 'add', ...Object.keys(files));
  git(clone, 'commit', '-q', '-m', message);
  git(clone, 'push', '-q', 'origin', 'main');
  return git(clone, 'rev-parse', 'HEAD');
}

/** A startup module whose plan is named after the profile's version. */
const planModule = (name: string) => `export function* ${name}() {}\n`;

describe('profile collection: the checkout of the startup directory', () => {
  let root: string;
  let upstream: string;
  let profile: string;
  let qs: RunningQueueServer;
  const route = (path: string) => `${qs.url}/api/profile_collection/${path}`;
  const plansExisting = async () =>
    Object.keys((await caller(qs)('plans_existing')).plans_existing as Record<string, unknown>);

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'qs-profile-'));
    upstream = join(root, 'upstream');
    profile = join(root, 'profile');
    git(root, 'init', '-q', '--bare', '-b', 'main', 'origin.git');
    git(root, 'clone', '-q', join(root, 'origin.git'), upstream);
    git(upstream, 'checkout', '-q', '-b', 'main');
    pushCommit(upstream, 'the first profile', { '00-plans.ts': planModule('plan_v1') });
    git(root, 'clone', '-q', join(root, 'origin.git'), profile);
    qs = await startTestQueueServer({ QSERVER_STARTUP_DIR: profile });
  });
  after(async () => {
    await qs.close();
    removeDir(qs.dataDir);
    removeDir(root);
  });

  it('reports the commit, the branch, and neither changes nor commits apart from the upstream', async () => {
    const { status, body } = await httpJson('GET', route('status'));
    assert.equal(status, 200);
    assert.deepEqual(body, {
      profile_dir: profile,
      commit: git(profile, 'rev-parse', 'HEAD'),
      branch: 'main',
      is_dirty: false,
      ahead: 0,
      behind: 0,
    });
    const anonymous = await httpJson('GET', route('status'), undefined, {});
    assert.equal(anonymous.status, 401);
  });

  it('pulls what was pushed (fast-forward), naming the files it changed', async () => {
    const before = git(profile, 'rev-parse', 'HEAD');
    const pushed = pushCommit(upstream, 'a second plan file', { '10-more.ts': planModule('plan_more') });
    // The status does not fetch: the new commit is unknown here until the pull.
    assert.equal((await httpJson('GET', route('status'))).body.behind, 0);
    const pull = await httpJson('POST', route('pull'));
    assert.equal(pull.status, 200);
    assert.deepEqual(pull.body, {
      commit_before: before,
      commit_after: pushed,
      files_changed: ['10-more.ts'],
      pixi_toml_changed: false,
    });
    assert.equal(git(profile, 'rev-parse', 'HEAD'), pushed);
    const again = await httpJson('POST', route('pull'));
    assert.deepEqual(again.body, {
      commit_before: pushed,
      commit_after: pushed,
      files_changed: [],
      pixi_toml_changed: false,
    });
  });

  it('refuses to pull over uncommitted changes (409), listing them, and pulls nothing', async () => {
    const head = git(profile, 'rev-parse', 'HEAD');
    pushCommit(upstream, 'a change waiting upstream', { '20-waiting.ts': planModule('plan_waiting') });
    writeFileSync(join(profile, 'scratch.ts'), '// an edit on the host\n');
    try {
      const status = await httpJson('GET', route('status'));
      assert.equal(status.body.is_dirty, true);
      const pull = await httpJson('POST', route('pull'));
      assert.equal(pull.status, 409);
      assert.match(
        pull.body.detail,
        /has uncommitted changes \(scratch\.ts\): commit or revert them on the host/,
      );
      assert.equal(git(profile, 'rev-parse', 'HEAD'), head);
    } finally {
      rmSync(join(profile, 'scratch.ts'));
    }
    assert.equal((await httpJson('POST', route('pull'))).status, 200);
  });

  it('counts local commits as ahead, and refuses a pull that cannot fast-forward (409)', async () => {
    writeFileSync(join(profile, '30-local.ts'), planModule('plan_local'));
    git(profile, 'add', '30-local.ts');
    git(profile, 'commit', '-q', '-m', 'an on-host commit');
    const local = git(profile, 'rev-parse', 'HEAD');
    assert.deepEqual(
      (({ ahead, behind }) => ({ ahead, behind }))((await httpJson('GET', route('status'))).body),
      { ahead: 1, behind: 0 },
    );
    pushCommit(upstream, 'upstream moves on', { '40-upstream.ts': planModule('plan_upstream') });
    const pull = await httpJson('POST', route('pull'));
    assert.equal(pull.status, 409);
    assert.match(
      pull.body.detail,
      /Cannot fast-forward 'main' to 'origin\/main': they have diverged \(1 local commit\(s\) the upstream lacks, 1 upstream commit\(s\) to take\)/,
    );
    assert.equal(git(profile, 'rev-parse', 'HEAD'), local);
    // The refused pull fetched: the status now sees the upstream commit too.
    const status = (await httpJson('GET', route('status'))).body;
    assert.deepEqual([status.ahead, status.behind], [1, 1]);
    // The operator resolves it on the host.
    git(profile, 'reset', '-q', '--hard', 'origin/main');
  });

  it('reloads: pulls, then closes and reopens an open environment, which then has the pulled plans', async () => {
    const call = caller(qs);
    const notOpen = await httpJson('POST', route('reload'));
    assert.equal(notOpen.status, 200);
    assert.equal(notOpen.body.environment_recycled, false);

    await call('environment_open');
    await until(qs, (s) => s.worker_environment_exists && s.manager_state === 'idle');
    assert.ok(!(await plansExisting()).includes('plan_v2'));
    const pushed = pushCommit(upstream, 'version 2', { '00-plans.ts': planModule('plan_v2') });
    const reload = await httpJson('POST', route('reload'));
    assert.equal(reload.status, 200, JSON.stringify(reload.body));
    assert.equal(reload.body.environment_recycled, true);
    assert.equal(reload.body.pull.commit_after, pushed);
    assert.deepEqual(reload.body.pull.files_changed, ['00-plans.ts']);
    // Answered once the environment is open again, with the new code.
    const status = await call('status');
    assert.equal(status.worker_environment_exists, true);
    assert.equal(status.manager_state, 'idle');
    const plans = await plansExisting();
    assert.ok(plans.includes('plan_v2'), plans.join(', '));
    assert.ok(!plans.includes('plan_v1'), plans.join(', '));
  });

  it('pulls but refuses to recycle (409) when pixi.toml changed while the environment is open', async () => {
    const call = caller(qs);
    assert.equal((await call('status')).worker_environment_exists, true);
    const pushed = pushCommit(upstream, 'new dependencies', {
      'pixi.toml': '[workspace]\nname = "profile"\n',
    });
    const reload = await httpJson('POST', route('reload'));
    assert.equal(reload.status, 409);
    assert.match(reload.body.detail, /was pulled .*but pixi.toml changed while an environment is open/);
    assert.equal(git(profile, 'rev-parse', 'HEAD'), pushed);
    assert.equal((await call('status')).worker_environment_exists, true);
  });

  it('pulls but answers 409 when the manager will not close a locked environment; with its lock_key it recycles', async () => {
    const call = caller(qs);
    const lock = await call('lock', { lock_key: 'beamline-key', environment: true, user: 'operator' });
    assert.equal(lock.success, true, lock.msg);
    try {
      const pushed = pushCommit(upstream, 'version 3', { '00-plans.ts': planModule('plan_v3') });
      const reload = await httpJson('POST', route('reload'));
      assert.equal(reload.status, 409);
      assert.match(reload.body.detail, /was pulled .*, but the environment was not recycled: .*lock/i);
      assert.equal(git(profile, 'rev-parse', 'HEAD'), pushed);
      assert.equal((await call('status')).worker_environment_exists, true);
      assert.ok(!(await plansExisting()).includes('plan_v3'));

      // With the key, the same reload recycles it (the pull has nothing left to take).
      const keyed = await httpJson('POST', route('reload'), { lock_key: 'beamline-key' });
      assert.equal(keyed.status, 200, JSON.stringify(keyed.body));
      assert.deepEqual(keyed.body, {
        pull: { commit_before: pushed, commit_after: pushed, files_changed: [], pixi_toml_changed: false },
        environment_recycled: true,
      });
      assert.ok((await plansExisting()).includes('plan_v3'));
      assert.equal((await httpJson('POST', route('reload'), { key: 'x' })).status, 422);
    } finally {
      await call('unlock', { lock_key: 'beamline-key' });
    }
    await call('environment_close');
    await until(qs, (s) => !s.worker_environment_exists && s.manager_state === 'idle');
  });
});

describe('profile collection: not configured', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'qs-no-profile-'));
  });
  after(() => removeDir(root));

  const statusOf = async (env: Record<string, string>) => {
    const qs = await startTestQueueServer(env);
    try {
      const status = await httpJson('GET', `${qs.url}/api/profile_collection/status`);
      const pull = await httpJson('POST', `${qs.url}/api/profile_collection/pull`);
      const reload = await httpJson('POST', `${qs.url}/api/profile_collection/reload`);
      assert.deepEqual([pull.status, reload.status], [status.status, status.status]);
      return status;
    } finally {
      await qs.close();
      removeDir(qs.dataDir);
    }
  };

  it('answers 501 naming the variable: unset (built-in profile), not a directory, not a git checkout', async () => {
    const unset = await statusOf({});
    assert.equal(unset.status, 501);
    assert.match(unset.body.detail, /not configured: set QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR/);

    const missing = await statusOf({ QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR: join(root, 'missing') });
    assert.equal(missing.status, 501);
    assert.match(missing.body.detail, /PROFILE_COLLECTION_DIR names '.*missing', which is not a directory/);

    const plain = join(root, 'plain');
    mkdirSync(plain);
    const notGit = await statusOf({ QSERVER_HTTP_SERVER_PROFILE_COLLECTION_DIR: plain });
    assert.equal(notGit.status, 501);
    assert.match(
      notGit.body.detail,
      /names '.*plain', which is not a git checkout: fatal: not a git repository/,
    );

    writeFileSync(join(plain, '00-plans.ts'), planModule('plan_v1'));
    const startupOutsideGit = await statusOf({ QSERVER_STARTUP_DIR: plain });
    assert.equal(startupOutsideGit.status, 501);
    assert.match(startupOutsideGit.body.detail, /the startup directory '.*plain' is not in a git checkout/);
  });
});
