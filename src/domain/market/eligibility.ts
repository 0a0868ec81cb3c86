import type { EligibilityReason, ProverProfile, RequestTerms } from './types.ts';

/**
 * The stars a prover without history counts as: 2.5, the neutral 0.5 score × 5. A newcomer is eligible
 * wherever `min_reputation ≤ 2.5`, and in `weighted` it scores 0.5 on the reputation part. Treating it as
 * 0 would lock newcomers out of the market; as 5, would let anyone shed a bad record by re-registering.
 */
export const NEUTRAL_STARS = 2.5;

/** The stars used for eligibility and scoring: the prover's own, or `NEUTRAL_STARS` without history. */
export function effectiveStars(reputation: number | null): number {
  return reputation ?? NEUTRAL_STARS;
}

export type Eligibility = { ok: true } | { ok: false; reason: EligibilityReason };

/**
 * May this prover win this request at this price? Every mechanism asks this for every bid.
 *
 * Checks run in a fixed order and the first failure is the reason reported:
 * status → backend → privacy level → allow list → reputation → capacity → fee.
 * `price` is the fee the prover would be paid; omit it when it is not known yet (a sealed commitment),
 * and the two fee checks are skipped.
 *
 * @example checkEligibility(prover, terms, 90n) // { ok: true } or { ok: false, reason: 'capacity_full' }
 */
export function checkEligibility(prover: ProverProfile, terms: RequestTerms, price?: bigint): Eligibility {
  const no = (reason: EligibilityReason): Eligibility => ({ ok: false, reason });
  if (prover.status !== 'active') return no('prover_inactive');
  if (!prover.backends.includes(terms.backend)) return no('backend_unsupported');
  if (prover.privacy_levels.length > 0 && !prover.privacy_levels.includes(terms.privacy_level)) {
    return no('privacy_level_unsupported');
  }
  if (terms.allow_list && !terms.allow_list.includes(prover.prover_id)) return no('not_on_allow_list');
  if (effectiveStars(prover.reputation) < terms.min_reputation) return no('reputation_too_low');
  if (!(prover.active_tasks < prover.capacity)) return no('capacity_full');
  if (price !== undefined) {
    if (price < 0n) return no('invalid_fee');
    if (price > terms.max_price) return no('price_above_max');
  }
  return { ok: true };
}
