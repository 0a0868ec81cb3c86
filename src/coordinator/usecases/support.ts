import { createHash } from 'node:crypto';
import { accounts, type Movement } from '../../domain/ledger.ts';
import { openFaucetGrant } from '../../domain/kernel/transitions.ts';
import { canonicalJson } from '../../proofs/canonical.ts';
import type { Queryable } from '../../store/db.ts';
import { balance } from '../../store/ledger.ts';
import type { Caller } from './deps.ts';

/** What the faucet grants an unsigned requester that is short (--open), at the least. */
export const OPEN_FAUCET_GRANT = 1_000_000n;

/**
 * In --open mode an unsigned requester that is short is topped up by the faucet first (at least
 * OPEN_FAUCET_GRANT at a time), so seed clients that know nothing of deposits keep working.
 */
export async function openGrant(q: Queryable, caller: Caller, who: string, amount: bigint): Promise<Movement | null> {
  if (caller.signer !== undefined || amount === 0n) return null;
  return openFaucetGrant(who, amount, await balance(q, accounts.balance(who)), OPEN_FAUCET_GRANT);
}

/** The hash that tells a repeated submission (idempotent) from a different one with the same id (a conflict). */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
