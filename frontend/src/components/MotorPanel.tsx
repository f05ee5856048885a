import { useEffect, useState } from 'react';
import { sharedSocket } from '../socket.ts';
import { numericRefusal } from './controlLimits.ts';
import {
  applyDeviceFrame,
  doneMoving,
  EMPTY_MOTOR,
  isMoving,
  type MotorState,
  moveProgress,
  readbackSignal,
  travelLimits,
} from './motorState.ts';
import type { WriteAccess } from './useWriteAccess.ts';

/** The device socket's URL on the direct-control service. */
export function deviceSocketUrl(directControlUrl: string): string {
  return `${directControlUrl.replace(/^http/, 'ws')}/api/v1/device-socket`;
}

function shownNumber(value: unknown, precision: number | null | undefined): string {
  if (typeof value !== 'number') return '';
  return precision === null || precision === undefined ? String(value) : value.toFixed(precision);
}

/** Absolute and relative moves, live readback, DMOV/progress and stop for one registry positioner. */
export function MotorPanel(props: { device: string; directControlUrl: string; access: WriteAccess }) {
  const { device, directControlUrl, access } = props;
  const socket = sharedSocket(deviceSocketUrl(directControlUrl));
  const [state, setState] = useState<MotorState>(EMPTY_MOTOR);
  const [target, setTarget] = useState('');
  const [step, setStep] = useState('1');
  const [move, setMove] = useState<{ start: number; target: number } | undefined>(undefined);
  const [pageRefusal, setPageRefusal] = useState<string | undefined>(undefined);

  useEffect(() => {
    setState(EMPTY_MOTOR);
    const stopListening = socket.onMessage((frame) => {
      if (frame.device === device) setState((old) => applyDeviceFrame(old, frame));
    });
    socket.keep(`device:${device}`, { action: 'subscribe', device });
    return () => {
      stopListening();
      socket.forget(`device:${device}`);
      socket.send({ action: 'unsubscribe', device });
    };
  }, [socket, device]);

  const readback = state.signals[readbackSignal(state)];
  const position = typeof readback?.value === 'number' ? readback.value : undefined;
  const limits = travelLimits(state);
  const dmov = doneMoving(state);
  const moving = isMoving(state);
  const blocked =
    access.allowed === false
      ? access.reason
      : readback?.connected === false
        ? 'disconnected'
        : !state.subscribed
          ? 'waiting for the device'
          : undefined;

  function moveTo(value: number): void {
    const refusal = numericRefusal(String(value), limits);
    setPageRefusal(refusal);
    if (refusal) return;
    setMove({ start: position ?? value, target: value });
    setState((old) => ({ ...old, pendingSets: old.pendingSets + 1, error: undefined, done: undefined }));
    socket.send({ action: 'set', device, value });
  }

  function relative(sign: 1 | -1): void {
    const refusal = numericRefusal(step, undefined);
    if (refusal || position === undefined) setPageRefusal(refusal ?? 'no readback yet');
    else moveTo(position + sign * Number(step));
  }

  function stop(): void {
    setState((old) => ({ ...old, error: undefined }));
    if ('motor_stop' in state.signals) socket.send({ action: 'stop', device });
    // A plain signal positioner has no STOP: a new target replaces the running move on the IOC, so
    // retarget it to where the page last saw it. The IOC may have taken one more step meanwhile and
    // then steps back to it: the panel stays "moving" until that put completes, so the position it
    // then shows is where the motor really stopped.
    else if (position !== undefined) {
      setState((old) => ({ ...old, pendingSets: old.pendingSets + 1 }));
      socket.send({ action: 'set', device, value: position });
    }
  }

  const disabled = blocked !== undefined || access.allowed === undefined;
  const message = pageRefusal ?? (state.error ? `Refused: ${state.error}` : state.done);
  return (
    <section
      aria-label={`Motor ${device}`}
      style={{ border: '1px solid #ccc', padding: '0.5em', margin: '0.5em 0' }}
    >
      <h2 style={{ fontSize: '1.1em', margin: 0 }}>Motor {device}</h2>
      <p>
        Readback:{' '}
        <output aria-label={`Readback of ${device}`}>{shownNumber(position, readback?.precision)}</output>{' '}
        {readback?.units ?? ''} · Limits:{' '}
        <output aria-label={`Limits of ${device}`}>{limits ? `${limits[0]} … ${limits[1]}` : 'none'}</output>{' '}
        ·{' '}
        <output aria-label={`Motion of ${device}`} data-moving={moving}>
          {moving ? 'moving' : 'idle'}
          {dmov === undefined ? '' : ` (DMOV ${dmov})`}
        </output>{' '}
        <progress
          aria-label={`Progress of ${device}`}
          max={1}
          value={move && position !== undefined ? moveProgress(move.start, move.target, position) : 0}
        />
      </p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const refusal = numericRefusal(target, limits);
          if (refusal) setPageRefusal(refusal);
          else moveTo(Number(target));
        }}
      >
        <label>
          Target position{' '}
          <input value={target} onChange={(e) => setTarget(e.target.value)} disabled={disabled} />
        </label>{' '}
        <button type="submit" disabled={disabled}>
          Move
        </button>{' '}
        <label>
          Step{' '}
          <input
            value={step}
            onChange={(e) => setStep(e.target.value)}
            disabled={disabled}
            style={{ width: '5em' }}
          />
        </label>{' '}
        <button
          type="button"
          aria-label="Tweak down by step"
          disabled={disabled}
          onClick={() => relative(-1)}
        >
          −
        </button>{' '}
        <button type="button" aria-label="Tweak up by step" disabled={disabled} onClick={() => relative(1)}>
          +
        </button>{' '}
        <button type="button" disabled={blocked !== undefined} onClick={stop}>
          Stop
        </button>
      </form>
      <output
        aria-label={`Motor result for ${device}`}
        style={{ color: pageRefusal || state.error ? '#a00' : 'inherit' }}
      >
        {blocked ?? message ?? ''}
      </output>
    </section>
  );
}
