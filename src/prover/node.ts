import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../domain/clock.ts';
import { ProofMarketClient } from '../sdk/client.ts';
import type { Signer } from '../sdk/signer.ts';
import { ArtifactCache } from './artifacts.ts';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { proverConfig, type ProverConfig } from './config.ts';
import { NodeContext } from './context.ts';
import { ProverStartError } from './errors.ts';
import type { BiddingStats, ProverNodeEvents, ProverStats } from './events.ts';
import { systemGpuProbe, type GpuProbe } from './gpu.ts';
import { ProvingPool } from './proving.ts';
import { BiddingStage } from './stages/bid.ts';
import { runHeartbeat, sayGoodbye } from './stages/heartbeat.ts';
import { runPoll } from './stages/poll.ts';
import { checkGpu, keepStaked, learnSpeed, registerAtStart, registrationOf, servedBackends } from './stages/register.ts';
import { chainMarketOf, loadNodeState, loadOrCreateKey } from './state-dir.ts';
import { Supervisor, type StageStatus } from './supervisor.ts';
import { allTasksDone, handBackAll } from './task-runner.ts';
import { DEFAULT_RETRY, type RetryPolicy, type TaskState } from './task-state.ts';

export { BACKENDS } from './stages/register.ts';
export type { BidDecisionEvent, BiddingStats, ProverNodeEvents, ProverStats } from './events.ts';
export type { StageStatus } from './supervisor.ts';

export interface ProverNodeOptions {
  /** Defaults to a client for `config.coordinator_url`. */
  client?: ProofMarketClient;
  clock?: Clock;
  /** Uniform in [0, 1): backoff jitter and the faulty mode's dice. */
  random?: () => number;
  gpuProbe?: GpuProbe;
  /** Measure the proving speed at start when the state dir has none yet (default true). */
  measureSpeed?: boolean;
  backoff?: BackoffPolicy;
  retry?: RetryPolicy;
  /** Random bytes for sealed bids' nonces (default crypto.randomBytes). */
  randomBytes?: (n: number) => Uint8Array;
}

export interface StopOptions {
  /** Release in-flight tasks to the market at once instead of finishing them. */
  handBack?: boolean;
  /** How long to wait for in-flight proofs before handing them back (default: config.shutdown_timeout). */
  timeoutMs?: number;
}

/**
 * A prover node: registers with the coordinator, heartbeats, polls for tasks while it has free capacity,
 * and takes each task through fetch → prove → submit (task-state.ts) with retries and backoff. Proofs run in
 * `max_concurrent_proofs` worker threads. It rides out a coordinator restart (connection errors are retried;
 * a coordinator that forgot it gets a new registration) and one bad task never stops it.
 *
 * With `bidding` on (the default) a bidding stage runs beside the poll: every `bid_interval` it lists the
 * open auctions, asks the pure strategy (bidding.ts) what to do about each round of a backend it serves,
 * and sends the bids, sealed commits and reveals, and rising locks. Requests it wins reach it through the
 * same poll, so proving and submitting do not change. Counters in `bidStats`, decisions as events.
 *
 * This class only composes: each stage is its own file under stages/ (register, heartbeat, poll, bid, and
 * per task fetch, prove, submit, driven by task-runner.ts), the long-lived ones run by a Supervisor that
 * restarts a failed stage with backoff; NodeContext is what they share.
 *
 * @example
 * const node = new ProverNode({ coordinator_url: 'http://127.0.0.1:8080', max_concurrent_proofs: 2 });
 * node.on('submitted', ({ taskId }) => console.log('verified', taskId));
 * await node.start();
 * // …
 * await node.stop();                     // finish in-flight proofs (or { handBack: true } to release them)
 */
export class ProverNode extends EventEmitter<ProverNodeEvents> {
  readonly config: ProverConfig;
  readonly client: ProofMarketClient;
  /** The key the node signs with (undefined when a client was passed in); its address acts for the prover. */
  readonly signer: Signer | undefined;
  readonly stats: ProverStats;
  readonly bidStats: BiddingStats;

  readonly #ctx: NodeContext;
  readonly #supervisor: Supervisor;
  readonly #gpu: GpuProbe;
  readonly #measure: boolean;
  #started = false;
  #stopPromise: Promise<void> | undefined;

