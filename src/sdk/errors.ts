import { ERRORS, isErrorCode, type ErrorCode } from '../api/errors.ts';
import type { HttpResponse } from './http.ts';

export type { ErrorCode } from '../api/errors.ts';

/**
 * The coordinator answered with an error: `code` is its stable error code (one of the catalogue's, see
 * src/api/errors.ts, or one this SDK does not know yet: a newer coordinator's, or `http_<status>` when the
 * answer was not the coordinator's JSON), `status` the HTTP status, `hint` what to do about it.
 *
 * Subclasses name the family, so a caller can catch what it handles:
 *
 * | class | status |
 * | --- | --- |
 * | ValidationError | 400, 413, 415 |
 * | AuthError | 401, 403 |
 * | PaymentError | 402 |
 * | NotFoundError | 404 |
 * | ConflictError | 409 |
 * | UnavailableError | 502, 503, 504 |
 *
 * @example
 * try { await pm.withdraw('1000') } catch (err) { if (err instanceof PaymentError) console.log(err.hint) }
 */
export class ProofMarketError extends Error {
  /** What the caller can do, from the catalogue; undefined for a code it does not list. */
  readonly hint: string | undefined;
  constructor(
    readonly status: number,
    readonly code: ErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
    this.name = 'ProofMarketError';
    this.hint = isErrorCode(code) ? ERRORS[code].hint : undefined;
  }
}

/** The input is wrong (400), or its body too large (413) or not JSON (415). */
export class ValidationError extends ProofMarketError {
  override readonly name = 'ValidationError';
}
/** The call is not validly signed (401), or the signer may not do this (403). */
export class AuthError extends ProofMarketError {
  override readonly name = 'AuthError';
}
/** Not enough money in the account (402). */
export class PaymentError extends ProofMarketError {
  override readonly name = 'PaymentError';
}
/** No such thing (404). */
export class NotFoundError extends ProofMarketError {
  override readonly name = 'NotFoundError';
}
/** The state of the market forbids it now (409): a lost race, a closed phase, a duplicate. */
export class ConflictError extends ProofMarketError {
  override readonly name = 'ConflictError';
}
/** The coordinator, or something it needs, is down (502, 503, 504): retrying later may help. */
export class UnavailableError extends ProofMarketError {
  override readonly name = 'UnavailableError';
}

const FAMILY: Record<number, new (status: number, code: string, message: string) => ProofMarketError> = {
  400: ValidationError,
  401: AuthError,
  402: PaymentError,
  403: AuthError,
  404: NotFoundError,
  409: ConflictError,
  413: ValidationError,
  415: ValidationError,
  502: UnavailableError,
  503: UnavailableError,
  504: UnavailableError,
};

/** The error of a code and status, as the family's class (the base class for another status, e.g. 500). */
export function errorOf(status: number, code: string, message: string): ProofMarketError {
  const Family = FAMILY[status] ?? ProofMarketError;
  return new Family(status, code, message);
}

/** The error an HTTP error response stands for: the coordinator's `{"error": {code, message}}`, or `http_<status>`. */
export async function errorFromResponse(res: Pick<HttpResponse, 'status' | 'statusText' | 'text'>): Promise<ProofMarketError> {
  const text = await res.text();
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    if (typeof error.code === 'string' && typeof error.message === 'string') return errorOf(res.status, error.code, error.message);
  } catch {
    // not the coordinator's JSON: a proxy's page, or an empty body
  }
  return errorOf(res.status, `http_${res.status}`, text.slice(0, 200) || res.statusText || `HTTP ${res.status}`);
}

/** The coordinator could not be reached (refused, reset, timed out). Retrying later may help. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach the coordinator at ${url}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ConnectionError';
  }
}
