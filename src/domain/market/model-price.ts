// Price hints per zkML model (issue #16 §2): the order book's suggested price, extended from "what this backend's
// requests cleared at" to "what this model's proving time costs at the backend's going rate per millisecond".
import { percentile } from './orderbook.ts';

/** One settled request of the backend: what it paid, how long the prover held it, its circuit's size. */
export interface ProveSample {
  price: bigint;
  ms: number;
  /** The circuit's rows are 2^logrows (null when the program is not a registered model). */
  logrows: number | null;
}

export interface ModelProveTime {
  /** Milliseconds from assignment to a verified proof, the median. */
  ms: number;
  /** `measured`: this model's own settled requests; `estimated`: the backend's time per circuit row × this model's rows. */
  source: 'measured' | 'estimated';
  count: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/**
 * A model's prove time: the median of its own measured times; without any, the median time per circuit row of
 * the backend's other models times this model's 2^logrows rows (proving cost grows with the rows); else null.
 */
export function modelProveTime(ownMs: readonly number[], backend: readonly ProveSample[], logrows: number): ModelProveTime | null {
  if (ownMs.length > 0) return { ms: median([...ownMs]), source: 'measured', count: ownMs.length };
  const perRow = backend.filter((s) => s.logrows !== null).map((s) => s.ms / 2 ** s.logrows!);
  if (perRow.length === 0) return null;
  return { ms: median(perRow) * 2 ** logrows, source: 'estimated', count: perRow.length };
}

/** Rates are kept in millionths of a base unit per millisecond, so that cheap fast proofs do not round to zero. */
const RATE_SCALE = 1_000_000n;

/**
 * What to offer for a proof of this model: the backend's recent prices per millisecond of proving (each settled
 * request's price / its prove time), at the 50th and 90th percentiles, times the model's prove time, rounded up
 * to a whole base unit. Null without history or prove time.
 *
 * @example modelPriceHint([{ price: 100n, ms: 1000, logrows: 12 }], 2000) // { p50: 200n, p90: 200n, count: 1 }
 */
export function modelPriceHint(backend: readonly ProveSample[], proveMs: number | null): { p50: bigint; p90: bigint; count: number } | null {
  if (proveMs === null || backend.length === 0) return null;
  const rates = backend.map((s) => (s.price * RATE_SCALE) / BigInt(Math.max(1, Math.ceil(s.ms))));
  const ms = BigInt(Math.max(1, Math.round(proveMs)));
  const at = (p: number) => (percentile(rates, p)! * ms + RATE_SCALE - 1n) / RATE_SCALE;
  return { p50: at(50), p90: at(90), count: backend.length };
}
