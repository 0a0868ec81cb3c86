import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import { conflict, forbidden, invalid, notFound, MarketError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { parseAmount } from '../domain/money.ts';
import { isHeld, isProofOverdue, qualityScore, statusAfterRejectedProof, type TaskStatus } from '../domain/task.ts';
import { canonicalJson } from '../proofs/canonical.ts';
import { builtinArtifactUrl, encodingOf, loadBuiltinPrograms, nPublicOf } from '../proofs/programs.ts';
import type { Verifier } from '../proofs/verifier.ts';
import type { Db, Queryable } from '../store/db.ts';
import { readFile } from 'node:fs/promises';
import { getProgram, getStoredArtifact, insertProgram, type ArtifactKind, type ProgramRecord } from '../store/programs.ts';
import * as provers from '../store/provers.ts';
import * as tasks from '../store/tasks.ts';
import * as subscriptions from '../store/subscriptions.ts';
import * as auctionStore from '../store/auctions.ts';
import { insertReputationEvent, listReputationEvents } from '../store/reputation.ts';
import { effectiveStars, orderBook, suggestedPrice, termsProblems, type AuctionSpec, type RequestTerms } from '../domain/market/index.ts';
import type { BackendRegistry } from '../proofs/backends/registry.ts';
import { AuctionHouse, type StoredTerms } from './auction-house.ts';
import { Economy } from './economy.ts';
import * as ledger from '../store/ledger.ts';
import { accounts as ledgerAccounts, plan as ledgerPlan } from '../domain/ledger.ts';
import { mayActForProver, pruneNonces } from '../store/auth.ts';
import { participantId } from '../domain/auth.ts';
import { insertAudit } from '../store/audit.ts';
import type { CoordinatorConfig } from './config.ts';
import type { Metrics } from './metrics.ts';
import { blendedReputation, refreshReputation } from './reputation.ts';

/** `POST /tasks`, after schema validation. */
export interface SubmitTaskInput {
  task_id?: string;
  privacy_level: number;
  circuit_data: number[];
  reward_amount: bigint;
  requester: string;
  priority: number;
}

export interface RegisterProverInput {
  prover_id?: string;
  supported_levels: number[];
  capacity: number;
  name?: string;
  backends?: string[];
  gpu_enabled?: boolean;
  proving_speed?: number;
  base_price?: string | number;
  price_type?: provers.PriceType;
  subscription_quota?: number | null;
  reputation?: number;
  [extra: string]: unknown;
}

/** `POST /v1/requests`, after schema validation. */
export interface SubmitRequestInput {
  request_id?: string;
  /** Optional on a signed call (the signer pays); required on an unsigned one (--open). */
  requester?: string;
  program_id: string;
  input: Uint8Array;
  backend: string;
  privacy_level: number;
  priority: number;
  max_price: bigint;
  min_reputation: number;
  deadline_minutes?: number;
  auction: Record<string, unknown> & { mechanism: 'fixed' | 'weighted' | 'sealed' | 'rising' };
  allow_list?: string[];
  reauction?: { max_price_step?: string; max_price_ceiling?: string; min_reputation_step?: number; min_reputation_floor?: number } | null;
  subscription_id?: string;
  on_exhausted: 'error' | 'market';
  /** Stake the winner must have free, locked while it holds the request. */
  min_stake: bigint;
}

/**
 * Who is calling: the address that signed the call (verified by the auth hook), or undefined for an
 * unsigned call, which only a coordinator in --open mode lets through.
 */
export interface Caller {
  signer: string | undefined;
}

/** What the faucet grants an unsigned requester that is short (--open), at the least. */
export const OPEN_FAUCET_GRANT = 1_000_000n;

/** Priority names and the 0..100 values they stand for (the seed API takes the integer itself). */
export const PRIORITIES = { low: 25, normal: 50, high: 75, urgent: 100 } as const;

export interface ResultInput {
  task_id: string;
  prover_id: string;
  proof: number[];
}

export interface ResultOutcome {
  accepted: boolean;
  verification_result: 'Pass' | 'Fail';
  quality_score: number;
  reason?: string;
}

/** How often at most a prover's cached reputation is recomputed (see `tick`). */
const REPUTATION_REFRESH_MS = 1_000;

/**
 * The coordinator's rules of the market, between the HTTP routes and the store: what a task, a prover and a
 * result may do, in which transaction, and what it records. Time comes from the injected clock.
 */
export class Market {
  readonly #programs = new Map<string, ProgramRecord>();
  /** Built-in program per privacy route ("name/system"); the routes are fixed for the process's life. */
  readonly #routeCache = new Map<string, ProgramRecord>();
  /** Provers whose reputation cache is stale (a result or a timeout since); the scheduler refreshes them. */
  readonly #staleReputation = new Set<string>();
  /** When each prover's reputation cache was last refreshed (market clock, ms): at most once per REPUTATION_REFRESH_MS. */
  readonly #reputationRefreshedAt = new Map<string, number>();
  /**
   * Provers' owners, learnt from authorizing their calls. A prover's owner is fixed at registration and never
   * changes, so a call its owner signed needs no query; submitters (who may be revoked) are always checked.
   */
  readonly #owners = new Map<string, string>();
  /**
   * Tasks this process handed out, as handed out, until their result comes: the result then needs no read
   * before verifying. Never trusted for the write: settling re-checks the assignment (`recordProofAndMove`), and
   * a task that changed meanwhile is re-read under lock, as when it came from the store.
   */
  readonly #handedOut = new Map<string, tasks.TaskRecord>();
  readonly auctions: AuctionHouse;
  readonly economy: Economy;
  readonly backends: BackendRegistry;

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly verifier: Verifier,
    readonly config: CoordinatorConfig,
    readonly metrics: Metrics,
  ) {
    this.economy = new Economy(db, clock, config.economics);
    this.auctions = new AuctionHouse(db, clock, config, this.economy, (id) => this.#staleReputation.add(id));
    this.backends = verifier.backends;
  }

  /** Registers the shipped programs (idempotent) and checks every privacy level has a program. */
  async init(): Promise<void> {
    for (const p of loadBuiltinPrograms(this.clock.now())) await insertProgram(this.db, p, 'none');
    for (const route of this.config.privacyRoutes) await this.programForLevel(route.from);
  }

  async program(programId: string): Promise<ProgramRecord> {
    let p = this.#programs.get(programId);
    if (!p) {
      p = await getProgram(this.db, programId);
      if (!p) throw notFound('program_not_found', `no program with id "${programId}"`);
      this.#programs.set(programId, p);
    }
    return p;
  }

  /** A program's artifact: built-ins from the files shipped under circuits/, uploads from the database. */
  async artifact(programId: string, kind: ArtifactKind): Promise<Uint8Array> {
    const program = await this.program(programId);
    // Built-ins keep only their (canonical) vkey in the database; their wasm and zkey ship as files.
    if (program.builtin && kind !== 'vkey') return readFile(builtinArtifactUrl(program.name, program.proof_system, kind));
    const stored = await getStoredArtifact(this.db, programId, kind);
    if (!stored) throw notFound('artifact_not_found', `program "${programId}" has no ${kind} artifact`);
    return stored;
  }

  async programForLevel(level: number): Promise<ProgramRecord> {
    const route = this.config.privacyRoutes.find((r) => level >= r.from && level <= r.to);
    if (!route) throw invalid('unsupported_privacy_level', `no program serves privacy level ${level}`);
    const key = `${route.program}/${route.system}`;
    const cached = this.#routeCache.get(key);
    if (cached) return cached;
    const rows = await this.db.query<{ program_id: string }>(
      `SELECT program_id FROM programs WHERE builtin AND name = $1 AND proof_system = $2 ORDER BY created_at DESC LIMIT 1`,
      [route.program, route.system],
    );
    if (!rows[0]) throw new MarketError('unavailable', 'program_missing', `the built-in program ${route.program}/${route.system} is not installed`);
    const program = await this.program(rows[0].program_id);
    this.#routeCache.set(key, program);
    return program;
  }

  // ── tasks ────────────────────────────────────────────────────────────────────────────────────────

  async submitTask(input: SubmitTaskInput, caller: Caller): Promise<string> {
    input = { ...input, requester: this.actor(caller, input.requester, 'requester') };
    const taskId = input.task_id ?? newId();
    const data = Uint8Array.from(input.circuit_data);
    const program = await this.programForLevel(input.privacy_level);
    checkInputSize(program, data, 'circuit_data');
    const expected = await this.#expectedSignals(program, data);
    const requestHash = hashOf({ ...input, task_id: taskId, reward_amount: input.reward_amount.toString() });
    const now = this.clock.now();
    const record: tasks.TaskRecord = {
      task_id: taskId,
      privacy_level: input.privacy_level,
      circuit_data: data,
      reward_amount: input.reward_amount,
      requester: input.requester,
      priority: input.priority,
      program_id: program.program_id,
      expected_public_signals: expected,
      status: 'pending',
      assigned_prover: null,
      assigned_at: null,
      attempts: 0,
      excluded_provers: [],
      deadline: new Date(now.getTime() + this.config.taskDeadlineMs),
      request_hash: requestHash,
      created_at: now,
      updated_at: now,
      ...seedTerms(program, input.reward_amount),
    };
    const inserted = await this.db.transaction(async (tx) => {
      if (!(await tasks.insertTask(tx, record))) return false;
      await this.#escrow(tx, caller, record, input.reward_amount, now);
      return true;
    });
    if (!inserted) {
      const existing = await tasks.getTask(this.db, taskId);
      if (existing?.request_hash !== requestHash) {
        throw conflict('duplicate_task_id', `a different task with id "${taskId}" already exists`);
      }
    } else {
      this.metrics.tasksSubmitted.inc();
    }
    return taskId;
  }

  /**
   * A request with market terms: a program and backend, an input, a price ceiling, a reputation floor, an
   * auction mechanism, an optional allow list, re-auction policy or subscription. Validated in full before
   * anything is stored; a non-fixed request opens its first auction round in the same transaction.
   */
  async submitRequest(input: SubmitRequestInput, caller: Caller): Promise<string> {
    const requester = this.actor(caller, input.requester, 'requester');
    input = { ...input, requester };
    const requestId = input.request_id ?? newId();
    this.backends.requireVerifier(input.backend);
    const program = await this.program(input.program_id);
    if (program.proof_system !== input.backend) {
      throw invalid('backend_mismatch', `program ${program.program_id} (${program.name}) is proved with ${program.proof_system}, not ${input.backend}; use backend ${program.proof_system}`);
    }
    checkInputSize(program, input.input, 'the input');
    const now = this.clock.now();
    const deadline = new Date(now.getTime() + (input.deadline_minutes !== undefined ? input.deadline_minutes * 60_000 : this.config.taskDeadlineMs));
    const auction = auctionSpec(input.auction, input.max_price, deadline.getTime() - now.getTime(), this.config.proofTimeoutMs);
    const reauction = input.reauction
      ? {
          max_price_step: parseAmount(input.reauction.max_price_step ?? '0', 'reauction.max_price_step').toString(),
          max_price_ceiling: parseAmount(input.reauction.max_price_ceiling ?? input.max_price.toString(), 'reauction.max_price_ceiling').toString(),
          min_reputation_step: input.reauction.min_reputation_step ?? 0,
          min_reputation_floor: input.reauction.min_reputation_floor ?? input.min_reputation,
        }
      : null;
    const terms: RequestTerms = {
      request_id: requestId,
      backend: input.backend,
      privacy_level: input.privacy_level,
      max_price: input.max_price,
      min_reputation: input.min_reputation,
      ...(input.allow_list ? { allow_list: input.allow_list } : {}),
      auction,
    };
    const problems = termsProblems(terms);
    if (problems.length > 0) throw invalid('invalid_auction_terms', `the auction terms are invalid: ${problems.join('; ')}`);
    const expected = await this.#expectedSignals(program, input.input);
    const stored: StoredTerms = {
      auction: { ...auction, ...(auction.mechanism === 'rising' ? { min_price: auction.min_price.toString() } : {}) },
      reauction,
      ...(input.subscription_id ? { subscription_id: input.subscription_id, on_exhausted: input.on_exhausted } : {}),
    };
    const requestHash = hashOf({ ...input, input: Buffer.from(input.input).toString('base64'), request_id: requestId, max_price: input.max_price.toString(), min_stake: input.min_stake.toString() });
    const record: tasks.TaskRecord = {
      task_id: requestId,
      privacy_level: input.privacy_level,
      circuit_data: input.input,
      reward_amount: input.max_price,
      requester,
      priority: input.priority,
      program_id: program.program_id,
      expected_public_signals: expected,
      status: 'pending',
      assigned_prover: null,
      assigned_at: null,
      attempts: 0,
      excluded_provers: [],
      deadline,
      request_hash: requestHash,
      created_at: now,
      updated_at: now,
      backend: input.backend,
      mechanism: auction.mechanism,
      max_price: input.max_price,
      min_reputation: input.min_reputation,
      allow_list: input.allow_list ?? null,
      terms: stored as unknown as Record<string, unknown>,
      price: null,
      handed_out: true,
      round: 0,
      min_stake: input.min_stake,
    };
    const inserted = await this.db.transaction(async (tx) => {
      if (input.subscription_id) {
        const sub = await this.#subscriptionFor(tx, input, now);
        if (sub) {
          Object.assign(record, { mechanism: 'subscription', max_price: 0n, reward_amount: 0n, allow_list: [sub.prover_id], min_reputation: 0 });
          if (!(await tasks.insertTask(tx, record))) return false;
          await subscriptions.useSubscription(tx, sub.subscription_id);
          return true;
        }
      }
      if (!(await tasks.insertTask(tx, record))) return false;
      // The escrow covers the most this request can ever pay: its max price, or its re-auction ceiling.
      const ceiling = reauction ? BigInt(reauction.max_price_ceiling) : 0n;
      await this.#escrow(tx, caller, record, ceiling > input.max_price ? ceiling : input.max_price, now);
      if (auction.mechanism !== 'fixed') await this.auctions.openRound(tx, record, now, terms);
      return true;
    });
    if (!inserted) {
      const existing = await tasks.getTask(this.db, requestId);
      if (existing?.request_hash !== requestHash) throw conflict('duplicate_request_id', `a different request with id "${requestId}" already exists`);
    } else {
      this.metrics.tasksSubmitted.inc();
    }
    return requestId;
  }

  // ── who acts, and with whose money ────────────────────────────────────────────────────────────────

  /**
   * The participant a call acts as. Signed: the signer, and a participant the body names must be the signer.
   * Unsigned (only --open lets those through): whoever the body names.
   */
  actor(caller: Caller, named: string | undefined, field: string): string {
    if (caller.signer !== undefined) {
      if (named !== undefined && named.toLowerCase() !== caller.signer) throw forbidden('signer_mismatch', `${field} "${named}" is not the signer ${caller.signer}; a signed call acts for its signer only`);
      return caller.signer;
    }
    this.#requireOpen();
    if (named === undefined) throw invalid('invalid_request', `body is missing the field "${field}" (an unsigned call must name who it acts for)`);
    return participantId(named);
  }

  /** The owner acting on its prover's stake: the signer, or (unsigned, --open) undefined, acting for the prover itself. */
  ownerActor(caller: Caller): string | undefined {
    if (caller.signer === undefined) this.#requireOpen();
    return caller.signer;
  }

  #requireOpen(): void {
    if (!this.config.open) throw new MarketError('unauthorized', 'signature_missing', 'this call must be signed (x-pm-address, x-pm-timestamp, x-pm-nonce, x-pm-signature); unsigned calls are taken only by a coordinator started with --open');
  }

  /**
   * May this caller act for the prover (poll, start, release, submit, bid, heartbeat)? Its owner or a live
   * submitter may; unsigned calls only in --open mode.
   */
  async authorizeProver(caller: Caller, proverId: string, q: Queryable = this.db): Promise<void> {
    if (caller.signer === undefined) return this.#requireOpen();
    if (this.#owners.get(proverId) === caller.signer) return;
    const may = await mayActForProver(q, proverId, caller.signer, this.config.open);
    if (may === 'owner') {
      if (this.#owners.size >= 10_000) this.#owners.delete(this.#owners.keys().next().value!);
      this.#owners.set(proverId, caller.signer);
    }
    if (may) return;
    if (!(await provers.proverExists(q, proverId))) throw notFound('prover_not_found', `no prover with id "${proverId}"; register it first`);
    throw forbidden('not_prover_agent', `${caller.signer} may not act for prover "${proverId}": it is neither its owner nor an authorized submitter`);
  }

  /**
   * Escrows a new request's fee from its requester. In --open mode an unsigned requester that is short is
   * topped up by the faucet first, so seed clients that know nothing of deposits keep working.
   */
  async #escrow(tx: Queryable, caller: Caller, task: tasks.TaskRecord, amount: bigint, now: Date): Promise<void> {
    await this.#fundIfOpen(tx, caller, task.requester, amount, now);
    await this.economy.escrow(tx, task.task_id, task.requester, amount, now);
  }

  async #fundIfOpen(tx: Queryable, caller: Caller, who: string, amount: bigint, now: Date): Promise<void> {
    if (caller.signer !== undefined || amount === 0n) return;
    const have = await ledger.balance(tx, ledgerAccounts.balance(who));
    // At least OPEN_FAUCET_GRANT at a time, so a seed client's every task is not also a faucet movement.
    const grant = amount - have > OPEN_FAUCET_GRANT ? amount - have : OPEN_FAUCET_GRANT;
    if (have < amount) await ledger.applyMovement(tx, ledgerPlan.deposit(who, grant, 'faucet'), now);
  }

  /** The public signals a correct proof for this input must carry (the task's own; e.g. its commitment). */
  #expectedSignals(program: ProgramRecord, data: Uint8Array): Promise<string[]> {
    return encodingOf(program.input_encoding).expectedPublicSignals(data, {
      wasm: () => this.artifact(program.program_id, 'wasm'),
      nPublic: nPublicOf(program.vkey),
    });
  }

  /** The subscription a request runs under, or undefined to go to the market instead (on_exhausted: market). */
  async #subscriptionFor(tx: Queryable, input: SubmitRequestInput, now: Date) {
    const sub = await subscriptions.getSubscription(tx, input.subscription_id!, true);
    if (!sub) throw notFound('subscription_not_found', `no subscription with id "${input.subscription_id}"`);
    if (sub.requester !== input.requester) throw forbidden('not_your_subscription', `subscription "${sub.subscription_id}" belongs to another requester`);
    let problem: MarketError | undefined;
    if (now.getTime() >= sub.ends_at.getTime()) problem = conflict('subscription_expired', `subscription "${sub.subscription_id}" ended at ${sub.ends_at.toISOString()}`);
    else if (sub.quota !== null && sub.used >= sub.quota) problem = conflict('subscription_exhausted', `subscription "${sub.subscription_id}" has used all ${sub.quota} proofs of its period`);
    if (!problem) return sub;
    if (input.on_exhausted === 'market') return undefined;
    throw problem;
  }

  async subscribe(input: { requester?: string; prover_id: string; period: 'monthly' | 'annual' }, caller: Caller): Promise<subscriptions.SubscriptionRecord> {
    const requester = this.actor(caller, input.requester, 'requester');
    const prover = await provers.getProver(this.db, input.prover_id);
    if (!prover) throw notFound('prover_not_found', `no prover with id "${input.prover_id}"`);
    if (prover.price_type !== 'subscription') throw conflict('prover_not_subscription', `prover "${prover.prover_id}" sells ${prover.price_type} proofs, not subscriptions`);
    const now = this.clock.now();
    const months = input.period === 'annual' ? 12 : 1;
    const ends = new Date(now);
    ends.setUTCMonth(ends.getUTCMonth() + months);
    const sub: subscriptions.SubscriptionRecord = {
      subscription_id: newId(),
      requester,
      prover_id: prover.prover_id,
      period: input.period,
      fee: prover.base_price * BigInt(months),
      quota: prover.subscription_quota === null ? null : prover.subscription_quota * months,
      used: 0,
      starts_at: now,
      ends_at: ends,
      created_at: now,
    };
    // The fee is paid up front into the subscription's escrow, and released to the prover as it proves.
    await this.db.transaction(async (tx) => {
      await subscriptions.insertSubscription(tx, sub);
      await this.#fundIfOpen(tx, caller, requester, sub.fee, now);
      await this.economy.chargeSubscription(tx, sub, now);
    });
    return sub;
  }

  async subscription(id: string): Promise<subscriptions.SubscriptionRecord> {
    const sub = await subscriptions.getSubscription(this.db, id);
    if (!sub) throw notFound('subscription_not_found', `no subscription with id "${id}"`);
    return sub;
  }

  async task(taskId: string): Promise<tasks.TaskRecord> {
    const t = await tasks.getTask(this.db, taskId);
    if (!t) throw notFound('task_not_found', `no task with id "${taskId}"`);
    return t;
  }

  async taskStatus(taskId: string) {
    const t = await this.task(taskId);
    const history = await tasks.listTaskEvents(this.db, taskId);
    return { task: t, history };
  }

  /** Hands the prover its next task, or undefined. Polling counts as a heartbeat. */
  async assignNext(proverId: string, caller: Caller): Promise<tasks.TaskRecord | undefined> {
    await this.authorizeProver(caller, proverId);
    const started = performance.now();
    const now = this.clock.now();
    const unknown = () => notFound('prover_not_found', `no prover with id "${proverId}"; register it first`);
    // One statement does it all; PostgreSQL also needs the prover's row locked first, so that two polls by
    // one prover (even through two coordinators) cannot both pass the capacity check.
    const bps = this.config.economics.overcommitBps;
    // The claim and the stake lock in one transaction: a crash between them would leave a prover holding
    // work its stake does not back. PostgreSQL also needs the prover's row locked first, so that two polls by
    // one prover (even through two coordinators) cannot both pass the capacity and stake checks.
    const assigned = await this.db.transaction(async (tx) => {
      if (!this.db.serialized && !(await provers.lockProver(tx, proverId))) throw unknown();
      const claimed = await tasks.pollAndClaim(tx, proverId, now, bps);
      if (claimed?.fresh && claimed.min_stake > 0n) await this.economy.lockStake(tx, claimed, proverId, now);
      return claimed;
    });
    // Nothing claimed: either there was no work, or no such prover (checked only then, off the hot path).
    if (!assigned && this.db.serialized && !(await provers.proverExists(this.db, proverId))) throw unknown();
    this.metrics.assignRequest.observe((performance.now() - started) / 1000);
    if (assigned) {
      this.metrics.timeToAssignment.observe((now.getTime() - assigned.created_at.getTime()) / 1000);
      if (this.#handedOut.size >= 10_000) this.#handedOut.delete(this.#handedOut.keys().next().value!);
      this.#handedOut.set(assigned.task_id, assigned);
    }
    return assigned;
  }

  /** The prover says it has begun proving: assigned → in_progress. */
  async startTask(taskId: string, proverId: string, caller: Caller): Promise<tasks.TaskRecord> {
    await this.authorizeProver(caller, proverId);
    this.#handedOut.delete(taskId);
    return this.db.transaction(async (tx) => {
      const task = await this.#heldBy(tx, taskId, proverId);
      if (task.status === 'in_progress') return task;
      return tasks.moveTask(tx, task, 'in_progress', 'started', this.clock.now());
    });
  }

  /** The prover gives a task back (e.g. on shutdown): it returns to pending without counting as a failure. */
  async releaseTask(taskId: string, proverId: string, caller: Caller): Promise<tasks.TaskRecord> {
    await this.authorizeProver(caller, proverId);
    this.#handedOut.delete(taskId);
    return this.db.transaction(async (tx) => {
      const task = await this.#heldBy(tx, taskId, proverId);
      const now = this.clock.now();
      const moved = await tasks.moveTask(tx, task, 'pending', 'prover_released', now, { assigned_prover: null, assigned_at: null, price: null, handed_out: true }, { prover_id: proverId });
      // Handed back before its deadline: not a miss, so the stake is released, not slashed.
      await this.economy.releaseStake(tx, task, now);
      return moved;
    });
  }

  async #heldBy(q: Queryable, taskId: string, proverId: string): Promise<tasks.TaskRecord> {
    const task = await tasks.getTask(q, taskId, true);
    if (!task) throw notFound('task_not_found', `no task with id "${taskId}"`);
    if (task.status === 'completed') throw conflict('task_completed', `task "${taskId}" is already completed`);
    if (task.status === 'failed') throw conflict('task_failed', `task "${taskId}" has failed and takes no more results`);
    if (!isHeld(task.status) || task.assigned_prover !== proverId) {
      throw forbidden('not_assigned', `task "${taskId}" is not assigned to prover "${proverId}"`);
    }
    return task;
  }

  /**
   * Verifies a submitted proof and settles the task. Verification runs outside any transaction (it takes
   * milliseconds of CPU on a worker thread). The task is then settled in one statement that stores the proof
   * and moves the task only if the task is still as it was read before verifying; if it changed meanwhile (it
   * timed out, was swept, got another result), it is re-read under lock and settled from what is there now, so
   * a late result for a task that timed out is refused, with the same errors as before verifying.
   */
  async submitResult(input: ResultInput, caller: Caller): Promise<ResultOutcome> {
    await this.authorizeProver(caller, input.prover_id);
    const handed = this.#handedOut.get(input.task_id);
    this.#handedOut.delete(input.task_id);
    const seen = handed?.assigned_prover === input.prover_id ? handed : await this.#heldBy(this.db, input.task_id, input.prover_id);
    const program = await this.program(seen.program_id);
    const proofBytes = Uint8Array.from(input.proof);
    const verdict = await this.verifier.verify(proofBytes, {
      system: program.proof_system,
      vkey: program.vkey,
      expectedPublicSignals: seen.expected_public_signals,
      // external verifiers may need more of the program than its vkey (e.g. a zkVM's ELF)
      artifact: (kind) => this.artifact(program.program_id, kind),
    });
    this.metrics.verification.observe({ result: verdict.pass ? 'Pass' : 'Fail' }, verdict.ms / 1000);
    const now = this.clock.now();
    const expectedMs = await this.#expectedProofMs(input.prover_id);
    // One transaction: the proof, the status change and the money move together or not at all. The write is
    // optimistic (only if the task is as read before verifying); if it changed meanwhile (timed out, swept,
    // another result), it is re-read under lock and settled from what is there now, so a late result for a
    // task that timed out is refused with the same errors as before verifying.
    const outcome = await this.db.transaction(async (tx) => {
      let task = seen;
      let s = this.#settlement(task, input.prover_id, proofBytes, verdict, now, expectedMs);
      if (!(await tasks.recordProofAndMove(tx, task, s.proof, s.to, s.cause, now, s.changes, s.event, s.observation))) {
        task = await this.#heldBy(tx, input.task_id, input.prover_id);
        s = this.#settlement(task, input.prover_id, proofBytes, verdict, now, expectedMs);
        // Under the row lock the task is exactly as just read, so the same single write applies.
        if (!(await tasks.recordProofAndMove(tx, task, s.proof, s.to, s.cause, now, s.changes, s.event, s.observation))) {
          throw conflict('task_changed', `task ${task.task_id} changed while it was being updated; retry`);
        }
      }
      await this.#settleMoney(tx, task, input.prover_id, s.to, now);
      return s.outcome;
    });
    this.#staleReputation.add(input.prover_id);
    if (seen.mechanism === 'rising' && outcome.accepted) await this.auctions.closeOnDelivery(seen.task_id, now);
    this.metrics.results.inc({ result: outcome.verification_result });
    return outcome;
  }

  /**
   * The money side of a verdict on `task` (as it was before the verdict): a verified proof pays its prover
   * (or releases its subscription share) and frees its stake; a rejected one frees the stake, and refunds the
   * requester when the request has failed for good.
   */
  async #settleMoney(tx: Queryable, task: tasks.TaskRecord, proverId: string, to: TaskStatus, now: Date): Promise<void> {
    if (to === 'completed') {
      const subscriptionId = task.mechanism === 'subscription' ? (task.terms as StoredTerms | null)?.subscription_id : undefined;
      if (subscriptionId) {
        const sub = await subscriptions.getSubscription(tx, subscriptionId);
        if (sub) await this.economy.releaseSubscriptionShare(tx, sub, task.task_id, now);
        await this.economy.releaseStake(tx, task, now);
      } else {
        await this.economy.settle(tx, task, proverId, task.price ?? task.max_price, now);
      }
      return;
    }
    await this.economy.releaseStake(tx, task, now);
    if (to === 'failed') await this.economy.refund(tx, task, now);
  }

  /**
   * How long a proof by this prover should take, for its time efficiency: its own measured proving time
   * (1 / proving_speed) when it reported one, else a tenth of the proof timeout. Cached per process: a
   * prover's registration does not change.
   */
  readonly #expectedMs = new Map<string, number>();
  async #expectedProofMs(proverId: string, q: Queryable = this.db): Promise<number> {
    let ms = this.#expectedMs.get(proverId);
    if (ms === undefined) {
      // inside a transaction, query through it: PGlite's one connection is held by the transaction
      const p = await provers.getProver(q, proverId);
      ms = p?.proving_speed ? Math.max(1, 1000 / p.proving_speed) : this.config.proofTimeoutMs / 10;
      this.#expectedMs.set(proverId, ms);
    }
    return ms;
  }

  /** What a verdict does to a task held by `proverId`: the proof row, the move, and the answer. Pure. */
  #settlement(task: tasks.TaskRecord, proverId: string, proofBytes: Uint8Array, verdict: { pass: boolean; reason?: string; ms: number }, now: Date, expectedMs: number) {
    const elapsed = now.getTime() - (task.assigned_at ?? now).getTime();
    const observation: tasks.ReputationObservation = { success: verdict.pass, expected_ms: expectedMs, actual_ms: elapsed };
    const quality = qualityScore(verdict.pass, elapsed, this.config.proofTimeoutMs);
    const proof = {
      prover_id: proverId,
      submitted_at: now,
      proof: proofBytes,
      verification_result: verdict.pass ? 'Pass' : 'Fail',
      reason: verdict.reason ?? null,
      quality_score: quality,
      verify_ms: verdict.ms,
    } as const;
    if (verdict.pass) {
      return {
        proof,
        to: 'completed' as TaskStatus,
        cause: 'proof_verified' as const,
        changes: {},
        event: { detail: { quality_score: quality } },
        observation,
        outcome: { accepted: true, verification_result: 'Pass', quality_score: quality } as ResultOutcome,
      };
    }
    const attempts = task.attempts + 1;
    const next: TaskStatus = statusAfterRejectedProof(attempts, this.config.maxAttempts);
    return {
      proof,
      to: next,
      cause: next === 'failed' ? ('max_attempts' as const) : ('proof_rejected' as const),
      changes: { attempts, assigned_prover: null, assigned_at: null, excluded_provers: [...task.excluded_provers, proverId], price: null },
      event: { prover_id: proverId, detail: { reason: verdict.reason ?? null } },
      observation,
      outcome: { accepted: false, verification_result: 'Fail', quality_score: 0, reason: verdict.reason } as ResultOutcome,
    };
  }

  // ── provers ──────────────────────────────────────────────────────────────────────────────────────

  /**
   * Registers a prover with its market profile. Registering the same id with the identical body again is
   * idempotent (a node restarting); a different body is a conflict. Only the market operator may seed a
   * reputation (`operator`: the request carried the operator token).
   */
  async registerProver(input: RegisterProverInput, caller: Caller): Promise<string> {
    const proverId = input.prover_id ?? newId();
    if (caller.signer === undefined) this.#requireOpen();
    if (input.reputation !== undefined && !this.isOperator(caller)) {
      throw forbidden('operator_only', this.config.operatorAddress
        ? `only the market operator (${this.config.operatorAddress}) may seed a reputation: sign the call with its key`
        : 'only the market operator may seed a reputation, and this coordinator has none (start it with --operator ADDRESS)');
    }
    const backends = [...new Set(input.backends ?? this.backends.list().filter((b) => b.kind === 'snarkjs').map((b) => b.name))];
    for (const b of backends) {
      if (!this.backends.get(b)) throw invalid('unknown_backend', `unknown backend "${b}"; known: ${this.backends.list().map((x) => x.name).join(', ')}`);
    }
    const basePrice = parseAmount(input.base_price ?? '0', 'base_price');
    // The signer owns the prover (a prover registered unsigned, in --open mode, has no owner). The operator
    // may register a prover for another owner with `owner`, e.g. to seed its reputation.
    const owner = typeof input.owner === 'string' && this.isOperator(caller) ? input.owner.toLowerCase() : (caller.signer ?? null);
    const registration = { ...input, prover_id: proverId };
    const now = this.clock.now();
    const seeded = input.reputation ?? null;
    const inserted = await this.db.transaction(async (tx) => {
      const fresh = await provers.insertProver(tx, {
        prover_id: proverId,
        supported_levels: [...new Set(input.supported_levels)].sort((a, b) => a - b),
        capacity: input.capacity,
        status: 'active',
        current_load: 0,
        registration,
        registered_at: now,
        last_heartbeat_at: now,
        updated_at: now,
        name: input.name ?? null,
        backends,
        gpu_enabled: input.gpu_enabled ?? false,
        base_price: basePrice,
        price_type: input.price_type ?? 'per_proof',
        subscription_quota: input.subscription_quota ?? null,
        proving_speed: input.proving_speed ?? null,
        seeded_reputation: seeded,
        reputation_stars: seeded,
        response_time_ms: null,
        owner,
        suspended_reason: null,
      });
      if (fresh && seeded !== null) await insertAudit(tx, { at: now, actor: caller.signer!, action: 'seed_reputation', target: proverId, reason: null, detail: { stars: seeded } });
      return fresh;
    });
    if (!inserted) {
      const existing = await provers.getProver(this.db, proverId);
      if (!existing) throw conflict('duplicate_prover_id', `a prover with id "${proverId}" is already registered`);
      const role = await mayActForProver(this.db, proverId, caller.signer, this.config.open);
      if (!role) throw forbidden('not_owner', `prover "${proverId}" is registered by another owner`);
      // A submitter (a node running with an operator key) re-registering is a heartbeat: the profile is the owner's.
      if (role !== 'submitter' && canonicalJson(existing.registration) !== canonicalJson(registration)) {
        throw conflict('duplicate_prover_id', `a prover with id "${proverId}" is already registered with other settings`);
      }
      await provers.recordHeartbeat(this.db, proverId, now, existing.status === 'offline' ? 'active' : existing.status, null);
    }
    return proverId;
  }

  async heartbeat(proverId: string, status: provers.ProverStatus | undefined, currentLoad: number | undefined, caller: Caller) {
    await this.authorizeProver(caller, proverId);
    const p = await provers.recordHeartbeat(this.db, proverId, this.clock.now(), status ?? 'active', currentLoad ?? null);
    if (!p) throw notFound('prover_not_found', `no prover with id "${proverId}"; register it first`);
    return p;
  }

  listProvers() {
    return provers.listProvers(this.db);
  }

  /** Provers filtered and sorted for discovery (`GET /v1/provers`). */
  async findProvers(f: { backend?: string; max_price?: bigint; min_reputation?: number; status?: provers.ProverStatus; sort?: 'price' | 'reputation' | 'response_time' }) {
    let list = await provers.listProvers(this.db);
    if (f.backend !== undefined) list = list.filter((p) => p.backends.includes(f.backend!));
    if (f.max_price !== undefined) list = list.filter((p) => p.base_price <= f.max_price!);
    if (f.min_reputation !== undefined) list = list.filter((p) => effectiveStars(p.reputation_stars) >= f.min_reputation!);
    if (f.status !== undefined) list = list.filter((p) => p.status === f.status);
    const by: Record<string, (a: provers.ProverWithLoad, b: provers.ProverWithLoad) => number> = {
      price: (a, b) => (a.base_price < b.base_price ? -1 : a.base_price > b.base_price ? 1 : 0),
      reputation: (a, b) => effectiveStars(b.reputation_stars) - effectiveStars(a.reputation_stars),
      // provers without a measured response time go last
      response_time: (a, b) => (a.response_time_ms ?? Infinity) - (b.response_time_ms ?? Infinity),
    };
    if (f.sort) list = [...list].sort((a, b) => by[f.sort!]!(a, b) || a.prover_id.localeCompare(b.prover_id));
    return list;
  }

  async prover(proverId: string): Promise<provers.ProverWithLoad> {
    const p = (await provers.listProvers(this.db, [proverId]))[0];
    if (!p) throw notFound('prover_not_found', `no prover with id "${proverId}"`);
    return p;
  }

  /** Each component of a prover's reputation at this instant, and the observations behind it. */
  async reputation(proverId: string) {
    const p = await this.prover(proverId);
    const events = await listReputationEvents(this.db, proverId);
    return { prover_id: proverId, ...blendedReputation(events, p.seeded_reputation, this.clock.now()) };
  }

  /** A request with its current auction round and history. */
  async request(requestId: string) {
    const t = await tasks.getTask(this.db, requestId);
    if (!t) throw notFound('request_not_found', `no request with id "${requestId}"`);
    const [auction, history] = await Promise.all([auctionStore.getAuction(this.db, requestId), tasks.listTaskEvents(this.db, requestId)]);
    return { task: t, auction, history, now: this.clock.now() };
  }

  /** One round of a request's auction (the latest by default). */
  async auction(requestId: string, round?: number) {
    const t = await tasks.getTask(this.db, requestId);
    if (!t) throw notFound('request_not_found', `no request with id "${requestId}"`);
    const auction = t.mechanism === 'fixed' ? undefined : await auctionStore.getAuction(this.db, requestId, round);
    if (t.mechanism !== 'fixed' && !auction) throw notFound('auction_not_found', `request "${requestId}" has no auction round${round === undefined ? '' : ` ${round}`}`);
    if (t.mechanism === 'subscription') throw notFound('auction_not_found', `request "${requestId}" runs under a subscription, without an auction`);
    return { task: t, auction, now: this.clock.now() };
  }

  /** Open auctions (rounds in progress and fixed requests waiting for a taker), or recently closed rounds. */
  async listAuctions(f: { state: 'open' | 'closed'; backend?: string; limit: number }) {
    const rounds = await auctionStore.listAuctions(this.db, { open: f.state === 'open', backend: f.backend, limit: f.limit });
    const byId = new Map((await tasks.getTasks(this.db, rounds.map((a) => a.task_id))).map((t) => [t.task_id, t]));
    const out: Array<{ task: tasks.TaskRecord; auction?: auctionStore.AuctionRecord }> = [];
    for (const a of rounds) {
      const t = byId.get(a.task_id);
      if (t) out.push({ task: t, auction: a });
    }
    if (f.state === 'open') for (const t of await tasks.listPendingFixed(this.db, { backend: f.backend, limit: f.limit })) out.push({ task: t });
    return { items: out.slice(0, f.limit), now: this.clock.now() };
  }

  /** Depth and spread of one backend's market, and a suggested price from its recent clearing prices. */
  async orderBook(backend: string) {
    const bids = await this.db.query<{ task_id: string; max_price: string }>(
      `SELECT task_id, max_price::text AS max_price FROM tasks WHERE status = 'pending' AND backend = $1 AND mechanism <> 'subscription' LIMIT 10000`,
      [backend],
    );
    const asks = (await provers.listProvers(this.db)).filter((p) => p.status === 'active' && p.price_type !== 'subscription' && p.backends.includes(backend));
    const book = orderBook(
      bids.map((b) => ({ request_id: b.task_id, backend, max_price: BigInt(b.max_price) })),
      asks.map((p) => ({ prover_id: p.prover_id, backend, min_price: p.base_price, capacity: Math.max(0, p.capacity - p.active_tasks) })),
      backend,
    );
    const since = new Date(this.clock.now().getTime() - 24 * 3_600_000);
    const prices = await this.db.query<{ price: string }>(
      `SELECT price::text AS price FROM tasks WHERE backend = $1 AND status = 'completed' AND price IS NOT NULL AND mechanism <> 'subscription'
         AND updated_at >= $2 ORDER BY updated_at DESC LIMIT 1000`,
      [backend, since],
    );
    return { ...book, suggested_price: suggestedPrice(prices.map((r) => BigInt(r.price))) };
  }

  /**
   * The market's scheduler pass, run every `auctionTickMs`: refresh stale reputations, then let the auction
   * house close, assign, re-auction and open rounds.
   */
  async tick(): Promise<void> {
    const now = this.clock.now();
    // A busy prover delivers many proofs a second: its stars are recomputed (two queries over its recent
    // history) at most once a second, with everything since folded in, not once per proof.
    for (const id of this.#staleReputation) {
      if (now.getTime() - (this.#reputationRefreshedAt.get(id) ?? -Infinity) < REPUTATION_REFRESH_MS) continue;
      this.#staleReputation.delete(id);
      this.#reputationRefreshedAt.set(id, now.getTime());
      const p = await provers.getProver(this.db, id);
      if (p) await refreshReputation(this.db, id, p.seeded_reputation, now);
    }
    if (this.#reputationRefreshedAt.size > 10_000) this.#reputationRefreshedAt.clear();
    await this.auctions.tick();
  }

  // ── cancellation and the operator ─────────────────────────────────────────────────────────────────

  /** The requester withdraws a request that no prover holds yet: it fails (cause `cancelled`) and is refunded in full. */
  async cancelRequest(requestId: string, caller: Caller): Promise<tasks.TaskRecord> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const task = await tasks.getTask(tx, requestId, true);
      if (!task) throw notFound('request_not_found', `no request with id "${requestId}"`);
      if (caller.signer === undefined) this.#requireOpen();
      else if (caller.signer !== task.requester) throw forbidden('not_requester', `only the requester of "${requestId}" may cancel it`);
      if (task.status !== 'pending') throw conflict('not_cancellable', `request "${requestId}" is ${task.status}; only a pending request can be cancelled`);
      const refund = await this.economy.refund(tx, task, now);
      const moved = await tasks.moveTask(tx, task, 'failed', 'cancelled', now, {}, { detail: { refund: refund.toString() } });
      await this.auctions.closeRounds(tx, [requestId], now);
      return moved;
    });
  }

  isOperator(caller: Caller): boolean {
    return caller.signer !== undefined && caller.signer === this.config.operatorAddress;
  }

  #requireOperator(caller: Caller): string {
    if (!this.isOperator(caller)) {
      throw forbidden('operator_only', this.config.operatorAddress ? `only the market operator (${this.config.operatorAddress}) may do this` : 'only the market operator may do this, and this coordinator has none (start it with --operator ADDRESS)');
    }
    return caller.signer!;
  }

  /** The operator suspends a prover (it takes and wins nothing until reinstated) or reinstates it; audited. */
  async setSuspended(proverId: string, suspend: boolean, reason: string, caller: Caller): Promise<provers.ProverWithLoad> {
    const operator = this.#requireOperator(caller);
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      if (!(await provers.setSuspended(tx, proverId, suspend ? reason : null, now))) throw notFound('prover_not_found', `no prover with id "${proverId}"`);
      await insertAudit(tx, { at: now, actor: operator, action: suspend ? 'suspend_prover' : 'reinstate_prover', target: proverId, reason, detail: null });
    });
    return this.prover(proverId);
  }

  /** The operator reverses a slash, with a written reason; audited. */
  async reverseSlash(slashId: string, reason: string, caller: Caller): Promise<ledger.Slash> {
    const operator = this.#requireOperator(caller);
    return this.economy.reverseSlash(slashId, operator, reason);
  }

  // ── the sweep ────────────────────────────────────────────────────────────────────────────────────

  /**
   * One pass of the scheduler: silent provers go offline and their tasks back to pending; tasks held past
   * the proof timeout go back to pending; unfinished tasks past their deadline fail. Safe to run from
   * several coordinators at once (SKIP LOCKED), and idempotent.
   */
  async sweep(): Promise<{ offline: string[]; requeued: number; expired: number }> {
    const now = this.clock.now();
    const timeouts = { heartbeatTimeoutMs: this.config.heartbeatTimeoutMs, proofTimeoutMs: this.config.proofTimeoutMs };
    const offline = await provers.markSilentProversOffline(this.db, new Date(now.getTime() - timeouts.heartbeatTimeoutMs), now);
    return this.db.transaction(async (tx) => {
      const stuck = await tasks.lockStuckTasks(tx, new Date(now.getTime() - timeouts.proofTimeoutMs));
      for (const task of stuck) {
        const cause = task.assigned_at && isProofOverdue(task.assigned_at, now, timeouts) ? 'proof_timeout' : 'prover_offline';
        await tasks.moveTask(tx, task, 'pending', cause, now, { assigned_prover: null, assigned_at: null, price: null, handed_out: true }, { prover_id: task.assigned_prover });
        // A holder past its proof timeout missed its deadline: its stake lock is slashed. One whose heartbeats
        // stopped hands the work back before any deadline passed: its lock is released.
        if (cause === 'proof_timeout') await this.economy.slashStake(tx, task, new Date(task.assigned_at!.getTime() + timeouts.proofTimeoutMs), now);
        else await this.economy.releaseStake(tx, task, now);
        if (task.assigned_prover) {
          // A missed delivery counts against the prover: a failure that took the whole timeout.
          await insertReputationEvent(tx, {
            prover_id: task.assigned_prover,
            task_id: task.task_id,
            at: now,
            success: false,
            quality: 0,
            expected_ms: await this.#expectedProofMs(task.assigned_prover, tx),
            actual_ms: now.getTime() - (task.assigned_at ?? now).getTime(),
            cause,
          });
          this.#staleReputation.add(task.assigned_prover);
        }
      }
      const expired = await tasks.lockExpiredTasks(tx, now);
      for (const task of expired) {
        // Still held at the request's deadline: the holder missed it (slashed, the requester compensated).
        if (isHeld(task.status)) await this.economy.slashStake(tx, task, task.deadline, now);
        const refund = await this.economy.refund(tx, task, now);
        await tasks.moveTask(tx, task, 'failed', 'deadline', now, { assigned_prover: null, assigned_at: null, price: null }, {
          prover_id: task.assigned_prover,
          detail: { refund: refund.toString() },
        });
      }
      await this.economy.payDueUnstakes(tx, now);
      for (const sub of await subscriptions.lockEndedWithEscrow(tx, now)) await this.economy.closeSubscription(tx, sub, now);
      await pruneNonces(tx, new Date(now.getTime() - 2 * this.config.authWindowMs));
      await this.auctions.closeRounds(tx, expired.filter((t) => t.mechanism !== 'fixed').map((t) => t.task_id), now);
      return { offline, requeued: stuck.length, expired: expired.length };
    });
  }
}

