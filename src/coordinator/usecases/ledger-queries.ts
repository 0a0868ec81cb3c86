/** The ledger's read-only use cases: accounts, stake, slashes, a request's movements, the self-check, the operator's log. */
import { reconcileWithChain, type ChainReconciliation } from '../../chain/reconcile.ts';
import { participantId } from '../../domain/auth.ts';
import { describeAccount } from '../../domain/ledger.ts';
import { listAudit, type AuditEntry } from '../../store/audit.ts';
import * as ledger from '../../store/ledger.ts';
import type { Economy, StakeView } from '../economy.ts';
import type { MarketDeps } from './deps.ts';
import { getProverView, getRequest } from './queries.ts';

/** An account: its balance, the stake and earnings of the provers it owns, its recent entries (money as strings). */
export type AccountView = Awaited<ReturnType<Economy['account']>>;
export type { StakeView };
export type Slash = ledger.Slash;
export type LedgerAudit = ledger.LedgerAudit & { chain?: Omit<ChainReconciliation, 'unreachable'> };
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
export async function auditLedger(deps: Pick<MarketDeps, 'db' | 'config' | 'chain'>): Promise<LedgerAudit> {
  const report = await ledger.audit(deps.db);
  const c = deps.config.chain;
  if (!c || !deps.chain) return report;
  const chain = await reconcileWithChain(deps.db, { rpcUrl: c.rpcUrl, proofMarket: c.proofMarket, jobEscrow: c.jobEscrow, source: deps.chain.source }).catch((err: unknown) => ({
    ok: false, block: null, accounts_checked: 0, differences: [], unreachable: (err as Error).message.split('\n')[0]!,
  }));
  const problems = [...report.problems, ...chain.differences.map((d) => `${describeAccount(d.account)} is ${d.mirror} in the mirror but ${d.chain} on chain`)];
  if ('unreachable' in chain) problems.push(`the chain could not be read: ${chain.unreachable}`);
  return { ...report, ok: report.ok && chain.ok, problems, chain: { ok: chain.ok, block: chain.block, accounts_checked: chain.accounts_checked, differences: chain.differences } };
}

/** The operator's acts, newest first. */
export async function listOperatorActs(deps: Pick<MarketDeps, 'db'>): Promise<Array<AuditEntry & { id: string }>> {
  return listAudit(deps.db);
}
