import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../domain/clock.ts';
import { encodeProof, type ProofEnvelope } from '../proofs/envelope.ts';
import { ProofMarketClient, ProofMarketError } from '../sdk/client.ts';
import type { AssignedTask, AuctionView, RegisterProverRequest } from '../api/index.ts';
import { ArtifactCache, type CachedProgram } from './artifacts.ts';
import { backoffMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { decideBid, type BackendPricing, type BidDecision, type BidderState, type OwnActions } from './bidding.ts';
import { advertisedLevels, proverConfig, type ProverConfig } from './config.ts';
import { ArtifactError, classifyError, errorMessage, ProverStartError } from './errors.ts';
import { corruptProof } from './faulty.ts';
import { systemGpuProbe, type GpuProbe } from './gpu.ts';
import { ProvingPool } from './proving.ts';
import { advertisedSpeed, measureProofRate } from './speed.ts';
import { loadNodeState, loadOrCreateKey, saveNodeState } from './state-dir.ts';
import type { Signer } from '../sdk/signer.ts';
import { DEFAULT_RETRY, isTerminalPhase, newTaskState, transition, type RetryPolicy, type TaskEvent, type TaskPhase, type TaskState } from './task-state.ts';

/** The proof systems this node proves (snarkjs, in worker threads). */
export const BACKENDS = ['groth16', 'plonk', 'fflonk'] as const;

/**
 * Counters, for dashboards and the demo. A task ends in exactly one of passed, failed, errors, released
 * or lost.
 */
export interface ProverStats {
  /** Proofs generated (corrupted ones included). */
  proved: number;
  /** Results the coordinator answered (passed + failed). */
  submitted: number;
  /** Results the coordinator verified: Pass. */
  passed: number;
  /** Results the coordinator rejected: Fail (e.g. corrupted by `faulty_rate`). */
  failed: number;
  /** Tasks this node could not do (bad artifacts, proving kept failing); handed back to the market. */
  errors: number;
  /** Tasks handed back to the market on stop. */
  released: number;
  /** Tasks the coordinator took away meanwhile (e.g. after its proof timeout). */
  lost: number;
  /** Tasks held right now. */
  active: number;
  /** Failed attempts that were retried (of a task stage, a poll or a heartbeat). */
  retries: number;
  /** Times the coordinator came back after being unreachable, or had to be registered with again. */
  reconnects: number;
}

/**
 * Bidding counters (kept apart from `ProverStats`, whose shape the task counters' users rely on).
 * `sent` counts every action sent (bids, sealed commits and reveals, rising locks); `refused` those the
 * market answered with a 409; `won` requests won (a take or lock that assigned at once, or a request this
 * node bid on that the coordinator then handed to it); `skipped` auction rounds that closed without an
 * action from this node, its strategy having decided to skip them.
 */
export interface BiddingStats {
  sent: number;
  refused: number;
  won: number;
  skipped: number;
}

/** A bidding decision in a JSON-friendly form (money as strings). */
export interface BidDecisionEvent {
  action: BidDecision['action'];
  reason?: string;
  detail?: string;
  fee?: string;
  price?: string;
  until?: string;
}

/** What `node.on(...)` hears. Every task event carries its `taskId`. */
export interface ProverNodeEvents {
  registered: [{ nodeId: string; provingSpeed: number | undefined; again: boolean }];
  assigned: [{ taskId: string; programId: string; system: string | undefined; privacyLevel: number }];
  /** Every change of a task's phase (see task-state.ts). */
  state: [{ taskId: string; from: TaskPhase; to: TaskPhase; error?: string }];
  proved: [{ taskId: string; ms: number; corrupted: boolean }];
  /** The coordinator verified the proof: Pass. */
  submitted: [{ taskId: string; qualityScore: number }];
  /** The coordinator rejected the proof: Fail. */
  rejected: [{ taskId: string; reason: string }];
  /** The node gave up on the task (and handed it back). */
  failed: [{ taskId: string; error: string }];
  released: [{ taskId: string; reason: string }];
  lost: [{ taskId: string; reason: string }];
  retry: [{ taskId?: string; stage: string; attempt: number; delayMs: number; error: string }];
  disconnected: [{ error: string }];
  reconnected: [];
  /** Unexpected errors; the node keeps running. Only emitted when someone listens. */
  error: [{ error: Error; taskId?: string }];
  stopped: [];
  /** The strategy's decision about one auction round, emitted when it changes (see bidding.ts). */
  'bid-decision': [{ requestId: string; round: number; mechanism: string; backend: string; decision: BidDecisionEvent }];
  /** An auction action sent, and the market's answer (`code`: the 409's rejection reason). */
  bid: [{ requestId: string; round: number; action: 'bid' | 'commit' | 'reveal' | 'lock'; fee?: string; accepted: boolean; assigned?: boolean; code?: string; message?: string }];
  /** A request this node won (at once by a take or lock, or handed to it after a bid). */
  won: [{ requestId: string; via: 'action' | 'assignment' }];
  /** The coordinator serves no market API (`GET /v1/auctions` is 404): bidding pauses and retries later. */
  'bidding-unavailable': [{ error: string }];
}

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

/** What the node remembers about one round of one open auction. */
interface AuctionMemo {
  requestId: string;
  round: number;
  own: OwnActions;
  /** The request's deadline: undefined until fetched, null when unknown. */
  deadline?: Date | null;
  /** The last emitted decision (to emit changes only). */
  last?: string;
  /** Epoch ms before which the node does not act on it again (after a retryable refusal). */
  notBefore: number;
  /** A refusal that ends this node's part in the round. */
  final?: string;
  acted: boolean;
  skipped: boolean;
  /** Epoch ms after which it may be forgotten once the auction is no longer listed. */
  keepUntil: number;
}

/** 409 codes after which the same action may succeed a little later. */
const RETRYABLE_REFUSALS = new Set(['capacity_full', 'lock_held', 'prover_inactive']);
/** How long a node waits for the coordinator to hand over a won request before it stops counting it. */
const WON_PICKUP_MS = 120_000;
/** How long a bid is remembered for recognizing the request when it is assigned. */
const BID_MEMORY_MS = 10 * 60_000;
/** How often the node refreshes its own stars (GET /v1/provers/:id). */
const STARS_REFRESH_MS = 30_000;
/** Pause when the coordinator has no market API. */
const MARKET_ABSENT_PAUSE_MS = 15_000;

interface TaskRun {
  task: AssignedTask;
  state: TaskState;
  abort: AbortController;
  handBack: boolean;
  program?: CachedProgram;
  envelope?: ProofEnvelope;
  quality?: number;
  done: Promise<void>;
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
  readonly stats: ProverStats = { proved: 0, submitted: 0, passed: 0, failed: 0, errors: 0, released: 0, lost: 0, active: 0, retries: 0, reconnects: 0 };
  readonly bidStats: BiddingStats = { sent: 0, refused: 0, won: 0, skipped: 0 };

  #nodeId: string | undefined;
  #provingSpeed: number | undefined;
  #registration: RegisterProverRequest | undefined;
  #reregistering: Promise<void> | undefined;
  #pool: ProvingPool | undefined;
  #artifacts: ArtifactCache;
  #tasks = new Map<string, TaskRun>();
  #online = true;
  #started = false;
  #stopping = false;
  #stopPromise: Promise<void> | undefined;
  #stopFetching = new AbortController();
  #halt = new AbortController();
  #loops: Promise<void>[] = [];
  #fetchLoop: Promise<void> = Promise.resolve();
  #bidLoop: Promise<void> = Promise.resolve();
  /** Proofs per second of one worker, as measured (undefined when not measured). */
  #ratePerWorker: number | undefined;
  #bidder: Omit<BidderState, 'free_capacity' | 'stars'> | undefined;
  #auctions = new Map<string, AuctionMemo>();
  /** request id → epoch ms until which an assignment of it counts as a won bid. */
  #bidRequests = new Map<string, number>();
  /** Requests won at once (take, lock) and not yet picked up: they hold capacity. request id → expiry. */
  #wonAwaiting = new Map<string, number>();
  #stars: number | null | undefined;
  #starsAt = -Infinity;
  #wakers = new Set<() => void>();
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #gpu: GpuProbe;
  readonly #measure: boolean;
  readonly #backoff: BackoffPolicy;
  readonly #retry: RetryPolicy;
  readonly #randomBytes: (n: number) => Uint8Array;

  constructor(config: Partial<ProverConfig> = {}, opts: ProverNodeOptions = {}) {
    super();
    this.config = proverConfig(config);
    // Every call is signed with the node's key (a client passed in signs as it was built to).
    this.signer = opts.client ? undefined : loadOrCreateKey(this.config.key_file ?? join(this.config.state_dir, 'key.json'));
    this.client = opts.client ?? new ProofMarketClient({ baseUrl: this.config.coordinator_url, timeoutMs: 15_000, signer: this.signer });
    this.#clock = opts.clock ?? systemClock;
    this.#random = opts.random ?? Math.random;
    this.#gpu = opts.gpuProbe ?? systemGpuProbe;
    this.#measure = opts.measureSpeed ?? true;
    this.#backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.#retry = opts.retry ?? DEFAULT_RETRY;
    this.#randomBytes = opts.randomBytes ?? ((n) => new Uint8Array(cryptoRandomBytes(n)));
    this.#artifacts = new ArtifactCache(join(this.config.state_dir, 'programs'), this.client);
  }

  /** The id this node registered under (known once `start()` has begun). */
  get nodeId(): string | undefined {
    return this.#nodeId;
  }

  /** Advertised proofs per second (undefined when it could not be measured). */
  get provingSpeed(): number | undefined {
    return this.#provingSpeed;
  }

  /** A snapshot of the tasks held right now. */
  get tasks(): TaskState[] {
    return [...this.#tasks.values()].map((r) => r.state);
  }

  /**
   * Checks the GPU setting, starts the worker threads, measures the proving speed (once per state dir),
   * registers (retrying while the coordinator is unreachable) and starts heartbeats and polling. Throws a
   * ProverStartError when the node cannot run (no GPU although gpu_enabled; registration refused).
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('the prover node was already started');
    this.#started = true;
    const c = this.config;
    if (c.gpu_enabled) {
      const gpu = this.#gpu.detect();
      if (!gpu) {
        throw new ProverStartError('no_gpu', 'gpu_enabled is set but no usable GPU was found (no /dev/nvidia0, no nvidia-smi); set gpu_enabled to false to prove on the CPU');
      }
    }
    const state = loadNodeState(c.state_dir);
    this.#nodeId = c.node_id ?? state.node_id;
    this.#pool = new ProvingPool({ size: c.max_concurrent_proofs, timeoutMs: c.proof_timeout * 1000 });
    try {
      let rate = state.proof_rate_per_worker;
      if (rate === undefined && this.#measure) {
        const measured = await measureProofRate(this.#pool).catch((err: unknown) => {
          this.#emitError(err);
          return null;
        });
        if (measured) {
          rate = measured.rate;
          saveNodeState(c.state_dir, { ...state, proof_rate_per_worker: rate, benchmark: measured.benchmark });
        }
      }
      this.#ratePerWorker = rate;
      this.#provingSpeed = rate === undefined ? undefined : advertisedSpeed(rate, c.max_concurrent_proofs, availableParallelism());
      this.#registration = {
        prover_id: this.#nodeId,
        supported_levels: advertisedLevels(c),
        capacity: c.max_concurrent_proofs,
        backends: this.#backends(),
        gpu_enabled: c.gpu_enabled,
        ...(this.#provingSpeed !== undefined ? { proving_speed: this.#provingSpeed } : {}),
        ...(c.reward_address !== undefined ? { reward_address: c.reward_address } : {}),
        ...(c.name !== undefined ? { name: c.name } : {}),
        // The market's defaults ("0", per_proof) are left out, so a seed coordinator still accepts the body.
        ...(c.base_price !== '0' ? { base_price: c.base_price } : {}),
        ...(c.price_type !== 'per_proof' ? { price_type: c.price_type } : {}),
      };
      this.#bidder = this.#bidderConfig();
      await this.#registerAtStart();
      await this.#keepStaked();
      if (this.#stopping) throw new ProverStartError('stopped', 'the node was stopped while starting');
    } catch (err) {
      await this.#pool.close();
      // Never registered (or refused): a later stop() has nothing to undo, and must not heartbeat this id.
      this.#stopPromise ??= Promise.resolve();
      throw err;
    }
    this.#fetchLoop = this.#supervise('poll', () => this.#runFetchLoop());
    this.#loops.push(this.#fetchLoop, this.#supervise('heartbeat', () => this.#runHeartbeatLoop()));
    if (c.bidding) {
      this.#bidLoop = this.#supervise('bidding', () => this.#runBiddingLoop());
      this.#loops.push(this.#bidLoop);
    }
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
    this.#stopping = true;
    this.#stopFetching.abort();
    this.#wakeUp();
    // No new work from here on: neither polls nor bids (a sealed commitment left unrevealed simply loses).
    await Promise.all([this.#fetchLoop, this.#bidLoop]);
    const timeoutMs = opts.timeoutMs ?? this.config.shutdown_timeout * 1000;
    if (!opts.handBack && this.#tasks.size > 0) {
      const timer = new AbortController();
      await Promise.race([this.#allTasks(), sleep(timeoutMs, undefined, { signal: timer.signal }).catch(() => undefined)]);
      timer.abort();
    }
    for (const run of this.#tasks.values()) {
      run.handBack = true;
      run.abort.abort();
    }
    await this.#allTasks();
    this.#halt.abort();
    await Promise.all(this.#loops);
    if (this.#nodeId && this.#registration) {
      await this.client.heartbeat({ prover_id: this.#nodeId, status: 'offline', current_load: 0 }).catch(() => undefined);
    }
    await this.#pool?.close();
    this.emit('stopped');
  }

  async #allTasks(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.all([...this.#tasks.values()].map((r) => r.done));
  }

  // ── registration and the two loops ─────────────────────────────────────────────────────────────

  async #registerAtStart(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.#stopping) throw new ProverStartError('stopped', 'the node was stopped while starting');
      try {
        await this.client.registerProver(this.#registration!);
        this.#connected();
        this.emit('registered', { nodeId: this.#nodeId!, provingSpeed: this.#provingSpeed, again: false });
        return;
      } catch (err) {
        if (err instanceof ProofMarketError && err.code === 'duplicate_prover_id') {
          throw new ProverStartError(
            'duplicate_node_id',
            `node id "${this.#nodeId}" is already registered at the coordinator with other settings; use another --node-id (or a fresh --state-dir) for a node with new settings`,
          );
        }
        const c = classifyError(err);
        if (c.kind !== 'retry' || c.retry !== 'transient') {
          throw new ProverStartError('registration_refused', `the coordinator refused the registration: ${errorMessage(err)}`);
        }
        if (c.connection) this.#disconnected(err);
        const delayMs = backoffMs(attempt, this.#backoff, this.#random());
        this.#noteRetry(undefined, 'register', attempt + 1, delayMs, err);
        await sleep(delayMs, undefined, { signal: this.#stopFetching.signal }).catch(() => undefined);
      }
    }
  }

  /**
   * Tops the prover's stake up to `config.stake` from its owner's balance (possible when the node's key is
   * the owner; a node running with a submitter key relies on its owner staking).
   */
  async #keepStaked(): Promise<void> {
    const target = BigInt(this.config.stake);
    if (target === 0n) return;
    const s = await this.client.stakeOf(this.#nodeId!);
    const have = BigInt(s.stake) + BigInt(s.locked) + BigInt(s.unstaking);
    if (have >= target) return;
    try {
      await this.client.stake(this.#nodeId!, (target - have).toString());
    } catch (err) {
      throw new ProverStartError('stake_failed', `cannot stake ${target - have} for prover "${this.#nodeId}": ${errorMessage(err)}${this.signer ? ` (fund ${this.signer.address} first: proofmarket deposit)` : ''}`);
    }
  }

  /**
   * Runs a stage loop and restarts it with backoff if it ever throws (a bug: the loops handle the errors
   * they expect), so one surprise never leaves the node registered but deaf.
   */
  async #supervise(stage: string, loop: () => Promise<void>): Promise<void> {
    for (let restarts = 0; ; restarts++) {
      try {
        return await loop();
      } catch (err) {
        this.#emitError(err);
        if (this.#halt.signal.aborted || ((stage === 'poll' || stage === 'bidding') && this.#stopping)) return;
        const delayMs = backoffMs(restarts, this.#backoff, this.#random());
        this.#noteRetry(undefined, stage, restarts + 1, delayMs, err);
        await sleep(delayMs, undefined, { signal: this.#halt.signal }).catch(() => undefined);
      }
    }
  }

  /** A coordinator that forgot this node (a fresh database) gets the same registration again. */
  #reregister(): Promise<void> {
    this.#reregistering ??= this.client
      .registerProver(this.#registration!)
      .then(() => {
        this.stats.reconnects++;
        this.emit('registered', { nodeId: this.#nodeId!, provingSpeed: this.#provingSpeed, again: true });
      })
      .catch((err: unknown) => this.#emitError(err))
      .finally(() => (this.#reregistering = undefined));
    return this.#reregistering;
  }

  async #runFetchLoop(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      if (this.#tasks.size >= this.config.max_concurrent_proofs) {
        await this.#nap(this.config.poll_interval * 1000);
        continue;
      }
      try {
        const task = await this.client.assignTask(this.#nodeId!);
        this.#connected();
        failures = 0;
        // Even while stopping: the coordinator has given it to us, so it is ours to finish or hand back.
        if (task) this.#accept(task);
        else await this.#nap(this.config.poll_interval * 1000);
      } catch (err) {
        const delayMs = await this.#onLoopError(err, 'poll', failures++);
        await sleep(delayMs, undefined, { signal: this.#stopFetching.signal }).catch(() => undefined);
      }
    }
  }

  async #runHeartbeatLoop(): Promise<void> {
    let failures = 0;
    while (!this.#halt.signal.aborted) {
      const interval = this.config.heartbeat_interval * 1000;
      await sleep(failures === 0 ? interval : Math.min(interval, backoffMs(failures, this.#backoff, this.#random())), undefined, { signal: this.#halt.signal }).catch(() => undefined);
      if (this.#halt.signal.aborted) return;
      try {
        await this.client.heartbeat({ prover_id: this.#nodeId!, status: this.#stopping ? 'busy' : 'active', current_load: this.#tasks.size });
        this.#connected();
        failures = 0;
      } catch (err) {
        await this.#onLoopError(err, 'heartbeat', failures++);
      }
    }
  }

  /** Handles a failed poll or heartbeat; returns how long to back off. */
  async #onLoopError(err: unknown, stage: string, attempt: number): Promise<number> {
    const c = classifyError(err);
    if (c.kind === 'retry' && c.connection) this.#disconnected(err);
    else if (c.kind === 'retry' && c.reregister) await this.#reregister();
    else this.#emitError(err);
    const delayMs = backoffMs(attempt, this.#backoff, this.#random());
    this.#noteRetry(undefined, stage, attempt + 1, delayMs, err);
    return delayMs;
  }

  // ── bidding (bidding.ts decides; this stage polls, acts and remembers) ─────────────────────────

  /** The static part of the strategy's input, from the config and the measured speed. */
  #bidderConfig(): Omit<BidderState, 'free_capacity' | 'stars'> {
    const c = this.config;
    const pricing: Record<string, BackendPricing> = {};
    for (const [backend, p] of Object.entries(c.backend_pricing ?? {})) {
      pricing[backend] = {
        ...(p.cost_per_second !== undefined ? { cost_per_second: BigInt(p.cost_per_second) } : {}),
        ...(p.margin !== undefined ? { margin: p.margin } : {}),
        ...(p.target_price !== undefined ? { target_price: BigInt(p.target_price) } : {}),
        ...(p.seconds_per_proof !== undefined ? { seconds_per_proof: p.seconds_per_proof } : {}),
      };
    }
    return {
      prover_id: this.#nodeId!,
      backends: this.#backends(),
      privacy_levels: [...c.supported_privacy_levels],
      // The measured rate is one worker's on the groth16 benchmark circuit; it prices every backend unless
      // backend_pricing gives a backend its own seconds_per_proof. Unmeasured and unconfigured: no bid.
      seconds_per_proof: this.#ratePerWorker ? { '*': 1 / this.#ratePerWorker } : {},
      cost_per_second: BigInt(c.cost_per_second),
      margin: c.margin,
      base_price: BigInt(c.base_price),
      backend_pricing: pricing,
    };
  }

  /** Free proving slots: capacity − tasks held − requests won at once and not yet picked up. */
  #freeCapacity(): number {
    return this.config.max_concurrent_proofs - this.#tasks.size - this.#wonAwaiting.size;
  }

  /**
   * Every `bid_interval` (≥ 0.25 s): list the open auctions, decide on each round of a backend this node
   * serves, and act. One list call per tick and at most one action per auction per tick, so the rate is
   * bounded; a 409 is an answer, not an error. Connection trouble backs off like the poll loop.
   */
  async #runBiddingLoop(): Promise<void> {
    let failures = 0;
    let absent = false;
    while (!this.#stopping) {
      let delayMs = this.config.bid_interval * 1000;
      try {
        await this.#bidTick();
        this.#connected();
        failures = 0;
        absent = false;
      } catch (err) {
        if (err instanceof ProofMarketError && err.status === 404 && err.code === 'route_not_found') {
          // A coordinator without the market API: pause, and look again later (it may be upgraded).
          if (!absent) this.emit('bidding-unavailable', { error: errorMessage(err) });
          absent = true;
          delayMs = MARKET_ABSENT_PAUSE_MS;
        } else {
          delayMs = await this.#onLoopError(err, 'bidding', failures++);
        }
      }
      if (this.#stopping) return;
      await sleep(delayMs, undefined, { signal: this.#stopFetching.signal }).catch(() => undefined);
    }
  }

  async #bidTick(): Promise<void> {
    const open = await this.client.listAuctions({ state: 'open' });
    const now = this.#now();
    for (const [id, until] of this.#bidRequests) if (until <= now) this.#bidRequests.delete(id);
    for (const [id, until] of this.#wonAwaiting) if (until <= now) this.#wonAwaiting.delete(id);
    await this.#refreshStars(now);

    const listed = new Set<string>();
    for (const a of open) {
      if (this.#stopping) return;
      if (!(BACKENDS as readonly string[]).includes(a.backend)) continue; // not this node's market
      // `fixed` requests are the pull model: the poll (GET /tasks/assign) takes them under the seed rules
      // (priority order; a prover whose proof was rejected is not offered the task again while another
      // can take it), which a take through POST /bids would bypass. So the bidding stage leaves them be.
      if (a.mechanism === 'fixed') continue;
      const key = `${a.request_id}#${a.round}`;
      listed.add(key);
      let memo = this.#auctions.get(key);
      if (!memo) {
        memo = { requestId: a.request_id, round: a.round, own: {}, notBefore: 0, acted: false, skipped: false, keepUntil: 0 };
        this.#auctions.set(key, memo);
      }
      memo.keepUntil = Date.parse(a.reveal_closes_at ?? a.bid_closes_at) || 0;
      if (memo.final !== undefined || this.#now() < memo.notBefore) continue;
      await this.#consider(a, memo);
    }
    // Rounds no longer listed are closed: forget them (a pending commitment is kept until its reveal window ends).
    for (const [key, memo] of this.#auctions) {
      if (listed.has(key)) continue;
      if (memo.own.commit && !memo.own.revealed && now < memo.keepUntil) continue;
      if (!memo.acted && memo.skipped) this.bidStats.skipped++;
      this.#auctions.delete(key);
    }
  }

  /** The node's stars for the min_reputation rule, refreshed every 30 s; unknown when it cannot be read. */
  async #refreshStars(now: number): Promise<void> {
    if (now - this.#starsAt < STARS_REFRESH_MS) return;
    this.#starsAt = now;
    try {
      this.#stars = (await this.client.getProver(this.#nodeId!)).reputation;
    } catch {
      this.#stars = undefined; // the coordinator decides then (409 reputation_too_low)
    }
  }

  async #consider(a: AuctionView, memo: AuctionMemo): Promise<void> {
    // The deadline is the request's: from the view when the coordinator sends it, else fetched once, when
    // the node would act.
    if (memo.deadline === undefined && a.deadline !== undefined) memo.deadline = Number.isNaN(Date.parse(a.deadline)) ? null : new Date(a.deadline);
    const decide = (): BidDecision =>
      decideBid(a, { ...this.#bidder!, free_capacity: this.#freeCapacity(), ...(this.#stars !== undefined ? { stars: this.#stars } : {}) }, this.#clock.now(), {
        own: memo.own,
        ...(memo.deadline !== undefined ? { deadline: memo.deadline } : {}),
        randomBytes: this.#randomBytes,
      });
    let d = decide();
    if ((d.action === 'bid' || d.action === 'commit' || d.action === 'lock') && memo.deadline === undefined) {
      memo.deadline = await this.client.getRequest(a.request_id).then(
        (r) => (r.deadline ? new Date(r.deadline) : null),
        (err: unknown) => {
          const c = classifyError(err);
          if (c.kind === 'retry' && c.retry === 'transient') throw err; // unreachable or 5xx: the loop backs off
          return null; // no such route or request: act without the deadline rule
        },
      );
      d = decide();
    }
    this.#noteDecision(a, memo, d);
    switch (d.action) {
      case 'skip':
        memo.skipped = true;
        return;
      case 'wait':
        return;
      case 'bid':
        return this.#act(a, memo, 'bid', String(d.fee), () => this.client.bid(a.request_id, { prover_id: this.#nodeId!, fee: String(d.fee) }));
      case 'commit':
        // Remembered before it is sent: if the answer is lost, the reveal still has its fee and nonce.
        memo.own.commit = { fee: d.fee, nonce: d.nonce };
        return this.#act(a, memo, 'commit', String(d.fee), () => this.client.commit(a.request_id, { prover_id: this.#nodeId!, commitment: d.commitment }));
      case 'reveal':
        return this.#act(a, memo, 'reveal', String(d.fee), () => this.client.reveal(a.request_id, { prover_id: this.#nodeId!, fee: String(d.fee), nonce: d.nonce }));
      case 'lock':
        return this.#act(a, memo, 'lock', String(d.price), () => this.client.lock(a.request_id, this.#nodeId!));
    }
  }

  /** Sends one auction action and records the answer. Connection trouble and 5xx propagate (the loop backs off). */
  async #act(a: AuctionView, memo: AuctionMemo, action: 'bid' | 'commit' | 'reveal' | 'lock', fee: string, send: () => Promise<{ assigned: boolean }>): Promise<void> {
    this.bidStats.sent++;
    let assigned: boolean;
    try {
      assigned = (await send()).assigned === true;
    } catch (err) {
      const c = classifyError(err);
      if (!(err instanceof ProofMarketError) || c.kind !== 'retry' || c.retry !== 'never') {
        if (action === 'commit' && err instanceof ProofMarketError && err.status < 500) memo.own.commit = undefined;
        throw err; // unreachable, 5xx or prover_not_found (re-register): the loop handles it
      }
      this.#refused(a, memo, action, fee, err);
      return;
    }
    memo.acted = true;
    if (action === 'bid') memo.own.bid = true;
    if (action === 'lock') memo.own.lock = true;
    if (action === 'reveal') memo.own.revealed = true;
    if (action !== 'reveal') this.#bidRequests.set(a.request_id, this.#now() + BID_MEMORY_MS);
    this.emit('bid', { requestId: a.request_id, round: a.round, action, fee, accepted: true, assigned });
    if (assigned) {
      // A take or a lock: the request is ours now. It holds a slot until the poll picks it up.
      this.#wonAwaiting.set(a.request_id, this.#now() + WON_PICKUP_MS);
      this.bidStats.won++;
      this.emit('won', { requestId: a.request_id, via: 'action' });
      this.#wakeUp();
    }
  }

  #refused(a: AuctionView, memo: AuctionMemo, action: 'bid' | 'commit' | 'reveal' | 'lock', fee: string, err: ProofMarketError): void {
    this.bidStats.refused++;
    this.emit('bid', { requestId: a.request_id, round: a.round, action, fee, accepted: false, code: err.code, message: err.message });
    const now = this.#now();
    if (action === 'commit') memo.own.commit = undefined;
    if (err.code === 'duplicate_bid' && action !== 'reveal' && action !== 'commit') {
      // An earlier attempt whose answer was lost got through: the bid stands.
      memo.acted = true;
      this.#bidRequests.set(a.request_id, now + BID_MEMORY_MS);
    }
    const revealWindowOpen = action === 'reveal' && a.reveal_closes_at !== null && now < Date.parse(a.reveal_closes_at);
    if (RETRYABLE_REFUSALS.has(err.code) || (revealWindowOpen && err.code === 'phase_closed')) {
      // May succeed soon (capacity frees, a lock lapses, our clock ran ahead of the reveal phase).
      memo.notBefore = now + Math.max(1000, this.config.bid_interval * 1000);
    } else {
      memo.final = err.code; // lost race, phase closed, duplicate, mismatch, …: this round is over for us
    }
  }

  #noteDecision(a: AuctionView, memo: AuctionMemo, d: BidDecision): void {
    const e: BidDecisionEvent = { action: d.action };
    if (d.action === 'skip') {
      e.reason = d.reason;
      if (d.detail !== undefined) e.detail = d.detail;
    } else if (d.action === 'wait') {
      e.reason = d.reason;
      e.until = d.until.toISOString();
    } else if (d.action === 'lock') e.price = String(d.price);
    else e.fee = String(d.fee);
    const key = JSON.stringify(e);
    if (memo.last === key) return;
    memo.last = key;
    this.emit('bid-decision', { requestId: a.request_id, round: a.round, mechanism: a.mechanism, backend: a.backend, decision: e });
  }

  // ── one task: fetch → prove → submit ───────────────────────────────────────────────────────────

  #accept(task: AssignedTask): void {
    if (this.#wonAwaiting.delete(task.task_id)) {
      this.#bidRequests.delete(task.task_id); // counted when the take or lock won it
    } else if (this.#bidRequests.delete(task.task_id)) {
      this.bidStats.won++;
      this.emit('won', { requestId: task.task_id, via: 'assignment' });
    }
    const run: TaskRun = { task, state: newTaskState(task.task_id, this.#now()), abort: new AbortController(), handBack: false, done: Promise.resolve() };
    this.#tasks.set(task.task_id, run);
    this.stats.active = this.#tasks.size;
    this.emit('assigned', { taskId: task.task_id, programId: task.program_id, system: task.proof_system, privacyLevel: task.privacy_level });
    run.done = this.#drive(run)
      .catch(async (err: unknown) => {
        // A bug, not an expected failure: count it, and give the task back rather than sit on it.
        this.stats.errors++;
        this.#emitError(err, task.task_id);
        await this.client.releaseTask(task.task_id, this.#nodeId!).catch(() => undefined);
      })
      .finally(() => {
        this.#tasks.delete(task.task_id);
        this.stats.active = this.#tasks.size;
        this.#wakeUp();
      });
  }

  /** Runs the task's stages until its state machine reaches a terminal phase. */
  async #drive(run: TaskRun): Promise<void> {
    const taskId = run.task.task_id;
    const apply = (e: TaskEvent) => {
      const prev = run.state;
      run.state = transition(prev, e, this.#now(), this.#retry);
      if (prev.phase !== run.state.phase) this.#onPhase(run, prev);
    };
    apply({ type: 'begin' });
    while (!isTerminalPhase(run.state.phase)) {
      const s = run.state;
      // A proof on its way to the coordinator is let through; anything else goes back on hand-back.
      if (run.handBack && s.phase !== 'releasing' && (s.phase !== 'submitting' || s.attempt > 0)) {
        apply({ type: 'hand_back', reason: 'the node is stopping' });
        continue;
      }
      const wait = s.notBefore - this.#now();
      if (wait > 0) {
        const signal = s.phase === 'releasing' ? undefined : run.abort.signal;
        const slept = await sleep(wait, true, { signal }).catch(() => false);
        if (!slept) continue;
      }
      try {
        switch (s.phase) {
          case 'fetching':
            await this.#fetchStage(run);
            apply({ type: 'fetched' });
            break;
          case 'proving':
            await this.#proveStage(run);
            apply({ type: 'proved' });
            break;
          case 'submitting': {
            const verdict = await this.#submitStage(run);
            apply({ type: 'verdict', ...verdict });
            break;
          }
          case 'releasing':
            await this.client.releaseTask(taskId, this.#nodeId!);
            apply({ type: 'released' });
            break;
        }
      } catch (err) {
        if (run.handBack && (err as Error)?.name === 'AbortError') continue;
        const c = classifyError(err);
        if (c.kind === 'lost') {
          apply({ type: 'lost', reason: c.reason });
          continue;
        }
        if (c.connection) this.#disconnected(err);
        if (c.reregister) await this.#reregister();
        const delayMs = backoffMs(s.attempt, this.#backoff, this.#random());
        apply({ type: 'stage_error', error: errorMessage(err), retry: c.retry, delayMs });
        if (run.state.phase === s.phase) this.#noteRetry(taskId, s.phase, run.state.attempt, delayMs, err);
      }
    }
  }

  async #fetchStage(run: TaskRun): Promise<void> {
    const t = run.task;
    await abortable(this.client.startTask(t.task_id, this.#nodeId!), run.abort.signal);
    if (!t.circuit_input) throw new ArtifactError(`task ${t.task_id} came without circuit_input`);
    run.program = await abortable(this.#artifacts.get(t.program_id), run.abort.signal);
    if (t.proof_system && t.proof_system !== run.program.system) {
      throw new ArtifactError(`the task says ${t.proof_system} but program ${t.program_id.slice(0, 12)}… is ${run.program.system}`);
    }
  }

  /** What this node can prove: the snarkjs systems, and every external backend whose prove command is installed here. */
  #backends(): string[] {
    const registry = this.#pool!.backends;
    return [...BACKENDS, ...registry.list().filter((b) => b.kind === 'external' && registry.canProve(b.name)).map((b) => b.name)];
  }

  async #proveStage(run: TaskRun): Promise<void> {
    const p = run.program!;
    const out = await abortable(
      // external backends also get the vkey and the program id (their prove command may need them)
      this.#pool!.prove({ system: p.system, input: run.task.circuit_input!, wasmPath: p.wasmPath, zkeyPath: p.zkeyPath, vkeyPath: p.vkeyPath, programId: p.programId }),
      run.abort.signal,
    );
    this.stats.proved++;
    let envelope: ProofEnvelope = { system: p.system, proof: out.proof, public_signals: out.publicSignals };
    // Demo/testing only: spoil the proof so the coordinator's verifier must reject it.
    const corrupted = this.config.faulty_rate > 0 && this.#random() < this.config.faulty_rate;
    if (corrupted) envelope = corruptProof(envelope, this.#random());
    run.envelope = envelope;
    this.emit('proved', { taskId: run.task.task_id, ms: Math.round(out.ms), corrupted });
  }

  async #submitStage(run: TaskRun): Promise<{ pass: boolean; reason?: string }> {
    const taskId = run.task.task_id;
    try {
      const r = await this.client.submitResult({ task_id: taskId, prover_id: this.#nodeId!, proof: encodeProof(run.envelope!) });
      run.quality = r.quality_score;
      return r.verification_result === 'Pass' ? { pass: true } : { pass: false, reason: r.reason ?? 'the proof did not verify' };
    } catch (err) {
      // The coordinator may have settled our proof and then lost the connection before answering.
      if (err instanceof ProofMarketError && err.code === 'task_completed') {
        const detail = await this.client.getTask(taskId).catch(() => null);
        const ours = detail?.proofs.find((p) => p.prover_id === this.#nodeId && p.verification_result === 'Pass');
        if (ours) {
          run.quality = ours.quality_score;
          return { pass: true };
        }
      }
      throw err;
    }
  }

  #onPhase(run: TaskRun, prev: TaskState): void {
    const taskId = run.task.task_id;
    const s = run.state;
    this.emit('state', { taskId, from: prev.phase, to: s.phase, ...(s.error !== undefined ? { error: s.error } : {}) });
    switch (s.phase) {
      case 'done':
        this.stats.submitted++;
        this.stats.passed++;
        this.emit('submitted', { taskId, qualityScore: run.quality ?? 0 });
        break;
      case 'rejected':
        this.stats.submitted++;
        this.stats.failed++;
        this.emit('rejected', { taskId, reason: s.error ?? 'the proof did not verify' });
        break;
      case 'failed':
        this.stats.errors++;
        this.emit('failed', { taskId, error: s.error ?? 'unknown error' });
        break;
      case 'released':
        this.stats.released++;
        this.emit('released', { taskId, reason: s.error ?? 'handed back' });
        break;
      case 'lost':
        this.stats.lost++;
        this.emit('lost', { taskId, reason: s.error ?? 'the coordinator took the task back' });
        break;
    }
  }

  // ── small helpers ──────────────────────────────────────────────────────────────────────────────

  #now(): number {
    return this.#clock.now().getTime();
  }

  #connected(): void {
    if (this.#online) return;
    this.#online = true;
    this.stats.reconnects++;
    this.emit('reconnected');
  }

  #disconnected(err: unknown): void {
    if (!this.#online) return;
    this.#online = false;
    this.emit('disconnected', { error: errorMessage(err) });
  }

  #noteRetry(taskId: string | undefined, stage: string, attempt: number, delayMs: number, err: unknown): void {
    this.stats.retries++;
    this.emit('retry', { ...(taskId !== undefined ? { taskId } : {}), stage, attempt, delayMs, error: errorMessage(err) });
  }

  #emitError(err: unknown, taskId?: string): void {
    // An 'error' event with no listener would throw and take the node down: the opposite of the point.
    if (this.listenerCount('error') === 0) return;
    this.emit('error', { error: err instanceof Error ? err : new Error(String(err)), ...(taskId !== undefined ? { taskId } : {}) });
  }

  /** Sleeps up to `ms`, or less when a task finishes or the node stops. */
  #nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }

  #wakeUp(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}

/** Rejects with an AbortError as soon as `signal` fires; `p` itself runs on (its result is ignored). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
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
