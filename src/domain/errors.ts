import { ERRORS, type ErrorCode, type ErrorCodeWithStatus, type ErrorStatus } from './error-codes.ts';

export { ERRORS, isErrorCode, type ErrorCode, type ErrorStatus } from './error-codes.ts';

/** What sort of failure an error is; each kind is one HTTP status. */
const KIND_STATUS = {
  invalid: 400, // the input is wrong
  unauthorized: 401,
  payment_required: 402, // not enough funds in the caller's account
  forbidden: 403, // the caller may not do this
  not_found: 404,
  conflict: 409, // the state of the market forbids it
  too_large: 413,
  too_many_requests: 429, // the caller sent too much too fast
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  internal: 500,
  unavailable: 503, // a dependency is down; retrying may help
} as const satisfies Record<string, ErrorStatus>;

export type ErrorKind = keyof typeof KIND_STATUS;

/** The catalogue's codes of a kind's status: `conflict('task_not_found', …)` is a tsc error (that code is a 404). */
export type CodeOfKind<K extends ErrorKind> = ErrorCodeWithStatus<(typeof KIND_STATUS)[K]>;

const KIND_OF_STATUS = Object.fromEntries(Object.entries(KIND_STATUS).map(([k, s]) => [s, k])) as Record<ErrorStatus, ErrorKind>;

/**
 * The one error type the market raises for anything a caller can act on.
 *
 * `code` is stable (clients and tests match on it) and is one of the catalogue's (src/domain/error-codes.ts),
 * which gives its HTTP status and a hint; `message` is for people. `kind` names the status's family, so the
 * domain never speaks HTTP.
 *
 * @example throw new MarketError('not_found', 'task_not_found', 'no task with id "t-1"')
 * @example throw fail('task_not_found', 'no task with id "t-1"')
 */
export class MarketError<K extends ErrorKind = ErrorKind> extends Error {
  readonly kind: K;
  readonly code: ErrorCode;
  constructor(kind: K, code: CodeOfKind<K>, message: string) {
    super(message);
    this.name = 'MarketError';
    this.kind = kind;
    this.code = code;
  }

  /** The HTTP status, from the catalogue. */
  get status(): ErrorStatus {
    return ERRORS[this.code].status;
  }

  /** What the caller can do about it, from the catalogue. */
  get hint(): string {
    return ERRORS[this.code].hint;
  }
}

/** An error of any catalogue code; its kind follows from the code's status. */
export function fail(code: ErrorCode, message: string): MarketError {
  return new MarketError(KIND_OF_STATUS[ERRORS[code].status], code, message);
}

// The usual kinds, each accepting only the catalogue's codes of its status.
export const invalid = (code: CodeOfKind<'invalid'>, message: string) => new MarketError('invalid', code, message);
export const notFound = (code: CodeOfKind<'not_found'>, message: string) => new MarketError('not_found', code, message);
export const conflict = (code: CodeOfKind<'conflict'>, message: string) => new MarketError('conflict', code, message);
export const forbidden = (code: CodeOfKind<'forbidden'>, message: string) => new MarketError('forbidden', code, message);
