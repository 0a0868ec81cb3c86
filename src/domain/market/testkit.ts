/**
 * Test support for the market engine's tests: fixtures and fast-check arbitraries. Not part of the API
 * (index.ts does not export it).
 */
import fc from 'fast-check';
import type { AuctionSpec, ProverProfile, RequestTerms } from './types.ts';

export const T0 = new Date('2026-01-01T00:00:00.000Z');
/** T0 + ms. */
export const at = (ms: number): Date => new Date(T0.getTime() + ms);

export function prover(prover_id: string, over: Partial<ProverProfile> = {}): ProverProfile {
  return { prover_id, backends: ['groth16'], privacy_levels: [], capacity: 2, active_tasks: 0, reputation: 4, status: 'active', ...over };
}

export function terms(auction: AuctionSpec, over: Partial<RequestTerms> = {}): RequestTerms {
  return { request_id: 'r1', backend: 'groth16', privacy_level: 1, max_price: 100n, min_reputation: 0, auction, ...over };
}

/** The eligibility rule written out again, independently of `checkEligibility`, for reference checks. */
export function eligibleRef(p: ProverProfile, t: RequestTerms, fee: bigint): boolean {
  return (
    p.status === 'active' &&
    p.backends.includes(t.backend) &&
    (p.privacy_levels.length === 0 || p.privacy_levels.includes(t.privacy_level)) &&
    (t.allow_list === undefined || t.allow_list.includes(p.prover_id)) &&
    (p.reputation ?? 2.5) >= t.min_reputation &&
    p.active_tasks < p.capacity &&
    fee >= 0n &&
    fee <= t.max_price
  );
}

export const PROVER_IDS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'] as const;

/** A prover that is usually but not always eligible for `terms(...)` defaults. */
export const arbProfile = (prover_id: string): fc.Arbitrary<ProverProfile> =>
  fc.record({
    prover_id: fc.constant(prover_id),
    backends: fc.oneof({ weight: 5, arbitrary: fc.constant(['groth16']) }, { weight: 1, arbitrary: fc.constant(['plonk']) }),
    privacy_levels: fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.constantFrom([1], [2]) }),
    capacity: fc.integer({ min: 1, max: 3 }),
    active_tasks: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }) }),
    reputation: fc.oneof(fc.constant(null), fc.double({ min: 0, max: 5, noNaN: true })),
    status: fc.oneof({ weight: 6, arbitrary: fc.constant('active' as const) }, { weight: 1, arbitrary: fc.constantFrom('busy' as const, 'offline' as const) }),
  });

/** One profile per id in PROVER_IDS. */
export const arbProfiles: fc.Arbitrary<ProverProfile[]> = fc.tuple(...PROVER_IDS.map((id) => arbProfile(id)));

/** Request terms for the defaults above, with a given auction spec. */
export const arbTerms = (auction: AuctionSpec): fc.Arbitrary<RequestTerms> =>
  fc.record({
    max_price: fc.oneof({ weight: 2, arbitrary: fc.constant(1000n) }, { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 1000n }) }),
    min_reputation: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 5, noNaN: true }) }),
    allow_list: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.subarray([...PROVER_IDS]) }),
  }).map(({ allow_list, ...rest }) => terms(auction, allow_list === undefined ? rest : { ...rest, allow_list }));
