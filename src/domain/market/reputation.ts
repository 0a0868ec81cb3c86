import { invalid } from '../errors.ts';

/** One finished (or failed) proof by a prover: what reputation is made of. */
export interface ProofObservation {
  /** When the result was known; the age for decay is `now − at` (clamped at 0). */
  at: Date;
  /** The proof verified. */
  success: boolean;
  /** 0..1, e.g. `qualityScore` (0 for a failed proof); clamped into 0..1. */
  quality: number;
  /** The time the market allowed or expected, ms. */
  expected_ms: number;
  /** The time it took, ms. */
  actual_ms: number;
}

/** Seven days: a week-old proof counts half as much as one just delivered. */
export const DEFAULT_HALF_LIFE_MS = 7 * 24 * 60 * 60 * 1000;

export interface ReputationOptions {
  half_life_ms?: number;
}

export interface Reputation {
  /** Raw counts, without decay. */
  total: number;
  successful: number;
  failed: number;
  /** Σ 0.5^(age/half_life): the effective number of observations at `now`; shows how fresh the record is. */
  weight: number;
  /** Each component is a decay-weighted mean over all observations, within 0..1. */
  success_rate: number;
  average_quality: number;
  time_efficiency: number;
  /** 0.5 × success_rate + 0.3 × average_quality + 0.2 × time_efficiency, within 0..1. */
  score: number;
  /** score × 5: 0..5 stars, unrounded (round for display only). */
  stars: number;
}

/**
 * expected / actual, capped to 0..1: on time or early is 1, twice as slow is 0.5. A non-positive actual
 * time counts as on time; a non-positive or non-finite expected time as 0.
 */
export function timeEfficiency(expectedMs: number, actualMs: number): number {
  if (!(actualMs > 0)) return 1;
  return clamp01(expectedMs / actualMs);
}

/** 0.5^(age/half_life); future observations count as new. */
export function decayWeight(ageMs: number, halfLifeMs: number): number {
  return Math.pow(0.5, Math.max(0, ageMs) / halfLifeMs);
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/**
 * A prover's reputation at `now`, or `null` with no observations (no history: the market then counts it
 * as `NEUTRAL_STARS`).
 *
 *   w_i        = 0.5^(age_i / half_life)
 *   component  = Σ w_i × value_i / Σ w_i            (success 0/1, quality, time efficiency)
 *   score      = 0.5 × success_rate + 0.3 × average_quality + 0.2 × time_efficiency;  stars = 5 × score
 *
 * Because each component is a weighted mean, decay only sets how recent work outweighs old work; `now`
 * moves `weight` (and clamps future-dated observations), not the ratio between two observations. Weights
 * are computed relative to the newest observation, so a very old record cannot underflow to 0/0.
 *
 * @example reputationOf([{ at: now, success: true, quality: 1, expected_ms: 10, actual_ms: 5 }], now)!.stars // 5
 */
export function reputationOf(observations: readonly ProofObservation[], now: Date, opts: ReputationOptions = {}): Reputation | null {
  const halfLife = opts.half_life_ms ?? DEFAULT_HALF_LIFE_MS;
  if (!(Number.isFinite(halfLife) && halfLife > 0)) throw invalid('invalid_half_life', 'half_life_ms must be a positive number');
  if (observations.length === 0) return null;
  const t = now.getTime();
  const ages = observations.map((o) => Math.max(0, t - o.at.getTime()));
  const youngest = Math.min(...ages);
  let sum = 0;
  let success = 0;
  let quality = 0;
  let time = 0;
  let successful = 0;
  observations.forEach((o, i) => {
    const w = decayWeight((ages[i] ?? 0) - youngest, halfLife);
    sum += w;
    if (o.success) {
      success += w;
      successful++;
    }
    quality += w * clamp01(o.quality);
    time += w * timeEfficiency(o.expected_ms, o.actual_ms);
  });
  const success_rate = success / sum;
  const average_quality = quality / sum;
  const time_efficiency = time / sum;
  const score = 0.5 * success_rate + 0.3 * average_quality + 0.2 * time_efficiency;
  return {
    total: observations.length,
    successful,
    failed: observations.length - successful,
    weight: sum * decayWeight(youngest, halfLife),
    success_rate,
    average_quality,
    time_efficiency,
    score,
    stars: score * 5,
  };
}
