import type { RequestTerms, RisingSpec } from './types.ts';

/** The price schedule of one `rising` auction, in absolute time. */
export interface RisingCurve {
  min_price: bigint;
  max_price: bigint;
  ramp_start: Date;
  ramp_period_ms: number;
}

/** The curve of an auction opened at `openedAt`: the spec's offsets made absolute. */
export function risingCurve(terms: Pick<RequestTerms, 'max_price'>, spec: RisingSpec, openedAt: Date): RisingCurve {
  return {
    min_price: spec.min_price,
    max_price: terms.max_price,
    ramp_start: new Date(openedAt.getTime() + spec.ramp_start_ms),
    ramp_period_ms: spec.ramp_period_ms,
  };
}

/**
 * The price a `rising` auction offers at `now` (a pure function of time, as in Boundless's pricing):
 *
 *   now ≤ ramp_start                    → min_price
 *   ramp_start < now < ramp_start + P   → min_price + floor((max_price − min_price) × (now − ramp_start) / P)
 *   now ≥ ramp_start + P                → max_price
 *
 * in integer milliseconds and bigint base units; flooring keeps it monotone and never above max_price.
 * A zero period jumps from min to max at `ramp_start`. Requires `0 ≤ min_price ≤ max_price`.
 *
 * @example risingPrice({ min_price: 100n, max_price: 200n, ramp_start: t0, ramp_period_ms: 3000 }, t0 + 1000ms) // 133n
 */
export function risingPrice(curve: RisingCurve, now: Date): bigint {
  const elapsed = now.getTime() - curve.ramp_start.getTime();
  if (elapsed <= 0) return curve.min_price;
  if (elapsed >= curve.ramp_period_ms) return curve.max_price;
  const span = curve.max_price - curve.min_price;
  // both operands are non-negative here, so bigint division (truncation) is floor
  return curve.min_price + (span * BigInt(elapsed)) / BigInt(curve.ramp_period_ms);
}
