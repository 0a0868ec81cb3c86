import { forbidden, notFound } from '../../domain/errors.ts';
import * as store from '../../store/auth.ts';
import { requireSignature } from './callers.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { proverOwner, submitterAddress, type SubmitterRecord } from './submitter-queries.ts';

/** `DELETE /v1/provers/:prover_id/submitters/:address`. */
export interface RevokeSubmitterParameters {
  prover_id: string;
  /** The submitter's address, as sent (any valid case). */
  address: string;
}
/** The submitter, now `revoked` (by whoever revoked it first). */
export type RevokeSubmitterReturnType = SubmitterRecord;
/** 401 signature_missing (even --open); 400 invalid_address; 403 not_owner; 404 prover_not_found, submitter_not_found. */
export type RevokeSubmitterErrorCode = 'signature_missing' | 'invalid_address' | 'not_owner' | 'prover_not_found' | 'submitter_not_found';

/**
 * Either side ends a submitter's authority: the prover's owner, or the submitter itself. Idempotent; to act
 * again the submitter must consent again, and be authorized again.
 */
export async function revokeSubmitter(deps: Pick<MarketDeps, 'db' | 'clock'>, input: RevokeSubmitterParameters, caller: Caller): Promise<RevokeSubmitterReturnType> {
  const signer = requireSignature(caller, 'a revocation');
  const proverId = input.prover_id;
  const who = submitterAddress(input.address, 'address');
  const owner = await proverOwner(deps, proverId);
  if (signer !== who && signer !== owner) {
    throw forbidden('not_owner', `only the owner of prover "${proverId}" or the submitter ${who} itself may revoke it; ${signer} is neither`);
  }
  const s = await store.revokeSubmitter(deps.db, proverId, who, signer, deps.clock.now());
  if (!s) throw notFound('submitter_not_found', `${who} is not a submitter of "${proverId}"`);
  return s;
}
