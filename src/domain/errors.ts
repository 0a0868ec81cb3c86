/**
 * The one error type the market raises for anything a caller can act on.
 *
 * `code` is stable (clients and tests match on it); `message` is for people. `kind` says what sort of
 * failure it is, and the HTTP edge maps it to a status code, so the domain never speaks HTTP.
 *
 * @example throw new MarketError('not_found', 'task_not_found', 'no task with id "t-1"')
 */
export type ErrorKind =
  | 'invalid' // 400: the input is wrong
  | 'unauthorized' // 401
  | 'payment_required' // 402: not enough funds in the caller's account
  | 'forbidden' // 403: the caller may not do this
  | 'not_found' // 404
  | 'conflict' // 409: the state of the market forbids it
  | 'too_large' // 413
  | 'unavailable'; // 503: a dependency is down; retrying may help

export class MarketError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  constructor(kind: ErrorKind, code: string, message: string) {
    super(message);
    this.name = 'MarketError';
    this.kind = kind;
    this.code = code;
  }
}

export const invalid = (code: string, message: string) => new MarketError('invalid', code, message);
export const notFound = (code: string, message: string) => new MarketError('not_found', code, message);
export const conflict = (code: string, message: string) => new MarketError('conflict', code, message);
export const forbidden = (code: string, message: string) => new MarketError('forbidden', code, message);
