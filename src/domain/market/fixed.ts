import { compareArrival, type Candidate, type RequestTerms } from './types.ts';

/**
 * `fixed` — the pull model. The request is offered at one price, its `max_price`, and the first eligible
 * prover to take it wins; there is nothing to compare, so the auction is decided by the take itself.
 * A take's fee is the least the prover will accept: it must be ≤ max_price, and the prover is paid
 * max_price regardless (no refund to the requester).
 */
export function fixedPrice(terms: Pick<RequestTerms, 'max_price'>): bigint {
  return terms.max_price;
}

export interface FixedPick {
  winner: Candidate;
  price: bigint;
}

/**
 * The winner among eligible takes: the earliest (by time, then arrival). `null` when there are none.
 *
 * @example pickFixed([takeB_at_10s, takeA_at_5s], terms) // { winner: takeA, price: terms.max_price }
 */
export function pickFixed(candidates: readonly Candidate[], terms: Pick<RequestTerms, 'max_price'>): FixedPick | null {
  let first: Candidate | null = null;
  for (const c of candidates) if (first === null || compareArrival(c, first) < 0) first = c;
  return first === null ? null : { winner: first, price: fixedPrice(terms) };
}
