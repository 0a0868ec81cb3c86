/**
 * Submitters: operator keys a prover's owner lets bid and submit for it, so the owner's (staking) key can stay
 * offline. The submitter consents first, so no one is enlisted without agreeing; the owner authorizes; either
 * side revokes. Every act is signed by the party doing it, even on a coordinator running --open. Here: the
 * reads, and what the three acts (consent-, authorize-, revoke-submitter.ts) share.
 */
import { normalizeAddress } from '../../domain/auth.ts';
import { invalid, notFound } from '../../domain/errors.ts';
import * as store from '../../store/auth.ts';
import type { MarketDeps } from './deps.ts';

export type SubmitterRecord = store.SubmitterRecord;

/** A prover's owner (null: registered unsigned); 404 prover_not_found for an unknown prover. */
export async function proverOwner(deps: Pick<MarketDeps, 'db'>, proverId: string): Promise<string | null> {
  const p = await store.proverAuthority(deps.db, proverId, null);
  if (!p) throw notFound('prover_not_found', `no prover with id "${proverId}"`);
  return p.owner;
}

/** A submitter's address as given, in the lower case the store keeps; 400 invalid_address. */
export function submitterAddress(text: string, field: string): string {
  const a = normalizeAddress(text);
  if (!a) throw invalid('invalid_address', `${field} "${text}" is not an EVM address (0x + 40 hex, with a valid EIP-55 checksum if mixed case)`);
  return a;
}

/** A prover's submitters, in every state, by address; 404 prover_not_found. */
export async function listSubmitters(deps: Pick<MarketDeps, 'db'>, proverId: string): Promise<SubmitterRecord[]> {
  await proverOwner(deps, proverId);
  return store.listSubmitters(deps.db, proverId);
}
