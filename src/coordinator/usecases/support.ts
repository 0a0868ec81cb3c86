import { createHash } from 'node:crypto';
import { accounts, type Movement } from '../../domain/ledger.ts';
import { openFaucetGrant } from '../../domain/kernel/transitions.ts';
import { canonicalJson } from '../../proofs/canonical.ts';
import type { Queryable } from '../../store/db.ts';
import { balance } from '../../store/ledger.ts';
import { getTask } from '../../store/tasks.ts';
import { conflict } from '../../domain/errors.ts';
import type { Caller, MarketDeps } from './deps.ts';

/**
 * With --chain-rpc the contracts hold the money: the coordinator mirrors their events and never takes a deposit,
 * withdrawal or stake on trust. `what` names the transaction to send instead.
 */
export function refuseInChainMode(config: MarketDeps['config'], what: string): void {
  if (config.chain) throw conflict('chain_mode', `balances and stakes are on chain: ${what} on ProofMarket ${config.chain.proofMarket} at ${config.chain.rpcUrl} (proofmarket deposit/withdraw/stake --chain-rpc sends it); this coordinator only mirrors the chain`);
}

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

/**
 * After a submission's insert: a new request is counted; an id already taken is fine when it was the same
 * submission again (idempotent), and a conflict when it was a different one.
 */
export async function acceptOrConflict(deps: Pick<MarketDeps, 'db' | 'metrics'>, inserted: boolean, id: string, requestHash: string, code: 'duplicate_task_id' | 'duplicate_request_id', what: string): Promise<void> {
  if (inserted) {
    deps.metrics.tasksSubmitted.inc();
    return;
  }
  const existing = await getTask(deps.db, id);
  if (existing?.request_hash !== requestHash) throw conflict(code, `a different ${what} with id "${id}" already exists`);
}