/** An input longer than its program's encoding takes is refused before any work is done on it. */
function checkInputSize(program: ProgramRecord, data: Uint8Array, what: string): void {
  const { maxBytes } = encodingOf(program.input_encoding);
  if (maxBytes !== null && data.length > maxBytes) {
    throw invalid('input_too_large', `${what} has ${data.length} bytes; program ${program.name} takes at most ${maxBytes}`);
  }
}

/** A seed task is a `fixed` request at max_price = reward_amount, on its routed program's proof system. */
function seedTerms(program: ProgramRecord, reward: bigint) {
  return {
    backend: program.proof_system,
    mechanism: 'fixed',
    max_price: reward,
    min_reputation: 0,
    allow_list: null,
    terms: null,
    price: null,
    handed_out: true,
    round: 0,
    min_stake: 0n,
  };
}

/**
 * A request's auction spec with the defaults filled in (documented in the README): `fixed` stands until
 * the deadline; `weighted` collects bids for 5 s; `sealed` takes commitments for 5 s and reveals for 5 s;
 * `rising` starts at `min_price` (default 0), ramps to max over 10 s and takes locks for 30 s after the
 * ramp, a lock lasting the proof timeout.
 */
function auctionSpec(a: SubmitRequestInput['auction'], maxPrice: bigint, untilDeadlineMs: number, proofTimeoutMs: number): AuctionSpec {
  const num = (k: string, d: number) => (typeof a[k] === 'number' ? (a[k] as number) : d);
  switch (a.mechanism) {
    case 'fixed':
      return { mechanism: 'fixed', bid_window_ms: num('bid_window_ms', untilDeadlineMs) };
    case 'weighted':
      return { mechanism: 'weighted', bid_window_ms: num('bid_window_ms', 5_000), price_weight: num('price_weight', 0.7), reputation_weight: num('reputation_weight', 0.3) };
    case 'sealed':
      return { mechanism: 'sealed', bid_window_ms: num('bid_window_ms', 5_000), reveal_window_ms: num('reveal_window_ms', 5_000) };
    case 'rising': {
      const rampStart = num('ramp_start_ms', 0);
      const rampPeriod = num('ramp_period_ms', 10_000);
      const minPrice = a.min_price === undefined ? 0n : parseAmount(a.min_price as string | number, 'auction.min_price');
      if (minPrice > maxPrice) throw invalid('invalid_auction_terms', `auction.min_price ${minPrice} is above max_price ${maxPrice}`);
      return {
        mechanism: 'rising',
        bid_window_ms: num('bid_window_ms', rampStart + rampPeriod + 30_000),
        min_price: minPrice,
        ramp_start_ms: rampStart,
        ramp_period_ms: rampPeriod,
        lock_timeout_ms: num('lock_timeout_ms', proofTimeoutMs),
      };
    }
  }
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
