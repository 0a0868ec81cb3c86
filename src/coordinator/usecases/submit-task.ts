import { newId } from '../../domain/ids.ts';
import { submitted } from '../../domain/kernel/transitions.ts';
import type { RequestRecord } from '../../domain/request.ts';
import type { ProgramRecord } from '../../store/programs.ts';
import { applyPlan } from '../../store/plans.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { acceptOrConflict, hashOf, openGrant } from './support.ts';

/** `POST /tasks`, after schema validation. */
export interface SubmitTaskParameters {
  task_id?: string;
  privacy_level: number;
  circuit_data: number[];
  reward_amount: bigint;
  requester: string;
  priority: number;
}
/** The task's id (the one given, or a new one). */
export type SubmitTaskReturnType = string;
/** 400 unsupported_privacy_level, input_too_large; 402 insufficient_funds; 409 duplicate_task_id; 401/403 on the caller. */
export type SubmitTaskErrorCode = 'unsupported_privacy_level' | 'input_too_large' | 'insufficient_funds' | 'duplicate_task_id' | 'signer_mismatch' | 'signature_missing';

/**
 * A seed task: a `fixed` request at max_price = reward_amount on the program its privacy level routes to,
 * escrowed from its requester. Submitting the same task again is idempotent; a different one with the same
 * id is a conflict.
 */
export async function submitTask(deps: MarketDeps, input: SubmitTaskParameters, caller: Caller): Promise<SubmitTaskReturnType> {
  const requester = deps.access.actor(caller, input.requester, 'requester');
  const taskId = input.task_id ?? newId();
  const data = Uint8Array.from(input.circuit_data);
  const program = await deps.programs.forLevel(input.privacy_level);
  deps.programs.checkInputSize(program, data, 'circuit_data');
  const expected = await deps.programs.expectedSignals(program, data);
  const requestHash = hashOf({ ...input, requester, task_id: taskId, reward_amount: input.reward_amount.toString() });
  const now = deps.clock.now();
  const record: RequestRecord = {
    task_id: taskId,
    privacy_level: input.privacy_level,
    circuit_data: data,
    reward_amount: input.reward_amount,
    requester,
    priority: input.priority,
    program_id: program.program_id,
    expected_public_signals: expected,
    status: 'pending',
    assigned_prover: null,
    assigned_at: null,
    attempts: 0,
    excluded_provers: [],
    deadline: new Date(now.getTime() + deps.config.taskDeadlineMs),
    request_hash: requestHash,
    created_at: now,
    updated_at: now,
    ...seedTerms(program, input.reward_amount),
  };
  const inserted = await deps.db.transaction(async (tx) => {
    const faucet = await openGrant(tx, caller, requester, input.reward_amount);
    return applyPlan(tx, submitted(record, { escrow: input.reward_amount, faucet }, now));
  });
  await acceptOrConflict(deps, inserted, taskId, requestHash, 'duplicate_task_id', 'task');
  return taskId;
}

/** A seed task is a `fixed` request at max_price = reward_amount, on its routed program's proof system. */
function seedTerms(program: ProgramRecord, reward: bigint) {
  return {
    backend: program.proof_system,
    mechanism: 'fixed',
    max_price: reward,
    min_reputation: 0,
    allow_list: null,
    terms: null,
    price: null,
    handed_out: true,
    round: 0,
    min_stake: 0n,
  };
}
