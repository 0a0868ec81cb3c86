import * as store from '../../store/auth.ts';
import { requireSignature } from './callers.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { proverOwner, type SubmitterRecord } from './submitter-queries.ts';

/** `POST /v1/submitters/consent`. */
export interface ConsentSubmitterParameters {
  prover_id: string;
}
/** The signer's submitter row for the prover: `consented`, or still `active` if it was. */
export type ConsentSubmitterReturnType = SubmitterRecord;
/** 401 signature_missing (even --open); 404 prover_not_found. */
export type ConsentSubmitterErrorCode = 'signature_missing' | 'prover_not_found';

/**
 * The signer agrees to bid and submit for the prover; its owner may then authorize it. Idempotent; after a
 * revoke, consenting again starts over (the owner must authorize again).
 */
export async function consentSubmitter(deps: Pick<MarketDeps, 'db' | 'clock'>, input: ConsentSubmitterParameters, caller: Caller): Promise<ConsentSubmitterReturnType> {
  const signer = requireSignature(caller, 'a consent');
  await proverOwner(deps, input.prover_id);
  return store.consentSubmitter(deps.db, input.prover_id, signer, deps.clock.now());
}
