import { conflict, forbidden, notFound } from '../../domain/errors.ts';
import type { RequestRecord } from '../../domain/request.ts';
import { isHeld } from '../../domain/task.ts';
import type { Queryable } from '../../store/db.ts';
import { getTask } from '../../store/tasks.ts';

/** The request `taskId`, read under lock, which `proverId` must hold now (404, 409 or 403 otherwise). */
export async function heldBy(q: Queryable, taskId: string, proverId: string): Promise<RequestRecord> {
  const task = await getTask(q, taskId, true);
  if (!task) throw notFound('task_not_found', `no task with id "${taskId}"`);
  if (task.status === 'completed') throw conflict('task_completed', `task "${taskId}" is already completed`);
  if (task.status === 'failed') throw conflict('task_failed', `task "${taskId}" has failed and takes no more results`);
  if (!isHeld(task.status) || task.assigned_prover !== proverId) {
    throw forbidden('not_assigned', `task "${taskId}" is not assigned to prover "${proverId}"`);
  }
  return task;
}
