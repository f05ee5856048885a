import { ecaMessage } from '../status.ts';

/** A Channel Access failure; `eca` is the status code when the server sent one. */
export class CaError extends Error {
  override name = 'CaError';
  readonly eca?: number;
  constructor(message: string, eca?: number) {
    super(eca === undefined ? message : `${message}: ${ecaMessage(eca)} (ECA ${eca})`);
    this.eca = eca;
  }
}

export class CaTimeoutError extends CaError {
  override name = 'CaTimeoutError';
}
