import { effectiveStars } from './eligibility.ts';
import { compareArrival, type Candidate, type WeightedSpec } from './types.ts';

export interface Weights {
  price_weight: number;
  reputation_weight: number;
}

/** Price counts for 70%, reputation for 30%: cheap matters most, but a record can beat a small discount. */
export const DEFAULT_WEIGHTS: Readonly<Weights> = { price_weight: 0.7, reputation_weight: 0.3 };

export function weightsOf(spec: Pick<WeightedSpec, 'price_weight' | 'reputation_weight'>): Weights {
  return {
    price_weight: spec.price_weight ?? DEFAULT_WEIGHTS.price_weight,
    reputation_weight: spec.reputation_weight ?? DEFAULT_WEIGHTS.reputation_weight,
  };
}

/**
 * The `weighted` score of one bid; higher is better.
 *
 *   score = price_weight × (1 − fee / max_price) + reputation_weight × (stars / 5)
 *
 * `stars` is the prover's reputation, or `NEUTRAL_STARS` (2.5, i.e. 0.5 on this part) without history.
 * The fee ratio is a float division of the two amounts (exact below 2^53 base units, otherwise within
 * 1e-16, which only matters for bids that differ by less than that). With `max_price = 0` the only
 * eligible fee is 0 and the price part is the full `price_weight`.
 *
 * @example weightedScore(80n, 4, 100n, DEFAULT_WEIGHTS) // 0.7 × 0.2 + 0.3 × 0.8 = 0.38
 */
export function weightedScore(fee: bigint, stars: number | null, maxPrice: bigint, w: Weights): number {
  const ratio = maxPrice === 0n ? 0 : Number(fee) / Number(maxPrice);
  return w.price_weight * (1 - ratio) + w.reputation_weight * (effectiveStars(stars) / 5);
}

export interface ScoredCandidate extends Candidate {
  score: number;
}

export interface WeightedPick {
  /** Every candidate with its score, in the order given. */
  scored: ScoredCandidate[];
  /** The highest score; among equal scores, the earliest bid. `null` when there are no candidates. */
  winner: ScoredCandidate | null;
  /** Whether another candidate had exactly the winner's score (and lost on time). */
  tied: boolean;
}

/**
 * The running winner of a `weighted` auction, fed one scored bid at a time in any order: the highest
 * score; among equal scores, the earliest bid. Clearing feeds it in one pass over the bids (no sort, and
 * nothing allocated per bid).
 */
export class WeightedLeader<C extends Pick<Candidate, 'at' | 'seq'>> {
  winner: C | null = null;
  score = -Infinity;
  /** Whether another bid had exactly the winner's score (and lost on time). */
  tied = false;

  offer(c: C, score: number): void {
    const w = this.winner;
    if (w === null || score > this.score) {
      this.winner = c;
      this.score = score;
      this.tied = false;
    } else if (score === this.score) {
      this.tied = true;
      if (compareArrival(c, w) < 0) this.winner = c;
    }
  }
}

/**
 * Scores eligible bids and picks the winner. The winner is paid its own fee (pay-as-bid): scoring
 * already rewards a low fee, and a second-price rule has no meaning when the ranking is not by price.
 * Reputation comes from each candidate's `prover` profile.
 */
export function pickWeighted(candidates: readonly Candidate[], maxPrice: bigint, w: Weights): WeightedPick {
  const scored = candidates.map((c) => ({ ...c, score: weightedScore(c.fee, c.prover.reputation, maxPrice, w) }));
  const leader = new WeightedLeader<ScoredCandidate>();
  for (const c of scored) leader.offer(c, c.score);
  return { scored, winner: leader.winner, tied: leader.tied };
}
