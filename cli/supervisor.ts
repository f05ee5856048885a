import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { styleText } from 'node:util';
import { apiKeysFor, describeKey } from './api-keys.ts';
import { address, type Component, entryPath, isBuilt, notBuiltMessage } from './components.ts';
import { componentEnv } from './loopback.ts';
import { DEFAULT_TIMING, type Timing } from './timing.ts';

/** The child-side runner: calls the entry's `main(argv)` and reports ready over IPC when it resolves. */
const RUNNER = join(import.meta.dirname, 'run-entry.ts');
const SELF = 'up';
const COLOURS = [
  'cyan',
  'magenta',
  'green',
  'yellow',
  'blue',
  'cyanBright',
  'magentaBright',
  'greenBright',
] as const;

export interface UpOptions extends Partial<Timing> {
  /** The component table (the real one, or fixtures in tests). */
  components: readonly Component[];
  /** What entries are resolved against. */
  root: string;
  /** Component names, or subcommands such as `ioc`, to start instead of the defaults. */
  only?: readonly string[];
  /** False turns colour off; otherwise each stream is coloured when it is a colour TTY. */
  color?: boolean;
  /** HTTP listen address given to every component with a `hostOption` (theirs default to 127.0.0.1). */
  host?: string;
  stdout?: Writable;
  stderr?: Writable;
}

/** `ophyd-service up`: starts the chosen built components and supervises them; resolves to the exit code. */
export async function up(options: UpOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const { components, root } = options;

  const wanted = options.only?.map((name) => name.trim()).filter(Boolean);
  const unknown = wanted?.filter((name) => !components.some((c) => c.name === name || c.command === name));
  if (unknown?.length) {
    stderr.write(
      `unknown component ${unknown.join(', ')}; known: ${components.map((c) => c.name).join(', ')}\n`,
    );
    return 2;
  }
  const chosen = wanted
    ? components.filter((c) => wanted.includes(c.name) || wanted.includes(c.command))
    : components.filter((c) => c.default);
  const built = chosen.filter((c) => isBuilt(c, root));
  const missing = chosen.filter((c) => !isBuilt(c, root));

  if (wanted && missing.length) {
    for (const component of missing) stderr.write(`${notBuiltMessage(component)}\n`);
    return 2;
  }
  if (built.length === 0) {
    stdout.write('Nothing to start: no component of the stack is built yet.\n');
    stdout.write('Planned (each starts with `up` once its entry exists):\n');
    const width = Math.max(...missing.map((c) => c.name.length));
    for (const c of missing) {
      stdout.write(
        `${`  ${c.name.padEnd(width)}  ${[c.entry, ...(c.args ?? [])].join(' ')}  ${address(c)}`.trimEnd()}\n`,
      );
    }
    return 0;
  }

  return supervise(built, missing, {
    ...DEFAULT_TIMING,
    ...definedOnly(options),
    root,
    stdout,
    stderr,
    color: options.color !== false,
    host: options.host,
  });
}

interface SuperviseOptions extends Timing {
  root: string;
  stdout: Writable;
  stderr: Writable;
  /** Colour allowed (no --no-color): still only on a stream that is a colour TTY. */
  color: boolean;
  host?: string;
}

interface Running {
  component: Component;
  labels: { stdout: string; stderr: string };
  child: ChildProcess;
  startedAt: number;
  ready: boolean;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  closed: Promise<void>;
}

/**
 * Runs each component as a child process of this Node (`process.execPath`), each in its own process
 * group so a terminal's Ctrl-C reaches the supervisor alone and every component gets exactly one
 * signal, forwarded from here. Any child ending on its own ends the whole stack: no half-stack.
 * Each child holds an IPC channel to this process and stops when it closes (run-entry.ts), so
 * killing the supervisor, even with SIGKILL, leaves no component holding its ports.
 */
