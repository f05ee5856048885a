/** How the worker words exceptions for clients: the message (Python's `str(ex)`) and the traceback. */

/** An exception's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The JS stack of an error (the traceback clients see), or its text. */
export function tracebackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
}
