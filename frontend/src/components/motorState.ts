/**
 * A positioner as the device socket shows it: an EpicsMotor (user_readback, motor_done_move,
 * high/low_limit_travel, motor_stop) or a plain signal whose put completes at the end of the move
 * (the mini beamline's motor_ph: one `readback` component).
 */
export interface SignalState {
  value?: unknown;
  connected?: boolean;
  precision?: number | null;
  units?: string | null;
  lower_ctrl_limit?: number | null;
  upper_ctrl_limit?: number | null;
}

export interface MotorState {
  signals: Record<string, SignalState>;
  subscribed: boolean;
  /** Sets sent and not yet answered (set_complete or error). */
  pendingSets: number;
  /** The last refusal or failure the service sent for this device, verbatim. */
  error?: string;
  /** The last completion message. */
  done?: string;
}

export const EMPTY_MOTOR: MotorState = { signals: {}, subscribed: false, pendingSets: 0 };

/** The new state after one device-socket frame about this device. */
export function applyDeviceFrame(state: MotorState, frame: Record<string, unknown>): MotorState {
  const signal = typeof frame.signal === 'string' ? frame.signal : undefined;
  if ((frame.event_type === 'device_update' || frame.sub_type === 'meta') && signal) {
    const { device: _device, signal: _signal, event_type: _e, sub_type: _s, ...fields } = frame;
    return { ...state, signals: { ...state.signals, [signal]: { ...state.signals[signal], ...fields } } };
  }
  switch (frame.type) {
    case 'subscribed':
      return { ...state, subscribed: true, error: undefined };
    case 'set_complete':
      return { ...state, pendingSets: Math.max(0, state.pendingSets - 1), done: 'move finished' };
    case 'stop_complete':
      return { ...state, done: 'stopped' };
    case 'error':
      return {
        ...state,
        pendingSets: Math.max(0, state.pendingSets - 1),
        subscribed: state.subscribed && frame.reason === undefined,
        error: String(frame.error),
      };
    default:
      return state;
  }
}

/** Which component is the position readback. */
export function readbackSignal(state: MotorState): string {
  return 'user_readback' in state.signals ? 'user_readback' : 'readback';
}

/** The travel range: the motor record's HLM/LLM when set, else the set-point's control limits. */
export function travelLimits(state: MotorState): [number, number] | undefined {
  const { high_limit_travel: hlm, low_limit_travel: llm } = state.signals;
  if (typeof hlm?.value === 'number' && typeof llm?.value === 'number' && llm.value < hlm.value) {
    return [llm.value, hlm.value];
  }
  const setpoint = state.signals.user_setpoint ?? state.signals[readbackSignal(state)];
  const [low, high] = [setpoint?.lower_ctrl_limit, setpoint?.upper_ctrl_limit];
  return typeof low === 'number' && typeof high === 'number' && low < high ? [low, high] : undefined;
}

/** DMOV when the device has it (1 done, 0 moving), else undefined. */
export function doneMoving(state: MotorState): number | undefined {
  const value = state.signals.motor_done_move?.value;
  return typeof value === 'number' ? value : undefined;
}

/** Whether the motor is moving: DMOV 0, or (without DMOV) a set whose put has not completed. */
export function isMoving(state: MotorState): boolean {
  const dmov = doneMoving(state);
  return dmov === undefined ? state.pendingSets > 0 : dmov === 0 || state.pendingSets > 0;
}

/** The fraction of the way from `start` to `target` that `position` has come, within [0, 1]. */
export function moveProgress(start: number, target: number, position: number): number {
  if (start === target) return 1;
  return Math.min(1, Math.max(0, (position - start) / (target - start)));
}