function supervise(
  components: readonly Component[],
  missing: readonly Component[],
  options: SuperviseOptions,
): Promise<number> {
  const { root, stdout, stderr, color, host } = options;
  const width = Math.max(SELF.length, ...components.map((c) => c.name.length));
  const colourOut = color && isColourTty(stdout);
  const colourErr = color && isColourTty(stderr);
  const paint = (text: string, style: Parameters<typeof styleText>[0], on: boolean) =>
    on ? styleText(style, text, { validateStream: false }) : text;
  const selfLabel = paint(SELF.padEnd(width), 'bold', colourOut);
  const say = (line: string) => stdout.write(`${selfLabel} | ${line}\n`);

  return new Promise((resolve) => {
    let state: 'starting' | 'running' | 'stopping' = 'starting';
    let outcome = 0;
    let failure: string | undefined;
    let forwarded: NodeJS.Signals = 'SIGTERM';
    let firstSignalAt = 0;
    const timers: NodeJS.Timeout[] = [];

    if (missing.length) say(`not built yet: ${missing.map((c) => `${c.name} (${c.entry})`).join(', ')}`);
    const env = componentEnv(process.env);
    const keys = apiKeysFor(components, process.env);
    const running = components.map((component, index) => {
      const args = [
        ...(component.args ?? []),
        ...(host && component.hostOption ? [component.hostOption, host] : []),
      ];
      const runner = [RUNNER, '--stop-timeout-ms', String(options.stopTimeoutMs)];
      const key = keys.get(component.name);
      const child = spawn(process.execPath, [...runner, entryPath(component, root), ...args], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        detached: true,
        env: component.readsApiKeys
          ? { ...env, ...Object.fromEntries([...keys.values()].map((k) => [k.variable, k.value])) }
          : key
            ? { ...env, [key.variable]: key.value }
            : env,
      });
      say(`starting ${component.name} (pid ${child.pid ?? '?'}): ${[component.entry, ...args].join(' ')}`);
      const entry: Running = {
        component,
        labels: {
          stdout: paint(component.name.padEnd(width), ['bold', COLOURS[index % COLOURS.length]], colourOut),
          stderr: paint(component.name.padEnd(width), ['bold', COLOURS[index % COLOURS.length]], colourErr),
        },
        child,
        startedAt: Date.now(),
        ready: false,
        closed: new Promise((done) => child.once('close', () => done())),
      };
      prefixLines(child.stdout!, stdout, entry.labels.stdout);
      prefixLines(child.stderr!, stderr, entry.labels.stderr);
      child.on('message', (message: { type?: string }) => {
        if (message?.type !== 'ready') return;
        entry.ready = true;
        onReady();
      });
      child.once('error', (error) => onExit(entry, null, null, error));
      child.once('exit', (code, signal) => onExit(entry, code, signal));
      return entry;
    });

    const alive = () => running.filter((r) => !r.exit);

    const onReady = () => {
      if (state !== 'starting' || !running.every((r) => r.ready)) return;
      state = 'running';
      say(`${running.length} component${running.length === 1 ? ' is' : 's are'} up:`);
      for (const { component: c } of running) {
        const key = keys.get(c.name);
        say(`  ${c.name.padEnd(width)}  ${address(c)}${key ? `  ${describeKey(key)}` : ''}`.trimEnd());
      }
      say('Ctrl-C stops everything.');
    };

    const onExit = (entry: Running, code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (entry.exit) return;
      entry.exit = { code, signal };
      const name = entry.component.name;
      const how = error ? `could not start (${error.message})` : describeExit(code, signal);
      if (state !== 'stopping') {
        const duringStartup = !entry.ready || Date.now() - entry.startedAt < options.startupMs;
        failure = `${name} ${how}${duringStartup ? ' during start-up' : ''}`;
        outcome = 1;
        say(alive().length ? `${failure}; stopping the others` : failure);
        stop('SIGTERM');
      } else if (!(code === 0 || signal === forwarded)) {
        say(`${name} ${how} while stopping`);
        outcome ||= 1;
      }
      if (alive().length === 0) void finish();
    };

    const stop = (signal: NodeJS.Signals) => {
      state = 'stopping';
      forwarded = signal;
      for (const r of alive()) signalGroup(r.child, signal);
      timers.push(
        setTimeout(() => {
          const stuck = alive();
          if (stuck.length === 0) return;
          say(
            `${stuck.map((r) => r.component.name).join(', ')} did not stop within ${options.stopTimeoutMs} ms; killing`,
          );
          outcome ||= 1;
          for (const r of stuck) signalGroup(r.child, 'SIGKILL');
        }, options.stopTimeoutMs),
      );
    };

    const onSignal = (signal: NodeJS.Signals) => {
      const now = Date.now();
      if (state !== 'stopping') {
        firstSignalAt = now;
        say(`${signal} received: stopping every component`);
        stop(signal === 'SIGHUP' ? 'SIGTERM' : signal);
        return;
      }
      if (now - firstSignalAt < options.repeatSignalMs) return;
      say(`${signal} again: killing every component`);
      outcome ||= 130;
      for (const r of alive()) signalGroup(r.child, 'SIGKILL');
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, onSignal);

    timers.push(
      setTimeout(() => {
        const waiting = running.filter((r) => !r.ready && !r.exit);
        if (state === 'starting' && waiting.length) {
          say(`still waiting for ${waiting.map((r) => r.component.name).join(', ')} to report ready`);
        }
      }, options.startupMs),
    );

    const finish = async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const signal of signals) process.off(signal, onSignal);
      // Let the children's last lines through before the verdict; a grandchild holding a pipe open
      // must not keep us waiting.
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(running.map((r) => r.closed)),
        new Promise((done) => {
          grace = setTimeout(done, 1000);
        }),
      ]);
      clearTimeout(grace);
      say(
        failure
          ? `up failed: ${failure}`
          : outcome === 0
            ? 'every component stopped'
            : 'stopped, not cleanly',
      );
      resolve(outcome);
    };
  });
}

function prefixLines(from: Readable, to: Writable, label: string): void {
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
    to.write(`${label} | ${line}\n`),
  );
}

/** Signals the child's whole process group, as a terminal would have, falling back to the child alone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    child.kill(signal);
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return code === null ? `was killed by ${signal}` : `exited with code ${code}`;
}

function isColourTty(stream: Writable): boolean {
  const tty = stream as Partial<NodeJS.WriteStream>;
  return tty.isTTY === true && (tty.hasColors?.() ?? false);
}

function definedOnly(options: Partial<Timing>): Partial<Timing> {
  const timing: Partial<Timing> = {};
  for (const key of ['startupMs', 'stopTimeoutMs', 'repeatSignalMs'] as const) {
    if (options[key] !== undefined) timing[key] = options[key];
  }
  return timing;
}
