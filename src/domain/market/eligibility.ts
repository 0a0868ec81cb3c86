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
  const reason = ineligibility(prover, terms, price);
  return reason === null ? ELIGIBLE : { ok: false, reason };
}

const ELIGIBLE: Eligibility = Object.freeze({ ok: true });

/**
 * The first rule `checkEligibility` finds broken, or `null`. Clearing runs it once per collected bid, so it
 * allocates nothing (no closures, no result objects).
 */
function ineligibility(prover: ProverProfile, terms: RequestTerms, price: bigint | undefined): EligibilityReason | null {
  if (prover.status !== 'active') return 'prover_inactive';
  if (!prover.backends.includes(terms.backend)) return 'backend_unsupported';
  if (prover.privacy_levels.length > 0 && !prover.privacy_levels.includes(terms.privacy_level)) return 'privacy_level_unsupported';
  if (terms.allow_list && !terms.allow_list.includes(prover.prover_id)) return 'not_on_allow_list';
  if (effectiveStars(prover.reputation) < terms.min_reputation) return 'reputation_too_low';
  if (!(prover.active_tasks < prover.capacity)) return 'capacity_full';
  if (price !== undefined) {
    if (price < 0n) return 'invalid_fee';
    if (price > terms.max_price) return 'price_above_max';
  }
  return null;
}
