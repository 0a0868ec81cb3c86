/**
 * The life of one task inside a prover node, as a pure state machine (in the spirit of the Boundless
 * broker's order states). The node's stages only ever change a task through `transition`, so the rules
 * below are the whole story and are unit-tested without a coordinator.
 *
 *   queued ─begin─▶ fetching ─fetched─▶ proving ─proved─▶ submitting ─verdict─▶ done | rejected
 *                      │                   │                  │
 *                      └── stage_error: retried with backoff in place, or (given up) ──▶ releasing ─▶ failed
 *   any active ─hand_back─▶ releasing ─released─▶ released        (stop(), shutdown timeout)
 *   any active ─lost─▶ lost           (the coordinator no longer lets this node hold the task)
 *
 * - fetching   = POST /v1/tasks/:id/start, then the program's artifacts (downloaded, hash-checked, cached)
 * - proving    = snarkjs fullProve in a worker thread
 * - submitting = POST /tasks/result; the verdict is Pass (done) or Fail (rejected)
 * - releasing  = POST /v1/tasks/:id/release, so another prover can take the task at once
 */

export const TASK_PHASES = ['queued', 'fetching', 'proving', 'submitting', 'releasing', 'done', 'rejected', 'failed', 'released', 'lost'] as const;
export type TaskPhase = (typeof TASK_PHASES)[number];

export const TERMINAL_PHASES: readonly TaskPhase[] = ['done', 'rejected', 'failed', 'released', 'lost'];

export function isTerminalPhase(phase: TaskPhase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

/**
 * How a failed stage may be retried:
 * - `transient`: the coordinator is unreachable or overloaded; retry (with backoff) for as long as it takes;
 * - `limited`: may work next time (a crashed worker, an odd error); retry up to `maxAttempts` times;
 * - `never`: retrying cannot help (a bad artifact, a refused request); give the task back at once.
 */
export type RetryClass = 'transient' | 'limited' | 'never';

export interface TaskState {
  taskId: string;
  phase: TaskPhase;
  /** Failed attempts of the current stage; back to 0 when a stage succeeds. */
  attempt: number;
  /** Epoch ms before which the current stage must not run again (backoff). */
  notBefore: number;
  /** Epoch ms the task entered its phase. */
  since: number;
  /** While releasing: the terminal phase once the coordinator took the task back. */
  releaseAs?: 'failed' | 'released';
  /** The last error, or why the task left the happy path. */
  error?: string;
}

export type TaskEvent =
  | { type: 'begin' }
  | { type: 'fetched' }
  | { type: 'proved' }
  | { type: 'verdict'; pass: boolean; reason?: string }
  | { type: 'stage_error'; error: string; retry: RetryClass; delayMs: number }
  | { type: 'lost'; reason: string }
  | { type: 'hand_back'; reason: string }
  | { type: 'released' };

export interface RetryPolicy {
  /** Attempts of one stage for `limited` errors (the first try included). */
  maxAttempts: number;
  /** Attempts of the release call, whatever the error: a node that is stopping must not wait forever. */
  maxReleaseAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, maxReleaseAttempts: 3 };

export class TaskTransitionError extends Error {
  constructor(state: TaskState, event: TaskEvent) {
    super(`task ${state.taskId}: event "${event.type}" is not allowed in phase "${state.phase}"`);
    this.name = 'TaskTransitionError';
  }
}

export function newTaskState(taskId: string, now: number): TaskState {
  return { taskId, phase: 'queued', attempt: 0, notBefore: now, since: now };
}

/** The next state, or a TaskTransitionError for an event the phase does not allow. Pure. */
export function transition(s: TaskState, e: TaskEvent, now: number, policy: RetryPolicy = DEFAULT_RETRY): TaskState {
  const to = (phase: TaskPhase, extra: Partial<TaskState> = {}): TaskState => ({
    taskId: s.taskId,
    phase,
    attempt: 0,
    notBefore: now,
    since: now,
    ...extra,
  });
  const refuse = (): never => {
    throw new TaskTransitionError(s, e);
  };
  if (isTerminalPhase(s.phase)) refuse();

  switch (e.type) {
    case 'begin':
      return s.phase === 'queued' ? to('fetching') : refuse();
    case 'fetched':
      return s.phase === 'fetching' ? to('proving') : refuse();
    case 'proved':
      return s.phase === 'proving' ? to('submitting') : refuse();
    case 'verdict':
      if (s.phase !== 'submitting') refuse();
      return e.pass ? to('done') : to('rejected', e.reason !== undefined ? { error: e.reason } : {});
    case 'stage_error': {
      if (s.phase === 'queued') refuse();
      const attempt = s.attempt + 1;
      if (s.phase === 'releasing') {
        // A release that cannot get through ends the task here; the coordinator's timeout will requeue it.
        if (e.retry === 'never' || attempt >= policy.maxReleaseAttempts) return to(s.releaseAs ?? 'failed', { error: `release failed: ${e.error}` });
        return { ...s, attempt, notBefore: now + e.delayMs, error: e.error };
      }
      const retry = e.retry === 'transient' || (e.retry === 'limited' && attempt < policy.maxAttempts);
      if (retry) return { ...s, attempt, notBefore: now + e.delayMs, error: e.error };
      return to('releasing', { releaseAs: 'failed', error: e.error });
    }
    case 'lost':
      return to('lost', { error: e.reason });
    case 'hand_back':
      // Already on its way back (e.g. after a failure): keep the reason it had.
      if (s.phase === 'releasing') return s;
      return to('releasing', { releaseAs: 'released', error: e.reason });
    case 'released':
      return s.phase === 'releasing' ? to(s.releaseAs ?? 'released', s.error !== undefined ? { error: s.error } : {}) : refuse();
  }
}

/** The stage a task in `phase` waits for (null when it is finished). */
export function stageOf(phase: TaskPhase): 'fetch' | 'prove' | 'submit' | 'release' | null {
  switch (phase) {
    case 'queued':
    case 'fetching':
      return 'fetch';
    case 'proving':
      return 'prove';
    case 'submitting':
      return 'submit';
    case 'releasing':
      return 'release';
    default:
      return null;
  }
}
