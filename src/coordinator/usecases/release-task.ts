import { released } from '../../domain/kernel/transitions.ts';
import type { RequestRecord } from '../../domain/request.ts';
import { applyLocked, lockOf } from '../transitions.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { heldBy } from './held-request.ts';

export interface ReleaseTaskParameters {
  task_id: string;
  prover_id: string;
}
export type ReleaseTaskReturnType = RequestRecord;
export type ReleaseTaskErrorCode = 'task_not_found' | 'task_completed' | 'task_failed' | 'not_assigned' | 'not_prover_agent' | 'signature_missing';

/** The holder gives a request back (e.g. on shutdown): it returns to pending, its stake released, no failure counted. */
export async function releaseTask(deps: MarketDeps, input: ReleaseTaskParameters, caller: Caller): Promise<ReleaseTaskReturnType> {
  await deps.access.authorizeProver(caller, input.prover_id);
  deps.handedOut.take(input.task_id);
  return deps.db.transaction(async (tx) => {
    const task = await heldBy(tx, input.task_id, input.prover_id);
    return applyLocked(tx, released(task, await lockOf(tx, task), deps.clock.now()));
  });
}
