import { invalid } from '../errors.ts';
import { auctionDuration, type AuctionExplanation } from './auction.ts';
import type { RequestTerms } from './types.ts';

/**
 * How a request relaxes its terms when an auction ends without a winner. Each round raises `max_price` by
 * `max_price_step` up to `max_price_ceiling` and lowers `min_reputation` by `min_reputation_step` down to
 * `min_reputation_floor`, both at once; a step of 0 leaves that term alone. The requester must have
 * escrowed the ceiling (or top up) for the raised rounds to be payable.
 */
export interface ReauctionPolicy {
  max_price_step: bigint;
  max_price_ceiling: bigint;
  min_reputation_step: number;
  min_reputation_floor: number;
}

export type NextRound =
  | {
      action: 'reauction';
      /** The same request with relaxed terms; the mechanism and its windows are unchanged. */
      terms: RequestTerms;
      changes: {
        max_price: { from: bigint; to: bigint } | null;
        min_reputation: { from: number; to: number } | null;
      };
    }
  | {
      action: 'expire';
      /**
       * `deadline_passed`: now ≥ deadline. `no_time_for_round`: another round (`auctionDuration`) would end
       * after the deadline. `nothing_to_relax`: both terms are at their limits, so another round would
       * see the same market.
       */
      reason: 'deadline_passed' | 'no_time_for_round' | 'nothing_to_relax';
    };

/**
 * What to do after an auction closed with no winner: the next round's terms, or expire (refund).
 * Throws `MarketError` `auction_has_winner` if the explanation has a winner, `invalid_reauction_policy` for
 * negative steps.
 *
 * @example
 *   nextRound({ terms, policy: { max_price_step: 10n, max_price_ceiling: 120n, min_reputation_step: 0,
 *     min_reputation_floor: 0 }, closed, now, deadline })
 *   // max_price 100n → { action: 'reauction', terms: { ...terms, max_price: 110n }, ... }
 *   // max_price 120n → { action: 'expire', reason: 'nothing_to_relax' }
 */
export function nextRound(p: {
  terms: RequestTerms;
  policy: ReauctionPolicy;
  closed: AuctionExplanation;
  now: Date;
  deadline: Date;
}): NextRound {
  const { terms, policy, now, deadline } = p;
  if (p.closed.outcome.kind === 'won') throw invalid('auction_has_winner', `the auction for ${terms.request_id} has a winner; nothing to re-auction`);
  if (policy.max_price_step < 0n || !(policy.min_reputation_step >= 0)) {
    throw invalid('invalid_reauction_policy', 'max_price_step and min_reputation_step must not be negative');
  }
  if (now.getTime() >= deadline.getTime()) return { action: 'expire', reason: 'deadline_passed' };

  // never lower the price nor raise the bar, even if the terms start beyond the policy's limits
  const raised = terms.max_price + policy.max_price_step;
  const maxPrice = terms.max_price >= policy.max_price_ceiling ? terms.max_price : raised < policy.max_price_ceiling ? raised : policy.max_price_ceiling;
  const lowered = terms.min_reputation - policy.min_reputation_step;
  const minRep = terms.min_reputation <= policy.min_reputation_floor ? terms.min_reputation : Math.max(lowered, policy.min_reputation_floor);
  if (maxPrice === terms.max_price && minRep === terms.min_reputation) return { action: 'expire', reason: 'nothing_to_relax' };

  if (now.getTime() + auctionDuration(terms.auction) > deadline.getTime()) return { action: 'expire', reason: 'no_time_for_round' };
  return {
    action: 'reauction',
    terms: { ...terms, max_price: maxPrice, min_reputation: minRep },
    changes: {
      max_price: maxPrice === terms.max_price ? null : { from: terms.max_price, to: maxPrice },
      min_reputation: minRep === terms.min_reputation ? null : { from: terms.min_reputation, to: minRep },
    },
  };
}
