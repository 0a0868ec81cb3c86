import type { RequestRecord } from '../domain/request.ts';

/**
 * Requests this process handed out, as handed out, until their result comes: the result then needs no read
 * before verifying. Never trusted for the write: `applyPlan` re-checks the assignment, and a request that
 * changed meanwhile is re-read under lock. Bounded: the oldest entries go first.
 */
export class HandedOut {
  readonly #byId = new Map<string, RequestRecord>();

  constructor(readonly limit = 10_000) {}

  remember(request: RequestRecord): void {
    if (this.#byId.size >= this.limit) this.#byId.delete(this.#byId.keys().next().value!);
    this.#byId.set(request.task_id, request);
  }

  /** The request as handed out, forgotten as it is taken. */
  take(taskId: string): RequestRecord | undefined {
    const r = this.#byId.get(taskId);
    this.#byId.delete(taskId);
    return r;
  }
}
