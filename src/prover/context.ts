import type { EventEmitter } from 'node:events';
import type { ChainMarket } from '../chain/market-client.ts';
import type { Clock } from '../domain/clock.ts';
import type { ProofMarketClient } from '../sdk/client.ts';
import type { Signer } from '../sdk/signer.ts';
import type { RegisterProverRequest } from '../api/index.ts';
import type { ArtifactCache } from './artifacts.ts';
import { backoffMs, type BackoffPolicy } from './backoff.ts';
import type { ProverConfig } from './config.ts';
import { classifyError, errorMessage } from './errors.ts';
import type { BiddingStats, ProverNodeEvents, ProverStats } from './events.ts';
import type { ProvingPool } from './proving.ts';
import type { TaskRun } from './task-runner.ts';
import type { RetryPolicy } from './task-state.ts';

export interface NodeDeps {
  config: ProverConfig;
  client: ProofMarketClient;
  signer: Signer | undefined;
  clock: Clock;
  random: () => number;
  backoff: BackoffPolicy;
  retry: RetryPolicy;
  randomBytes: (n: number) => Uint8Array;
  /** The ProverNode: every stage's events are its events. */
  events: EventEmitter<ProverNodeEvents>;
  artifacts: ArtifactCache;
  /** ProofMarket with the node's key (config chain_rpc and market_address): the node fulfils on chain. */
  chain?: ChainMarket;
}

/**
 * What the node's stages share: the node's settings and connections, what start-up learned (its id, speed,
 * registration, worker pool), the tasks held, the counters, and the reactions every stage has in common
 * (to the coordinator going away and coming back, or forgetting this node). One per ProverNode.
 */
export class NodeContext {
  readonly config: ProverConfig;
  readonly client: ProofMarketClient;
  readonly signer: Signer | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly backoff: BackoffPolicy;
  readonly retry: RetryPolicy;
  readonly randomBytes: (n: number) => Uint8Array;
  readonly events: EventEmitter<ProverNodeEvents>;
  readonly artifacts: ArtifactCache;
  readonly chain: ChainMarket | undefined;
  readonly stats: ProverStats = { proved: 0, submitted: 0, passed: 0, failed: 0, errors: 0, released: 0, lost: 0, active: 0, retries: 0, reconnects: 0 };
  readonly bidStats: BiddingStats = { sent: 0, refused: 0, won: 0, skipped: 0 };
  /** The tasks held, by task id. */
  readonly tasks = new Map<string, TaskRun>();
  /** request id → epoch ms until which an assignment of it counts as a won bid. */
  readonly bidRequests = new Map<string, number>();
  /** Requests won at once (take, lock) and not yet picked up: they hold capacity. request id → expiry. */
  readonly wonAwaiting = new Map<string, number>();

  // Learned at start (see stages/register.ts).
  nodeId: string | undefined;
  provingSpeed: number | undefined;
  /** Proofs per second of one worker, as measured (undefined when not measured). */
  ratePerWorker: number | undefined;
  registration: RegisterProverRequest | undefined;
  /** What this node proves (the snarkjs systems and the external backends installed here). */
  backends: string[] = [];
  pool: ProvingPool | undefined;

  readonly #stop = new AbortController();
  #online = true;
  #reregistering: Promise<void> | undefined;
  readonly #wakers = new Set<() => void>();

  constructor(deps: NodeDeps) {
    this.config = deps.config;
    this.client = deps.client;
    this.signer = deps.signer;
    this.clock = deps.clock;
    this.random = deps.random;
    this.backoff = deps.backoff;
    this.retry = deps.retry;
    this.randomBytes = deps.randomBytes;
    this.events = deps.events;
    this.artifacts = deps.artifacts;
    this.chain = deps.chain;
  }

  /** True once stop() has begun: no new work is taken on. */
  get stopping(): boolean {
    return this.#stop.signal.aborted;
  }

  /** Aborts when stop() begins (e.g. ends the registration's retry wait). */
  get stopSignal(): AbortSignal {
    return this.#stop.signal;
  }

  beginStop(): void {
    this.#stop.abort();
    this.wakeUp();
  }

  now(): number {
    return this.clock.now().getTime();
  }

  /** Free proving slots: capacity − tasks held − requests won at once and not yet picked up. */
  freeCapacity(): number {
    return this.config.max_concurrent_proofs - this.tasks.size - this.wonAwaiting.size;
  }

  connected(): void {
    if (this.#online) return;
    this.#online = true;
    this.stats.reconnects++;
    this.events.emit('reconnected');
  }

  disconnected(err: unknown): void {
    if (!this.#online) return;
    this.#online = false;
    this.events.emit('disconnected', { error: errorMessage(err) });
  }

  /** A coordinator that forgot this node (a fresh database) gets the same registration again. */
  reregister(): Promise<void> {
    this.#reregistering ??= this.client
      .registerProver(this.registration!)
      .then(() => {
        this.stats.reconnects++;
        this.events.emit('registered', { nodeId: this.nodeId!, provingSpeed: this.provingSpeed, again: true });
      })
      .catch((err: unknown) => this.emitError(err))
      .finally(() => (this.#reregistering = undefined));
    return this.#reregistering;
  }

  /** Handles a failed call of a stage loop (poll, heartbeat, bidding); returns how long to back off. */
  async loopFailed(err: unknown, stage: string, attempt: number): Promise<number> {
    const c = classifyError(err);
    if (c.kind === 'retry' && c.connection) this.disconnected(err);
    else if (c.kind === 'retry' && c.reregister) await this.reregister();
    else this.emitError(err);
    const delayMs = backoffMs(attempt, this.backoff, this.random());
    this.noteRetry(undefined, stage, attempt + 1, delayMs, err);
    return delayMs;
  }

  noteRetry(taskId: string | undefined, stage: string, attempt: number, delayMs: number, err: unknown): void {
    this.stats.retries++;
    this.events.emit('retry', { ...(taskId !== undefined ? { taskId } : {}), stage, attempt, delayMs, error: errorMessage(err) });
  }

  emitError(err: unknown, taskId?: string): void {
    // An 'error' event with no listener would throw and take the node down: the opposite of the point.
    if (this.events.listenerCount('error') === 0) return;
    this.events.emit('error', { error: err instanceof Error ? err : new Error(String(err)), ...(taskId !== undefined ? { taskId } : {}) });
  }

  /** Sleeps up to `ms`, or less when a task finishes, the node stops or `signal` aborts. */
  nap(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
      if (signal?.aborted) done();
    });
  }

  wakeUp(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}

/** Rejects with an AbortError as soon as `signal` fires; `p` itself runs on (its result is ignored). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new DOMException('aborted', 'AbortError'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
