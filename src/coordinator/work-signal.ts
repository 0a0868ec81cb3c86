import type { MarketEvent } from '../domain/events.ts';

/** Another poll is due: new work, or a request assigned to this prover. */
type Wake = () => void;

interface Waiter {
  proverId: string;
  wake: Wake;
}

/** Waiters woken per request that becomes pending: a few, so that one new request does not stampede 1,000 polls. */
const WAKES_PER_PENDING_REQUEST = 4;

/**
 * Wakes long-polling provers (`GET /tasks/assign/:id?wait=`) the moment work may exist for them, from the
 * outbox's events: a request that becomes `pending` wakes the longest-waiting few (a woken prover that finds
 * nothing it may take waits again at the back of the line, so every waiter gets its turn), and a request
 * assigned to a prover (an auction it won) wakes that prover. A wake-up is only a hint: the poll decides.
 */
export class WorkSignal {
  readonly #waiters: Waiter[] = [];
  #watching: (() => void) | undefined;
  #watch: ((onEvents: (events: MarketEvent[]) => void) => () => void) | undefined;

  /** Where the events come from (EventStream.watch). Until attached, waits just time out. */
  attach(watch: (onEvents: (events: MarketEvent[]) => void) => () => void): void {
    this.#watch = watch;
  }

  /**
   * Resolves when work may exist for `proverId`, after `ms` at the latest, or when `signal` aborts. The
   * stream is watched from the first wait on (watching costs a read per batch of events, so not before).
   */
  wait(proverId: string, ms: number, signal?: AbortSignal): Promise<void> {
    this.#watching ??= this.#watch?.((events) => this.onEvents(events));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        const i = this.#waiters.indexOf(waiter);
        if (i !== -1) this.#waiters.splice(i, 1);
        resolve();
      };
      const waiter: Waiter = { proverId, wake: done };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      this.#waiters.push(waiter);
    });
  }

  /** How many polls are waiting (for metrics and tests). */
  get waiting(): number {
    return this.#waiters.length;
  }

  onEvents(events: readonly MarketEvent[]): void {
    let pending = 0;
    for (const e of events) {
      if (e.to_status === 'pending') pending++;
      else if (e.to_status === 'assigned' && e.prover_id !== null) {
        for (const w of this.#waiters.filter((x) => x.proverId === e.prover_id)) w.wake();
      }
    }
    // wake() removes the waiter from the front, so the next ones move up.
    for (let n = Math.min(this.#waiters.length, pending * WAKES_PER_PENDING_REQUEST); n > 0; n--) this.#waiters[0]!.wake();
  }

  /** Stops watching and wakes every waiter (the coordinator is closing). */
  close(): void {
    this.#watching?.();
    this.#watching = undefined;
    for (const w of [...this.#waiters]) w.wake();
  }
}
