import { forbidden, notFound } from '../../domain/errors.ts';
import { cancelled } from '../../domain/kernel/transitions.ts';
import type { RequestRecord } from '../../domain/request.ts';
import { getTask } from '../../store/tasks.ts';
import { applyLocked, escrowOf } from '../transitions.ts';
import type { Caller, MarketDeps } from './deps.ts';

export type CancelRequestReturnType = RequestRecord;
export type CancelRequestErrorCode = 'request_not_found' | 'not_requester' | 'not_cancellable' | 'signature_missing';

/** The requester withdraws a request that no prover holds yet: it fails (cause `cancelled`) and is refunded in full. */
export async function cancelRequest(deps: MarketDeps, requestId: string, caller: Caller): Promise<CancelRequestReturnType> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const task = await getTask(tx, requestId, true);
    if (!task) throw notFound('request_not_found', `no request with id "${requestId}"`);
    if (caller.signer === undefined) deps.access.requireOpen();
    else if (caller.signer !== task.requester) throw forbidden('not_requester', `only the requester of "${requestId}" may cancel it`);
    const moved = await applyLocked(tx, cancelled(task, await escrowOf(tx, requestId), now));
    await deps.auctions.closeRounds(tx, [requestId], now);
    return moved;
  });
}
