/**
 * Exponential backoff with "equal jitter": the n-th retry (n = 0, 1, …) waits between half and all of
 * min(maxMs, baseMs × factor^n). The random draw is an input, so the function is pure.
 *
 *   backoffMs(0, policy, 0.5) === 0.75 × baseMs
 *
 * Half the delay is kept fixed so that a retry never fires at once, and half is random so that many nodes
 * that lost the same coordinator do not all come back in the same millisecond.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 5_000, factor: 2 };

export function backoffMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = 0.5): number {
  const n = Math.max(0, Math.floor(attempt));
  // factor^n overflows to Infinity for large n; min() with maxMs keeps it finite.
  const ceiling = Math.min(policy.maxMs, policy.baseMs * Math.pow(policy.factor, n));
  const r = Math.min(1, Math.max(0, random));
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}
