import { MarketError, notFound } from '../../domain/errors.ts';
import type { RequestRecord } from '../../domain/request.ts';
import { lockProver, proverExists } from '../../store/provers.ts';
import { pollForWork } from '../../store/tasks.ts';
import { assign } from '../transitions.ts';
import type { Caller, MarketDeps } from './deps.ts';

export interface PollTaskParameters {
  prover_id: string;
  /**
   * Long-poll: with nothing to hand out, wait up to this long for work (woken by the outbox's events, see
   * WorkSignal) before answering undefined. 0 or absent: answer at once.
   */
  wait_ms?: number;
  /** The client went away: stop waiting, and claim nothing more for it. */
  signal?: AbortSignal;
}
/** The request handed to the prover, or undefined when there is nothing for it. */
export type PollTaskReturnType = RequestRecord | undefined;
/** 404 prover_not_found; 401/403 on the caller. */
export type PollTaskErrorCode = 'prover_not_found' | 'not_prover_agent' | 'signature_missing';

/**
 * A prover's poll (it counts as a heartbeat): hands it a request it won in an auction, or claims the next
 * request it may take (the kernel's `assigned`, with its stake lock), in one transaction: a crash between
 * the claim and the lock would leave a prover holding work its stake does not back.
 */
export async function pollTask(deps: MarketDeps, params: PollTaskParameters, caller: Caller): Promise<PollTaskReturnType> {
  await deps.access.authorizeProver(caller, params.prover_id);
  // Real time, not the market's clock: this is how long a connection is held open.
  const until = performance.now() + (params.wait_ms ?? 0);
  for (;;) {
    const task = await pollOnce(deps, params.prover_id);
    const left = until - performance.now();
    if (task || left <= 0 || params.signal?.aborted) return task;
    await deps.work.wait(params.prover_id, left, params.signal);
    if (params.signal?.aborted) return undefined;
  }
}

async function pollOnce(deps: MarketDeps, proverId: string): Promise<PollTaskReturnType> {
  const started = performance.now();
  const now = deps.clock.now();
  const unknown = () => notFound('prover_not_found', `no prover with id "${proverId}"; register it first`);
  const assigned = await deps.db.transaction(async (tx) => {
    // PostgreSQL needs the prover's row locked first, so that two polls by one prover (even through two
    // coordinators) cannot both pass the capacity and stake checks; PGlite runs one statement at a time.
    if (!deps.db.serialized && !(await lockProver(tx, proverId))) throw unknown();
    const work = await pollForWork(tx, proverId, now, deps.kernel.economics.overcommitBps);
    if (!work || work.won) return work?.task;
    try {
      return await assign(tx, deps.kernel, work.task, { prover_id: proverId, price: work.task.max_price, cause: 'assigned', handed_out: true }, now);
    } catch (e) {
      // PostgreSQL only: the row changed between the statement's snapshot and its lock (a concurrent re-auction);
      // nothing was written, and the prover's next poll finds what is there now.
      if (e instanceof MarketError && e.code === 'task_changed') return undefined;
      throw e;
    }
  });
  // Nothing claimed: either there was no work, or no such prover (checked only then, off the hot path).
  if (!assigned && deps.db.serialized && !(await proverExists(deps.db, proverId))) throw unknown();
  deps.metrics.assignRequest.observe((performance.now() - started) / 1000);
  if (assigned) {
    deps.metrics.timeToAssignment.observe((now.getTime() - assigned.created_at.getTime()) / 1000);
    deps.handedOut.remember(assigned);
  }
  return assigned;
}
