/**
 * ophyd.sim's small composite detectors: ABDetector (`ab_det`), DetWithConf (`det_with_conf`),
 * DetWithCountTime (`det_with_count_time`) and DirectImage (`direct_img`, `direct_img_list`, which
 * put whole images in events), built from SimDevice with ophyd's component names and kinds.
 */
import type { Clock } from '../clock.ts';
import { SimDevice } from './device.ts';
import type { Random } from './random.ts';
import { SimSignal } from './signal.ts';
import { SynSignal } from './synsignal.ts';

/** Two random readings, `a` hinted; named `det` as in ophyd.sim. */
export function abDetector(name: string, clock: Clock, random: Random): SimDevice {
  return new SimDevice(name, {
    classname: 'ABDetector',
    components: {
      a: new SynSignal(`${name}_a`, { func: random, kind: 'hinted', clock }),
      b: new SynSignal(`${name}_b`, { func: random, clock }),
    },
    read: ['a', 'b'],
    trigger: ['a', 'b'],
  });
}

/** Readings a = 1, b = 2 (both hinted) and configuration c = 3, d = 4. */
export function detWithConf(name: string, clock: Clock): SimDevice {
  const syn = (attr: string, value: number, hinted = false) =>
    new SynSignal(`${name}_${attr}`, {
      func: () => value,
      clock,
      ...(hinted ? { kind: 'hinted' as const } : {}),
    });
  return new SimDevice(name, {
    classname: 'DetWithConf',
    components: { a: syn('a', 1, true), b: syn('b', 2, true), c: syn('c', 3), d: syn('d', 4) },
    read: ['a', 'b'],
    config: ['c', 'd'],
    trigger: ['a', 'b'],
  });
}

/** An intensity (always 0, hinted) and a count time (a plain float signal); nothing is triggered. */
export function detWithCountTime(name: string, clock: Clock): SimDevice {
  return new SimDevice(name, {
    classname: 'DetWithCountTime',
    components: {
      intensity: new SynSignal(`${name}_intensity`, { func: () => 0, kind: 'hinted', clock }),
      count_time: new SimSignal(`${name}_count_time`, { value: 0, dtype: 'number', kind: 'normal', clock }),
    },
    read: ['intensity', 'count_time'],
  });
}

/**
 * A detector whose single hinted component `img` (named `field`) holds a whole image; as in
 * ophyd, the image function is set after construction, so the value is 0 until the first trigger.
 * `numpy`: the image is a numpy array (described with its shape), else a nested list ([len]).
 */
export function directImage(
  name: string,
  field: string,
  image: () => unknown,
  clock: Clock,
  numpy: boolean,
): SimDevice {
  const img = new SynSignal(field, { kind: 'hinted', clock, numpy });
  img.sim_set_func(image);
  return new SimDevice(name, {
    classname: 'DirectImage',
    components: { img },
    read: ['img'],
    trigger: ['img'],
  });
}
