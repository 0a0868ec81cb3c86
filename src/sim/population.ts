import type { Rng } from './rng.ts';

/**
 * Who is in the simulated market, and what they ask for. Every distribution is here, with its reason; the
 * README's simulation section repeats them.
 */

export interface SimProver {
  idx: number;
  id: string;
  /** Median wall time of one proof on this machine, ms (each proof varies around it by ±20%, log-normal). */
  medianProofMs: number;
  /** What one proof really costs this prover (power, hardware amortised), base units: the efficiency yardstick. */
  cost: bigint;
  /** Probability a proof is delivered and verifies; a failure is a wrong proof or silence, half and half. */
  reliability: number;
  capacity: number;
  /** `weighted` (pay-as-bid) bidders shade above cost by this fraction; sealed bidders bid their cost. */
  markup: number;
  /** Median delay from seeing an auction to acting on it, ms. */
  reactionMs: number;
  active: number;
  stars: number | null;
  starsAt: number;
  stale: boolean;
}

/** Base units per "price unit": prices are around 1,000,000 units (think 0.001 of a token of 10^9 units). */
export const PRICE_UNIT = 1_000_000;

const pick = <T>(rng: Rng, table: ReadonlyArray<readonly [number, T]>): T => {
  let u = rng.next();
  for (const [p, v] of table) if ((u -= p) < 0) return v;
  return table[table.length - 1]![1];
};

/** Reliability classes: most provers are solid, a few are flaky (bad hardware, preemptible machines). */
const RELIABILITY: ReadonlyArray<readonly [number, number]> = [[0.8, 0.998], [0.15, 0.98], [0.05, 0.85]];
/** Concurrent proofs: mostly single machines, a few farms. Mean 2.6 slots. */
const CAPACITY: ReadonlyArray<readonly [number, number]> = [[0.4, 1], [0.3, 2], [0.2, 4], [0.1, 8]];

export function makeProvers(n: number, rng: Rng): SimProver[] {
  const out: SimProver[] = [];
  for (let i = 0; i < n; i++) {
    const capacity = pick(rng, CAPACITY);
    out.push({
      idx: i,
      id: `p${i}`,
      // GPUs in tens of seconds, CPUs in a quarter of an hour: median 3 min, log-sd 0.7
      medianProofMs: Math.round(rng.lognormal(180_000, 0.7)),
      // median 1.0 price unit, log-sd 0.45 (a 2.5× spread between the 10th and 90th percentile)
      cost: BigInt(Math.round(rng.lognormal(PRICE_UNIT, 0.45))),
      reliability: pick(rng, RELIABILITY),
      capacity,
      markup: rng.uniform(0.05, 0.6),
      reactionMs: rng.lognormal(300, 0.5),
      active: 0,
      stars: null,
      starsAt: -Infinity,
      stale: false,
    });
  }
  return out;
}

/** What a prover stakes: enough for 0.5 to 2.5 times its capacity of typical locks (some cannot fill every slot). */
export function stakeFor(p: SimProver, rng: Rng): bigint {
  return BigInt(Math.round(p.capacity * 2 * PRICE_UNIT * rng.uniform(0.5, 2.5)));
}

/** How one request is generated. */
export interface RequestDraw {
  maxPrice: bigint;
  minReputation: number;
  /** Stake the winner must lock; 0 for none. */
  minStake: bigint;
  deadlineMs: number;
}

const MIN_REPUTATION: ReadonlyArray<readonly [number, number]> = [[0.6, 0], [0.25, 2], [0.15, 3.5]];

export function drawRequest(rng: Rng): RequestDraw {
  // the requester's valuation: median 1.8 price units, log-sd 0.35 — a few pay less than most provers' cost
  const maxPrice = BigInt(Math.round(rng.lognormal(1.8 * PRICE_UNIT, 0.35)));
  return {
    maxPrice,
    minReputation: pick(rng, MIN_REPUTATION),
    minStake: rng.next() < 0.7 ? maxPrice : 0n,
    // median one hour, at least 15 minutes
    deadlineMs: Math.max(15 * 60_000, Math.round(rng.lognormal(3_600_000, 0.5))),
  };
}

const DAY_MS = 86_400_000;

/**
 * Arrivals in one simulated minute: a diurnal curve carrying 90% of the daily volume (peak at 15:00, trough at
 * 03:00, ±60%), plus bursts: 6 a day at random instants (Poisson), each adding a log-normal number of requests
 * (median 1.2% of a day's volume, log-sd 0.7) spread over 5 minutes. Returns arrival times (ms) in the minute.
 */
export class Workload {
  readonly #bursts: Array<{ start: number; perMinute: number; end: number }> = [];

  constructor(readonly requestsPerDay: number, readonly days: number, readonly rng: Rng) {
    const count = rng.poisson(6 * days);
    for (let i = 0; i < count; i++) {
      const start = Math.floor(rng.next() * days * DAY_MS);
      const size = rng.lognormal(0.012 * requestsPerDay, 0.7);
      this.#bursts.push({ start, perMinute: size / 5, end: start + 5 * 60_000 });
    }
  }

  get bursts(): ReadonlyArray<{ start: number; perMinute: number; end: number }> {
    return this.#bursts;
  }

  /** Expected arrivals per minute at `t` (the curve plus live bursts). */
  rateAt(t: number): number {
    const hour = (t % DAY_MS) / 3_600_000;
    let rate = ((0.9 * this.requestsPerDay) / 1440) * (1 + 0.6 * Math.sin((2 * Math.PI * (hour - 9)) / 24));
    for (const b of this.#bursts) if (t >= b.start && t < b.end) rate += b.perMinute;
    return rate;
  }

  arrivalsInMinute(minuteStart: number): number[] {
    const n = this.rng.poisson(this.rateAt(minuteStart));
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(minuteStart + Math.floor(this.rng.next() * 60_000));
    return times.sort((a, b) => a - b);
  }
}
