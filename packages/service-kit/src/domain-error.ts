/**
 * What a use case throws when it refuses: one kind of error, named for what went wrong in the
 * domain, never for a transport. One table turns a kind into the HTTP status a route answers; the
 * sockets send the same detail in their error frames, flagged by kind.
 */

export const DOMAIN_ERROR_STATUS = {
  /** The request cannot be understood as it stands (a missing value, a verb the target lacks). */
  bad_request: 400,
  /** No credentials, or credentials that do not check out (a wrong API key, an expired token). */
  unauthorized: 401,
  /** The caller may not do this (read-only mode, a read-only PV or component). */
  forbidden: 403,
  not_found: 404,
  /** The thing exists but is in the way: already there, disabled, unavailable. */
  conflict: 409,
  /** Over a size the service can carry (a PV value past EPICS_CA_MAX_ARRAY_BYTES). */
  too_large: 413,
  /** Well-formed but not acceptable: a value the target cannot hold, a bad name or argument. */
  invalid: 422,
  /** Held by someone else (a device locked by a plan). */
  locked: 423,
  /** What was asked failed underneath, through nobody's fault the service could name. */
  failed: 500,
  /** Not offered by this deployment (no database configured). */
  unsupported: 501,
  /** A dependency cannot be reached (the registry, the database, a lost IOC circuit). */
  unavailable: 503,
  /** A dependency did not answer in time (a PV that never connected). */
  timeout: 504,
} as const;

export type DomainErrorKind = keyof typeof DOMAIN_ERROR_STATUS;

export class DomainError extends Error {
  override name = 'DomainError';
  readonly kind: DomainErrorKind;
  /** What the client is told: a sentence, or a structured body where the contract has one. */
  readonly detail: unknown;
  constructor(kind: DomainErrorKind, detail: unknown) {
    super(typeof detail === 'string' ? detail : kind);
    this.kind = kind;
    this.detail = detail;
  }

  get status(): number {
    return DOMAIN_ERROR_STATUS[this.kind];
  }
}

/** Shorthands that read as the sentence they throw: `throw notFound(\`Device '${name}' …\`)`. */
export const invalid = (detail: unknown) => new DomainError('invalid', detail);
export const notFound = (detail: unknown) => new DomainError('not_found', detail);
export const conflict = (detail: unknown) => new DomainError('conflict', detail);
export const unavailable = (detail: unknown) => new DomainError('unavailable', detail);
