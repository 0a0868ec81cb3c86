import { setTimeout as sleepFor } from 'node:timers/promises';
import { backoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';

/**
 * Runs a node's long-lived stages (heartbeat, poll, bidding), each a loop that handles the errors it
 * expects. A loop that throws anyway (a bug) is restarted after an exponential backoff, so one surprise
 * never leaves the node registered but deaf; `stop` ends stages through their AbortSignal and waits for
 * them. Like the Boundless broker's supervisor around its pipeline of services.
 */

/** A stage's loop: runs until `signal` aborts (then returns soon), or returns when it has nothing left to do. */
export type StageLoop = (signal: AbortSignal) => Promise<void>;

/** running; restarting (backing off after a throw); finished (the loop returned); stopped (by `stop`). */
export type StageState = 'running' | 'restarting' | 'finished' | 'stopped';

export interface StageStatus {
  name: string;
  state: StageState;
  /** Times the loop threw and was started again. */
  restarts: number;
  lastError?: string;
}

export interface SupervisorOptions {
  backoff?: BackoffPolicy;
  /** Uniform in [0, 1): the backoff's jitter. */
  random?: () => number;
  /** Waits `ms`, or less when `signal` aborts; never rejects. Injected by tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Every throw of a loop, restarted or not. */
  onError?: (stage: string, err: unknown) => void;
  /** A restart about to happen after `delayMs` (`attempt` counts from 1). */
  onRestart?: (stage: string, attempt: number, delayMs: number, err: unknown) => void;
}

interface Stage {
  abort: AbortController;
  done: Promise<void>;
  status: StageStatus;
}

/** Runs a reporting callback; one that throws must not end the supervision it reports on. */
function notify(report: () => void): void {
  try {
    report();
  } catch {
    // the report is lost, the stage is not
  }
}

const realSleep = (ms: number, signal: AbortSignal): Promise<void> => sleepFor(ms, undefined, { signal }).catch(() => undefined);

export class Supervisor {
  readonly #stages = new Map<string, Stage>();
  readonly #opts: Required<Pick<SupervisorOptions, 'backoff' | 'random' | 'sleep'>> & SupervisorOptions;
  #closed = false;

  constructor(opts: SupervisorOptions = {}) {
    this.#opts = { backoff: DEFAULT_BACKOFF, random: Math.random, sleep: realSleep, ...opts };
  }

  /** Starts the stage `name` (a name runs once at a time); resolves when it has ended for good. */
  run(name: string, loop: StageLoop): Promise<void> {
    if (this.#stages.has(name)) throw new Error(`stage "${name}" is already supervised`);
    const stage: Stage = { abort: new AbortController(), done: Promise.resolve(), status: { name, state: 'running', restarts: 0 } };
    if (this.#closed) stage.abort.abort(); // stopped already: the stage ends at once
    this.#stages.set(name, stage);
    stage.done = this.#supervise(stage, loop);
    return stage.done;
  }

  /** Ends the named stages (all of them, and any started later, when none is named) and waits for them. */
  async stop(...names: string[]): Promise<void> {
    if (names.length === 0) this.#closed = true;
    const stages = names.length === 0 ? [...this.#stages.values()] : names.flatMap((n) => this.#stages.get(n) ?? []);
    for (const s of stages) s.abort.abort();
    await Promise.all(stages.map((s) => s.done));
  }

  /** A snapshot of every stage's status, in the order they were started. */
  status(): StageStatus[] {
    return [...this.#stages.values()].map((s) => ({ ...s.status }));
  }

  async #supervise(stage: Stage, loop: StageLoop): Promise<void> {
    const { signal } = stage.abort;
    const { name } = stage.status;
    for (let restarts = 0; ; restarts++) {
      try {
        await loop(signal);
        stage.status.state = signal.aborted ? 'stopped' : 'finished';
        return;
      } catch (err) {
        stage.status.lastError = err instanceof Error ? err.message : String(err);
        notify(() => this.#opts.onError?.(name, err));
        if (signal.aborted) {
          stage.status.state = 'stopped';
          return;
        }
        const delayMs = backoffMs(restarts, this.#opts.backoff, this.#opts.random());
        stage.status.state = 'restarting';
        stage.status.restarts = restarts + 1;
        notify(() => this.#opts.onRestart?.(name, restarts + 1, delayMs, err));
        await this.#opts.sleep(delayMs, signal);
        if (signal.aborted) {
          stage.status.state = 'stopped';
          return;
        }
        stage.status.state = 'running';
      }
    }
  }
}