  constructor(config: Partial<ProverConfig> = {}, opts: ProverNodeOptions = {}) {
    super();
    this.config = proverConfig(config);
    // Every call is signed with the node's key (a client passed in signs as it was built to).
    const keyPath = this.config.key_file ?? join(this.config.state_dir, 'key.json');
    this.signer = opts.client ? undefined : loadOrCreateKey(keyPath);
    this.client = opts.client ?? new ProofMarketClient({ baseUrl: this.config.coordinator_url, timeoutMs: 15_000, signer: this.signer });
    const random = opts.random ?? Math.random;
    const backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.#ctx = new NodeContext({
      config: this.config,
      client: this.client,
      signer: this.signer,
      clock: opts.clock ?? systemClock,
      random,
      backoff,
      retry: opts.retry ?? DEFAULT_RETRY,
      randomBytes: opts.randomBytes ?? ((n) => new Uint8Array(cryptoRandomBytes(n))),
      events: this,
      artifacts: new ArtifactCache(join(this.config.state_dir, 'programs'), this.client),
      chain: chainMarketOf(this.config, keyPath),
    });
    this.stats = this.#ctx.stats;
    this.bidStats = this.#ctx.bidStats;
    this.#gpu = opts.gpuProbe ?? systemGpuProbe;
    this.#measure = opts.measureSpeed ?? true;
    this.#supervisor = new Supervisor({
      backoff,
      random,
      onError: (_stage, err) => this.#ctx.emitError(err),
      onRestart: (stage, attempt, delayMs, err) => this.#ctx.noteRetry(undefined, stage, attempt, delayMs, err),
    });
  }

  /** The id this node registered under (known once `start()` has begun). */
  get nodeId(): string | undefined {
    return this.#ctx.nodeId;
  }

  /** Advertised proofs per second (undefined when it could not be measured). */
  get provingSpeed(): number | undefined {
    return this.#ctx.provingSpeed;
  }

  /** A snapshot of the tasks held right now. */
  get tasks(): TaskState[] {
    return [...this.#ctx.tasks.values()].map((r) => r.state);
  }

  /** The supervised stages (heartbeat, poll, bidding) and how they are doing. */
  get stages(): StageStatus[] {
    return this.#supervisor.status();
  }

  /**
   * Checks the GPU setting, starts the worker threads, measures the proving speed (once per state dir),
   * registers (retrying while the coordinator is unreachable) and starts heartbeats and polling. Throws a
   * ProverStartError when the node cannot run (no GPU although gpu_enabled; registration refused).
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('the prover node was already started');
    this.#started = true;
    const ctx = this.#ctx;
    checkGpu(this.config, this.#gpu);
    const state = loadNodeState(this.config.state_dir);
    ctx.nodeId = this.config.node_id ?? state.node_id;
    ctx.pool = new ProvingPool({ size: this.config.max_concurrent_proofs, timeoutMs: this.config.proof_timeout * 1000, ezkl: this.config.ezkl });
    let bidding: BiddingStage | undefined;
    try {
      await learnSpeed(ctx, state, this.#measure);
      ctx.backends = servedBackends(ctx.pool);
      ctx.registration = registrationOf(ctx);
      if (this.config.bidding) bidding = new BiddingStage(ctx);
      await registerAtStart(ctx);
      await keepStaked(ctx);
      if (ctx.stopping) throw new ProverStartError('stopped', 'the node was stopped while starting');
    } catch (err) {
      await ctx.pool.close();
      // Never registered (or refused): a later stop() has nothing to undo, and must not heartbeat this id.
      this.#stopPromise ??= Promise.resolve();
      throw err;
    }
    void this.#supervisor.run('poll', (signal) => runPoll(ctx, signal));
    void this.#supervisor.run('heartbeat', (signal) => runHeartbeat(ctx, signal));
    if (bidding) void this.#supervisor.run('bidding', (signal) => bidding.run(signal));
  }

  /**
   * Stops polling, lets in-flight proofs finish (up to `timeoutMs`), hands back what is left (all of it at
   * once with `handBack: true`), says goodbye with an `offline` heartbeat and closes the worker threads.
   * Safe to call more than once.
   */
  stop(opts: StopOptions = {}): Promise<void> {
    if (!this.#started) return Promise.resolve();
    this.#stopPromise ??= this.#stop(opts);
    return this.#stopPromise;
  }

  async #stop(opts: StopOptions): Promise<void> {
    const ctx = this.#ctx;
    ctx.beginStop();
    // No new work from here on: neither polls nor bids (a sealed commitment left unrevealed simply loses).
    await this.#supervisor.stop('poll', 'bidding');
    const timeoutMs = opts.timeoutMs ?? this.config.shutdown_timeout * 1000;
    if (!opts.handBack && ctx.tasks.size > 0) {
      const timer = new AbortController();
      await Promise.race([allTasksDone(ctx), sleep(timeoutMs, undefined, { signal: timer.signal }).catch(() => undefined)]);
      timer.abort();
    }
    handBackAll(ctx);
    await allTasksDone(ctx);
    await this.#supervisor.stop(); // the heartbeat, the last stage
    if (ctx.nodeId && ctx.registration) await sayGoodbye(ctx);
    await ctx.pool?.close();
    this.emit('stopped');
  }
}
