/** `random_walk:`: `x` takes a uniform step in [−1, 1) every `dt` seconds (spec §1.3). */
import { pv } from '@ophyd-service/epics-ca';
import type { Ioc, IocContext, IocDefinition } from '../ioc.ts';
import { CancelledError } from '../sim/clock.ts';

function create({ prefix, clock, random }: IocContext): Ioc {
  // dt is clamped to 10 ms … 1 h, as an ao record's DRVL/DRVH would.
  const dt = pv.double(`${prefix}dt`, 3, {
    units: 's',
    description: 'Seconds between steps',
    limits: { controlLow: 0.01, controlHigh: 3600, displayLow: 0.01, displayHigh: 3600 },
    outsideLimits: 'clamp',
  });
  const x = pv.double(`${prefix}x`, 0, { description: 'Random walk position' });
  const running = new AbortController();
  // A loop of sleeps rather than a fixed timer, so a new dt takes effect at the next step.
  const walk = async () => {
    try {
      for (;;) {
        await clock.sleep(Math.max(0.01, Number(dt.value)), running.signal);
        x.post(Number(x.value) + (2 * random.uniform() - 1));
      }
    } catch (err) {
      if (!(err instanceof CancelledError)) throw err;
    }
  };
  return { pvs: [dt, x], start: () => void walk(), stop: () => running.abort() };
}

export const randomWalk: IocDefinition = {
  description: 'a random walk: x steps by U[-1, 1) every dt seconds',
  defaultPrefix: 'random_walk:',
  create,
};
