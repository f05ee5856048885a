/**
 * `thermo:`: a temperature `I` that oscillates and settles at the setpoint,
 * I = Tvar·exp(−(t − T0)/K)·sin(omega·t) + SP, recomputed every 0.1 s; writing SP restarts it (spec §1.3).
 */
import { pv } from '@ophyd-service/epics-ca';
import { type Ioc, type IocContext, type IocDefinition, Loops } from '../ioc.ts';

function create({ prefix, clock }: IocContext): Ioc {
  const loops = new Loops();
  let t0 = clock.now();
  const reading = pv.double(`${prefix}I`, 0, { writable: false, description: 'Temperature' });
  const setpoint = pv.double(`${prefix}SP`, 100, {
    description: 'Setpoint',
    onPut: (values, self) => {
      t0 = clock.now();
      self.post(values);
    },
  });
  const k = pv.double(`${prefix}K`, 10, { units: 's', description: 'Decay constant' });
  const omega = pv.double(`${prefix}omega`, Math.PI, { units: 'rad/s' });
  const tvar = pv.double(`${prefix}Tvar`, 10, { description: 'Amplitude' });
  const tick = () => {
    const t = clock.now();
    const value =
      Number(tvar.value) * Math.exp(-(t - t0) / Number(k.value)) * Math.sin(Number(omega.value) * t) +
      Number(setpoint.value);
    reading.post(value);
  };
  return {
    pvs: [reading, setpoint, k, omega, tvar],
    records: { [reading.name]: { rtyp: 'ai', desc: 'Temperature' } },
    start: () => loops.add(clock.every(0.1, tick)),
    stop: () => loops.stopAll(),
  };
}

export const thermo: IocDefinition = {
  description: 'a thermometer settling at its setpoint with a decaying oscillation',
  defaultPrefix: 'thermo:',
  create,
};
