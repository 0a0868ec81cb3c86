// One task, from assignment to a terminal phase: the pure state machine (task-state.ts) says which stage
// runs next (fetch → prove → submit, or release), and how a failed stage is retried; this runner calls the
// stage, feeds its outcome back as an event, and reports every change of phase as events and counters.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProofEnvelope } from '../proofs/envelope.ts';
import type { AssignedTask } from '../api/index.ts';
import type { CachedProgram } from './artifacts.ts';
import { backoffMs } from './backoff.ts';
import type { NodeContext } from './context.ts';
import { classifyError, errorMessage } from './errors.ts';
import { fetchStage } from './stages/fetch.ts';
import { proveStage } from './stages/prove.ts';
import { submitStage } from './stages/submit.ts';
import { isTerminalPhase, newTaskState, transition, type TaskEvent, type TaskState } from './task-state.ts';

/** A task held by the node, and what its stages have produced so far. */
export interface TaskRun {
  task: AssignedTask;
  state: TaskState;
  /** Aborts the fetch and prove stages (hand-back on stop). */
  abort: AbortController;
  handBack: boolean;
  program?: CachedProgram;
  envelope?: ProofEnvelope;
  quality?: number;
  /** Settles when the task has left the node. */
  done: Promise<void>;
}

/** Takes on an assigned task: counts a won bid, and runs the task until it is finished. */
export function acceptTask(ctx: NodeContext, task: AssignedTask): void {
  if (ctx.wonAwaiting.delete(task.task_id)) {
    ctx.bidRequests.delete(task.task_id); // counted when the take or lock won it
  } else if (ctx.bidRequests.delete(task.task_id)) {
    ctx.bidStats.won++;
    ctx.events.emit('won', { requestId: task.task_id, via: 'assignment' });
  }
  const run: TaskRun = { task, state: newTaskState(task.task_id, ctx.now()), abort: new AbortController(), handBack: false, done: Promise.resolve() };
  ctx.tasks.set(task.task_id, run);
  ctx.stats.active = ctx.tasks.size;
  ctx.events.emit('assigned', { taskId: task.task_id, programId: task.program_id, system: task.proof_system, privacyLevel: task.privacy_level });
  run.done = driveTask(ctx, run)
    .catch(async (err: unknown) => {
      // A bug, not an expected failure: count it, and give the task back rather than sit on it.
      ctx.stats.errors++;
      ctx.emitError(err, task.task_id);
      await ctx.client.releaseTask(task.task_id, ctx.nodeId!).catch(() => undefined);
    })
    .finally(() => {
      ctx.tasks.delete(task.task_id);
      ctx.stats.active = ctx.tasks.size;
      ctx.wakeUp();
    });
}

/** Resolves once no task is held (tasks accepted meanwhile included). */
export async function allTasksDone(ctx: NodeContext): Promise<void> {
  while (ctx.tasks.size > 0) await Promise.all([...ctx.tasks.values()].map((r) => r.done));
}

/** Marks every held task for hand-back and aborts its running stage (a submit in flight goes through). */
export function handBackAll(ctx: NodeContext): void {
  for (const run of ctx.tasks.values()) {
    run.handBack = true;
    run.abort.abort();
  }
}

/** Runs the task's stages until its state machine reaches a terminal phase. */
async function driveTask(ctx: NodeContext, run: TaskRun): Promise<void> {
  const apply = (e: TaskEvent) => {
    const prev = run.state;
    run.state = transition(prev, e, ctx.now(), ctx.retry);
    if (prev.phase !== run.state.phase) reportPhase(ctx, run, prev);
  };
  apply({ type: 'begin' });
  while (!isTerminalPhase(run.state.phase)) {
    const s = run.state;
    // A proof on its way to the coordinator is let through; anything else goes back on hand-back.
    if (run.handBack && s.phase !== 'releasing' && (s.phase !== 'submitting' || s.attempt > 0)) {
      apply({ type: 'hand_back', reason: 'the node is stopping' });
      continue;
    }
    const wait = s.notBefore - ctx.now();
    if (wait > 0) {
      const signal = s.phase === 'releasing' ? undefined : run.abort.signal;
      const slept = await sleep(wait, true, { signal }).catch(() => false);
      if (!slept) continue;
    }
    try {
      apply(await runStage(ctx, run));
    } catch (err) {
      if (run.handBack && (err as Error)?.name === 'AbortError') continue;
      const c = classifyError(err);
      if (c.kind === 'lost') {
        apply({ type: 'lost', reason: c.reason });
        continue;
      }
      if (c.connection) ctx.disconnected(err);
      if (c.reregister) await ctx.reregister();
      const delayMs = backoffMs(s.attempt, ctx.backoff, ctx.random());
      apply({ type: 'stage_error', error: errorMessage(err), retry: c.retry, delayMs });
      if (run.state.phase === s.phase) ctx.noteRetry(run.task.task_id, s.phase, run.state.attempt, delayMs, err);
    }
  }
}

/** Runs the stage of the task's phase; returns the event its success means. */
async function runStage(ctx: NodeContext, run: TaskRun): Promise<TaskEvent> {
  switch (run.state.phase) {
    case 'fetching':
      await fetchStage(ctx, run);
      return { type: 'fetched' };
    case 'proving':
      await proveStage(ctx, run);
      return { type: 'proved' };
    case 'submitting':
      return { type: 'verdict', ...(await submitStage(ctx, run)) };
    case 'releasing':
      await ctx.client.releaseTask(run.task.task_id, ctx.nodeId!);
      return { type: 'released' };
    default:
      throw new Error(`task ${run.task.task_id}: no stage runs in phase "${run.state.phase}"`);
  }
}

/** A change of phase, as events and counters. */
function reportPhase(ctx: NodeContext, run: TaskRun, prev: TaskState): void {
  const taskId = run.task.task_id;
  const s = run.state;
  ctx.events.emit('state', { taskId, from: prev.phase, to: s.phase, ...(s.error !== undefined ? { error: s.error } : {}) });
  switch (s.phase) {
    case 'done':
      ctx.stats.submitted++;
      ctx.stats.passed++;
      ctx.events.emit('submitted', { taskId, qualityScore: run.quality ?? 0 });
      break;
    case 'rejected':
      ctx.stats.submitted++;
      ctx.stats.failed++;
      ctx.events.emit('rejected', { taskId, reason: s.error ?? 'the proof did not verify' });
      break;
    case 'failed':
      ctx.stats.errors++;
      ctx.events.emit('failed', { taskId, error: s.error ?? 'unknown error' });
      break;
    case 'released':
      ctx.stats.released++;
      ctx.events.emit('released', { taskId, reason: s.error ?? 'handed back' });
      break;
    case 'lost':
      ctx.stats.lost++;
      ctx.events.emit('lost', { taskId, reason: s.error ?? 'the coordinator took the task back' });
      break;
  }
}
