import { OUTBOX_CHANNEL } from '../../store/db.ts';
import type { Db } from '../../store/db.ts';

/** The channel migration 006's trigger notifies when a statement that inserted events commits. */
/** The outbox's NOTIFY channel (migration 006's trigger on PostgreSQL, in process on PGlite). */
export const EVENTS_CHANNEL = OUTBOX_CHANNEL;

export interface NotifierOptions {
  /** A run every so often even without a notification, in case one was lost. */
  safetyPollMs: number;
  onError(err: unknown): void;
}

/**
 * Wakes the stream's one reader: on every NOTIFY on `pm_events` (PostgreSQL: from any coordinator process on the
 * database; PGlite: from this process's own commits, its one session hears its own NOTIFYs), when the listening
 * connection comes back, and on a slow safety timer. Runs never overlap: wake-ups during a run make one more run
 * after it. A run answers in how many milliseconds it must run again without being woken (a missing id that may
 * still commit announces nothing when it is rolled back), or undefined.
 */
export class Notifier {
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  #safety: NodeJS.Timeout | undefined;
  #unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly run: () => Promise<number | undefined>,
    private readonly opts: NotifierOptions,
  ) {}

  async start(): Promise<void> {
    this.#unlisten = await this.db.listen(EVENTS_CHANNEL, () => this.wake(), () => this.wake());
    this.#safety = setInterval(() => this.wake(), this.opts.safetyPollMs);
    this.#safety.unref();
  }

  wake(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop();
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        const rerunMs = await this.run();
        if (rerunMs !== undefined) this.#later(rerunMs);
      } catch (err) {
        this.opts.onError(err);
        this.#later(1_000);
      }
    } while (this.#again && !this.#stopped);
    // In the same step as the last check: a wake-up after it starts a new loop instead of being lost.
    this.#running = undefined;
  }

  #later(ms: number): void {
    if (this.#retry || this.#stopped) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.wake();
    }, ms);
  }

  /** Stops listening and waits for the run in progress, so that nothing queries the store after. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    clearInterval(this.#safety);
    await this.#unlisten?.();
    await this.#running;
  }
}
