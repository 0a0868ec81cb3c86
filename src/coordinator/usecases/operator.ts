import { notFound } from '../../domain/errors.ts';
import { insertAudit } from '../../store/audit.ts';
import type { Slash } from '../../store/ledger.ts';
import * as provers from '../../store/provers.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { getProverView } from './queries.ts';

/** The operator suspends a prover (it takes and wins nothing until reinstated) or reinstates it; audited. */
export async function setSuspended(deps: MarketDeps, proverId: string, suspend: boolean, reason: string, caller: Caller): Promise<provers.ProverWithLoad> {
  const operator = deps.access.requireOperator(caller);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    if (!(await provers.setSuspended(tx, proverId, suspend ? reason : null, now))) throw notFound('prover_not_found', `no prover with id "${proverId}"`);
    await insertAudit(tx, { at: now, actor: operator, action: suspend ? 'suspend_prover' : 'reinstate_prover', target: proverId, reason, detail: null });
  });
  return getProverView(deps, proverId);
}

/** The operator reverses a slash, with a written reason; audited. */
export async function reverseSlash(deps: MarketDeps, slashId: string, reason: string, caller: Caller): Promise<Slash> {
  return deps.economy.reverseSlash(slashId, deps.access.requireOperator(caller), reason);
}
