import { notFound } from '../../domain/errors.ts';
import * as provers from '../../store/provers.ts';
import type { Caller, MarketDeps } from './deps.ts';

/** A prover says it is alive, with its status and load; an offline prover comes back. */
export async function heartbeat(deps: MarketDeps, proverId: string, status: provers.ProverStatus | undefined, currentLoad: number | undefined, caller: Caller) {
  await deps.access.authorizeProver(caller, proverId);
  const p = await provers.recordHeartbeat(deps.db, proverId, deps.clock.now(), status ?? 'active', currentLoad ?? null);
  if (!p) throw notFound('prover_not_found', `no prover with id "${proverId}"; register it first`);
  return p;
}
