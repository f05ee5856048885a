/** Shared test plumbing: a recording engine on a manual clock, message formatting, bounded waits. */
import { setImmediate as tick } from 'node:timers/promises';
import { ManualClock } from '../src/clock.ts';
import type { Document, DocumentName } from '../src/documents.ts';
import { RunEngine, type RunEngineOptions } from '../src/engine/run-engine.ts';
import type { Msg } from '../src/msg.ts';
import { setPlanClock } from '../src/plans/stubs.ts';
import { nameOf } from '../src/protocols.ts';
import { hw } from '../src/sim/hw.ts';

export function counterUids(prefix = 'uid'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/** An engine on a manual clock with deterministic uids, recording every message and document. */
export function recordingEngine(options: RunEngineOptions & { motorDelay?: number } = {}) {
  const clock = new ManualClock();
  setPlanClock(clock);
  const messages: Msg[] = [];
  const docs: [DocumentName, Document][] = [];
  const RE = new RunEngine({ clock, uid: counterUids(), msgHook: (m) => messages.push(m), ...options });
  RE.subscribe((name, doc) => {
    docs.push([name, doc]);
  });
  const devices = hw({ clock, motorDelay: options.motorDelay ?? 0 });
  return { RE, clock, messages, docs, devices };
}

/**
 * One line per message, as written in the tests' hand-checked expectations: command, object name,
 * arguments and keyword arguments, with generated group names shown as G.
 */
export function formatMsg(m: Msg): string {
  const kwargs = Object.entries(m.kwargs)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .filter(([k]) => !['plan_args', 'plan_pattern_args'].includes(k))
    .map(([k, v]) => `${k}=${k === 'group' && typeof v === 'string' ? 'G' : JSON.stringify(v)}`);
  // Devices by name; plain values (a prepare's parameters) as JSON.
  const named = (a: unknown) =>
    typeof a === 'object' && a !== null && typeof (a as { name?: unknown }).name === 'string';
  const args = m.args.map((a) => (named(a) ? nameOf(a) : JSON.stringify(a)));
  return [m.command, m.obj === null ? 'None' : nameOf(m.obj), `[${args.join(', ')}]`, ...kwargs].join(' ');
}

/** Yields to the event loop until `condition` holds, failing after `turns` tries rather than hanging. */
export async function until(condition: () => boolean, what = 'condition', turns = 10_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (condition()) return;
    await tick();
  }
  throw new Error(`${what} did not happen within ${turns} event-loop turns`);
}

export const names = (docs: [DocumentName, Document][]) => docs.map(([n]) => n);
