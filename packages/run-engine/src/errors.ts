/** Exceptions the engine throws into plans (bluesky's names, so plan code reads the same). */

/** Base of the control requests thrown into a plan; `exitStatus` is what its run should close with. */
export class RunEngineControlException extends Error {
  readonly exitStatus: 'success' | 'abort' = 'abort';
}

export class RequestStop extends RunEngineControlException {
  override name = 'RequestStop';
  override readonly exitStatus = 'success';
}

export class RequestAbort extends RunEngineControlException {
  override name = 'RequestAbort';
}

/** Thrown in on halt: wrappers must let it pass without yielding clean-up messages. */
export class PlanHalt extends Error {
  override name = 'PlanHalt';
}

export class IllegalMessageSequence extends Error {
  override name = 'IllegalMessageSequence';
}

export class InvalidCommand extends Error {
  override name = 'InvalidCommand';
  constructor(command: unknown) {
    super(`unknown message command ${JSON.stringify(command)}`);
  }
}

/** A set/trigger status that finished unsuccessfully, reported at the `wait` of its group. */
export class FailedStatus extends Error {
  override name = 'FailedStatus';
}

/** A pause was asked for where no checkpoint allows rewinding: the run is aborted instead. */
export class FailedPause extends Error {
  override name = 'FailedPause';
}

export class WaitForTimeoutError extends Error {
  override name = 'WaitForTimeoutError';
}

/** A request the engine's current state does not allow (bluesky's TransitionError). */
export class TransitionError extends Error {
  override name = 'TransitionError';
}

/** ramp_plan ran past its timeout before the ramp finished (bluesky's RampFail). */
export class RampFail extends Error {
  override name = 'RampFail';
}
