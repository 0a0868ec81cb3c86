import { conflict, forbidden } from '../../domain/errors.ts';
import * as store from '../../store/auth.ts';
import { requireSignature } from './callers.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { proverOwner, submitterAddress, type SubmitterRecord } from './submitter-queries.ts';

/** `POST /v1/provers/:prover_id/submitters`. */
export interface AuthorizeSubmitterParameters {
  prover_id: string;
  /** The submitter's address, as sent (any valid case). */
  address: string;
}
/** The submitter, now `active`. */
export type AuthorizeSubmitterReturnType = SubmitterRecord;
/** 401 signature_missing (even --open); 400 invalid_address; 403 not_owner; 404 prover_not_found; 409 submitter_not_consented. */
export type AuthorizeSubmitterErrorCode = 'signature_missing' | 'invalid_address' | 'not_owner' | 'prover_not_found' | 'submitter_not_consented';

/**
 * The prover's owner authorizes a submitter that has consented (and not been revoked since). Only the owner
 * may: a prover registered unsigned has none, so it cannot have submitters. Idempotent.
 */
export async function authorizeSubmitter(deps: Pick<MarketDeps, 'db' | 'clock'>, input: AuthorizeSubmitterParameters, caller: Caller): Promise<AuthorizeSubmitterReturnType> {
  const signer = requireSignature(caller, "a submitter's authorization");
  const proverId = input.prover_id;
  const who = submitterAddress(input.address, 'address');
  const owner = await proverOwner(deps, proverId);
  if (owner === null) throw forbidden('not_owner', `prover "${proverId}" was registered unsigned and has no owner; only an owned prover can authorize submitters`);
  if (signer !== owner) throw forbidden('not_owner', `only the owner of prover "${proverId}" may authorize its submitters; ${signer} is not its owner`);
  const s = await store.authorizeSubmitter(deps.db, proverId, who, deps.clock.now());
  if (s) return s;
  const was = await store.getSubmitter(deps.db, proverId, who);
  throw conflict(
    'submitter_not_consented',
    was
      ? `${who} revoked or was revoked as a submitter of "${proverId}"; it must consent again (POST /v1/submitters/consent) before it can be authorized`
      : `${who} has not consented to act for "${proverId}"; it must first POST /v1/submitters/consent, signed with its key`,
  );
}
