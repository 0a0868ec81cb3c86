import { started } from '../../domain/kernel/transitions.ts';
import type { RequestRecord } from '../../domain/request.ts';
import { applyLocked } from '../transitions.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { heldBy } from './held-request.ts';

export interface StartTaskParameters {
  task_id: string;
  prover_id: string;
}
export type StartTaskReturnType = RequestRecord;
export type StartTaskErrorCode = 'task_not_found' | 'task_completed' | 'task_failed' | 'not_assigned' | 'not_prover_agent' | 'signature_missing';

/** The holder says it has begun proving: assigned → in_progress (again: no change). */
export async function startTask(deps: MarketDeps, input: StartTaskParameters, caller: Caller): Promise<StartTaskReturnType> {
  await deps.access.authorizeProver(caller, input.prover_id);
  deps.handedOut.take(input.task_id);
  return deps.db.transaction(async (tx) => {
    const task = await heldBy(tx, input.task_id, input.prover_id);
    if (task.status === 'in_progress') return task;
    return applyLocked(tx, started(task, deps.clock.now()));
  });
}
