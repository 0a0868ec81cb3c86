/** The ledger's read-only use cases: accounts, stake, slashes, a request's movements, the self-check, the operator's log. */
import { participantId } from '../../domain/auth.ts';
import { listAudit, type AuditEntry } from '../../store/audit.ts';
import * as ledger from '../../store/ledger.ts';
import type { Economy, StakeView } from '../economy.ts';
import type { MarketDeps } from './deps.ts';
import { getProverView, getRequest } from './queries.ts';

/** An account: its balance, the stake and earnings of the provers it owns, its recent entries (money as strings). */
export type AccountView = Awaited<ReturnType<Economy['account']>>;
export type { StakeView };
export type Slash = ledger.Slash;
export type LedgerAudit = ledger.LedgerAudit;
export type LedgerMovement = Awaited<ReturnType<typeof ledger.movementsFor>>[number];

/** The account of an address or participant id (any case of an address names the same account). */
export async function getAccount(deps: Pick<MarketDeps, 'economy'>, address: string): Promise<AccountView> {
  return deps.economy.account(participantId(address));
}

/** A prover's stake: free, locked (per request), unstaking, earnings; 404 prover_not_found. */
export async function getStakeView(deps: Pick<MarketDeps, 'db' | 'clock' | 'economy'>, proverId: string): Promise<StakeView> {
  await getProverView(deps, proverId);
  return deps.economy.stakeView(proverId);
}

/** Slashes, newest first, of one prover or of all. */
export async function listSlashes(deps: Pick<MarketDeps, 'db'>, filter: { prover_id?: string }): Promise<Slash[]> {
  return ledger.listSlashes(deps.db, { prover_id: filter.prover_id });
}

/** The money movements of a request (escrow, stake lock, settlement or refund, slash), without checking it exists. */
export async function requestMovements(deps: Pick<MarketDeps, 'db'>, requestId: string): Promise<LedgerMovement[]> {
  return ledger.movementsFor(deps.db, 'request', requestId);
}

/** A request's money movements; 404 request_not_found. */
export async function getRequestLedger(deps: Pick<MarketDeps, 'db' | 'clock'>, requestId: string): Promise<{ request_id: string; movements: LedgerMovement[] }> {
  await getRequest(deps, requestId);
  return { request_id: requestId, movements: await requestMovements(deps, requestId) };
}

/** The ledger checks itself: balanced movements, balances equal to their entries, none negative, every lock live. */
export async function auditLedger(deps: Pick<MarketDeps, 'db'>): Promise<LedgerAudit> {
  return ledger.audit(deps.db);
}

/** The operator's acts, newest first. */
export async function listOperatorActs(deps: Pick<MarketDeps, 'db'>): Promise<Array<AuditEntry & { id: string }>> {
  return listAudit(deps.db);
}
