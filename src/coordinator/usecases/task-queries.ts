/** Tasks' read-only use cases beyond one task's status (queries.ts): the list, a task's proofs, its verified proof. */
import { notFound } from '../../domain/errors.ts';
import type { ProofRecord, RequestEvent, RequestRecord } from '../../domain/request.ts';
import type { TaskStatus } from '../../domain/task.ts';
import { decodeProof, type ProofEnvelope } from '../../proofs/envelope.ts';
import * as tasks from '../../store/tasks.ts';
import type { MarketDeps } from './deps.ts';
import { getTaskStatus } from './queries.ts';

/** The most tasks one list answers, and how many it answers unless asked. */
export const TASK_LIST_MAX = 1000;
export const TASK_LIST_DEFAULT = 100;

/** Tasks, newest first, of one status or of all: `limit` (default 100) capped at 1000. */
export async function listTasks(deps: Pick<MarketDeps, 'db'>, filter: { status?: TaskStatus; limit?: number }): Promise<RequestRecord[]> {
  const limit = Math.min(TASK_LIST_MAX, filter.limit ?? TASK_LIST_DEFAULT);
  return tasks.listTasks(deps.db, { status: filter.status, limit });
}

/** A task with its history and every proof submitted for it; 404 task_not_found. */
export async function getTaskDetail(deps: Pick<MarketDeps, 'db' | 'clock'>, taskId: string): Promise<{ task: RequestRecord; history: RequestEvent[]; proofs: ProofRecord[] }> {
  const { task, history } = await getTaskStatus(deps, taskId);
  return { task, history, proofs: await tasks.listProofs(deps.db, task.task_id) };
}

/**
 * The proof of a task that passed verification, with its envelope decoded; 404 task_not_found, or
 * proof_not_found while none has passed.
 */
export async function getVerifiedProof(deps: Pick<MarketDeps, 'db' | 'clock' | 'backends'>, taskId: string): Promise<{ task: RequestRecord; proof: ProofRecord; envelope: ProofEnvelope }> {
  const { task } = await getTaskStatus(deps, taskId);
  const pass = (await tasks.listProofs(deps.db, task.task_id)).find((p) => p.verification_result === 'Pass');
  const decoded = pass && decodeProof(pass.proof, deps.backends.proofSystems());
  if (!pass || !decoded?.ok) throw notFound('proof_not_found', `task "${task.task_id}" is ${task.status}: no proof of it has passed verification`);
  return { task, proof: pass, envelope: decoded.envelope };
}
