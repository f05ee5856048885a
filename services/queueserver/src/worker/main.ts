/**
 * The worker process (the reference's RE Worker): loads its namespace — a startup directory, or the
 * built-in simulated profile — then runs the manager's plans and tasks on the namespace's RunEngine
 * and answers over Node's IPC channel (protocol.ts). Everything it prints (live tables, function
 * output, errors) goes to its stdout/stderr, which the manager publishes as console output.
 *
 *   node main.ts '<WorkerStartup as JSON>'
 */
import { messageOf, tracebackOf } from './errors.ts';
import { installModuleHooks, setVisibleNamespace } from './module-hooks.ts';
import { type Namespace, namespaceLists } from './namespace.ts';
import { BUSY_STATES, PlanRunner } from './plan-runner.ts';
import type { FromWorker, ToWorker, WorkerStartup } from './protocol.ts';
import { overlayRegistryDevices, updateRegistryDevices } from './registry-devices.ts';
import { registryEntries } from './registry-entries.ts';
import { simProfileNamespace } from './sim-profile.ts';
import { loadStartupDir } from './startup-dir.ts';
import { loadScript, removeScriptFiles, runFunction } from './tasks.ts';

function send(message: FromWorker, then?: () => void): void {
  if (!process.connected) return then?.();
  process.send?.(message, undefined, {}, () => then?.());
}

// Startup code and plans are user code: an exception escaping them is printed, as the reference's
// worker prints a failing thread's traceback, and the worker carries on.
process.on('uncaughtException', (err) =>
  console.error(`Uncaught exception in the worker: ${tracebackOf(err)}`),
);
process.on('unhandledRejection', (err) =>
  console.error(`Unhandled rejection in the worker: ${tracebackOf(err)}`),
);
// Without its manager the worker has no one to serve.
process.on('disconnect', () => process.exit(0));

// Messages that arrive while the namespace loads wait for it.
const early: ToWorker[] = [];
let handle = (message: ToWorker): void => {
  early.push(message);
};
process.on('message', (message: ToWorker) => handle(message));

async function load(startup: WorkerStartup): Promise<Namespace> {
  installModuleHooks();
  const ns = startup.startupDir ? await loadStartupDir(startup.startupDir) : simProfileNamespace();
  // Registry devices replace same-named profile objects before anything is described (§11.1).
  if (startup.registryDevices) overlayRegistryDevices(ns, startup.registryDevices);
  setVisibleNamespace(ns.values);
  return ns;
}

function serve(ns: Namespace): void {
  const runner = new PlanRunner(ns, send);

  const sendLists = () =>
    send({ type: 'lists', ...namespaceLists(ns), registry_entries: registryEntries(ns.devices) });

  const runTask = async (m: Extract<ToWorker, { type: 'run_task' }>) => {
    const time_start = Date.now() / 1000;
    const { task } = m;
    let outcome: Awaited<ReturnType<typeof runFunction>>;
    if (task.kind === 'function') outcome = await runFunction(ns, task.name, task.args, task.kwargs);
    else {
      outcome = await loadScript(ns, task.script, task.update_re);
      runner.attach();
      if (outcome.success && task.update_lists) sendLists();
    }
    send({ type: 'task_done', task_uid: m.task_uid, ...outcome, time_start, time_stop: Date.now() / 1000 });
  };

  // Only between plans: a plan holds the devices it was given.
  const registryUpdate = (m: Extract<ToWorker, { type: 'registry_update' }>): FromWorker => {
    if (ns.RE && BUSY_STATES.has(ns.RE.state))
      return { type: 'registry_updated', error: `the Run Engine is busy (${ns.RE.state})` };
    try {
      if (updateRegistryDevices(ns, m)) sendLists();
      return { type: 'registry_updated' };
    } catch (err) {
      return { type: 'registry_updated', error: messageOf(err) };
    }
  };

  const metadata = (): FromWorker => {
    if (!ns.RE)
      return {
        type: 're_metadata',
        md: null,
        error: 'Run Engine is not found in the RE Worker environment.',
      };
    try {
      return { type: 're_metadata', md: JSON.parse(JSON.stringify(ns.RE.md)) };
    } catch (err) {
      return {
        type: 're_metadata',
        md: null,
        error: `Failed to serialize RE metadata with JSON: ${messageOf(err)}`,
      };
    }
  };

  handle = (m: ToWorker) => {
    switch (m.type) {
      case 'start_plan':
        return runner.start(m.plan);
      case 'pause':
        return runner.pause(m.option);
      case 'continue':
        return runner.continue(m.option);
      case 'run_task':
        return void runTask(m);
      case 're_metadata':
        return send(metadata());
      case 'registry_update':
        return send(registryUpdate(m));
      case 'close':
        if (ns.RE && BUSY_STATES.has(ns.RE.state)) {
          const msg = 'Run Engine is executing a plan. Stop the running plan and try again.';
          return send({ type: 'refused', command: 'close', msg });
        }
        removeScriptFiles();
        return send({ type: 'closed' }, () => process.exit(0));
    }
  };
  for (const message of early.splice(0)) handle(message);
}

const started = performance.now();
try {
  const ns = await load(JSON.parse(process.argv[2] ?? '{}') as WorkerStartup);
  console.log(`RE Worker environment is ready (loaded in ${Math.round(performance.now() - started)} ms)`);
  send({ type: 'ready', ...namespaceLists(ns), registry_entries: registryEntries(ns.devices) });
  if (ns.RE) send({ type: 're_state', state: ns.RE.state });
  serve(ns);
} catch (err) {
  const msg = `Failed to start the RE Worker environment: ${messageOf(err)}`;
  const traceback = (err as { traceback?: string }).traceback || tracebackOf(err);
  console.error(`${msg}\n${traceback}`);
  send({ type: 'startup_failed', msg, traceback }, () => process.exit(1));
}
