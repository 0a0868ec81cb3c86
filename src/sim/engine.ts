/**
 * The discrete-event simulation's core: simulated time, the event queue, live requests and provers, and every
 * state change done by the real pure code — the kernel's plans (src/domain/kernel) applied to a MemoryStore, the
 * auction engine (src/domain/market), re-auction (nextRound), the claim rule (mayClaim), the stake rules
 * (stakeProblem, the ledger's plans) and reputation (blendedReputation). The bidding behaviour of each
 * mechanism is in rounds.ts.
 */
import * as kernel from '../domain/kernel/transitions.ts';
import type { Plan } from '../domain/kernel/plan.ts';
import { DEFAULT_ECONOMICS, accounts, plan as ledgerPlan } from '../domain/ledger.ts';
import type { AuctionState, ProverProfile, ReauctionPolicy, RequestTerms } from '../domain/market/index.ts';
import type { RequestRecord, ReputationObservation } from '../domain/request.ts';
import { isHeld, isTerminal } from '../domain/task.ts';
import { blendedReputation } from '../coordinator/reputation.ts';
import { EventQueue } from './heap.ts';
import { MemoryStore } from './memory-store.ts';
import { Metrics } from './metrics.ts';
import { drawRequest, makeProvers, stakeFor, Workload, type SimProver } from './population.ts';
import { Rng } from './rng.ts';

export const SIM_MECHANISMS = ['fixed', 'weighted', 'sealed', 'rising'] as const;
export type SimMechanism = (typeof SIM_MECHANISMS)[number];

export interface SimOptions {
  provers: number;
  requestsPerDay: number;
  days: number;
  mechanism: SimMechanism;
  seed: number;
  /** Provers that see and answer each auction round (or poll a fixed request first). */
  bidders: number;
}

export const KERNEL: kernel.KernelConfig = { economics: DEFAULT_ECONOMICS, maxAttempts: 3, proofTimeoutMs: 30 * 60_000 };
/** A prover's stars are recomputed at most this often (the coordinator: once a second; here, for speed). */
const REPUTATION_REFRESH_MS = 30 * 60_000;
/** Observations a prover's stars are computed from (the store reads the newest 500; here, for speed). */
const REPUTATION_HISTORY = 100;
const REQUESTERS = 1000;

/** One live request: its row, its auction round, and what the metrics need. */
export interface Live {
  rec: RequestRecord;
  auction: AuctionState | null;
  terms: RequestTerms;
  policy: ReauctionPolicy | null;
  submittedAt: number;
  assigned: boolean;
  /** Bumped at each assignment, so a stale proof or timeout event is recognised. */
  gen: number;
  /** rising: provers waiting for the price to reach their reserve, earliest first. */
  candidates: Array<{ p: SimProver; t: number }>;
  /** The cheapest cost among the provers interested in the winning round (allocative efficiency). */
  cheapest: bigint | null;
  reauctioned: boolean;
  reoffered: boolean;
}

export type SimEvent =
  | { k: 'minute'; m: number }
  | { k: 'arrive' }
  | { k: 'due'; id: string; round: number }
  | { k: 'lock'; id: string; round: number }
  | { k: 'take'; id: string; p: SimProver }
  | { k: 'done'; id: string; gen: number; pass: boolean }
  | { k: 'timeout'; id: string; gen: number }
  | { k: 'deadline'; id: string }
  | { k: 'poll'; p: SimProver };

const EMPTY = new Uint8Array(0);

export class Engine {
  readonly rng: Rng;
  readonly provers: SimProver[];
  readonly workload: Workload;
  readonly store: MemoryStore;
  readonly metrics = new Metrics();
  readonly queue = new EventQueue<SimEvent>();
  readonly live = new Map<string, Live>();
  /** Provers with a free slot (active < capacity), and each one's position in it (-1: full). */
  readonly free: number[] = [];
  readonly #pos: Int32Array;
  readonly #observations: ReputationObservation[][];
  busySlots = 0;
  #nextId = 0;
  now = 0;
  /** Epoch of simulated time 0. */
  readonly t0 = Date.parse('2026-01-05T00:00:00Z');

  constructor(
    readonly opts: SimOptions,
    readonly onRequestMove: (e: Engine, l: Live, plan: Plan) => void,
    readonly onFreed: (p: SimProver) => void = () => {},
  ) {
    this.rng = new Rng(opts.seed);
    this.provers = makeProvers(opts.provers, this.rng);
    this.workload = new Workload(opts.requestsPerDay, opts.days, new Rng(opts.seed ^ 0x5eed));
    this.#pos = new Int32Array(opts.provers).fill(-1);
    this.#observations = this.provers.map(() => []);
    this.store = new MemoryStore((o) => this.#observe(o));
    for (let r = 0; r < REQUESTERS; r++) this.store.applyMovement(ledgerPlan.deposit(`r${r}`, 10n ** 18n));
    for (const p of this.provers) {
      const stake = stakeFor(p, this.rng);
      this.store.applyMovement(ledgerPlan.deposit(p.id, stake));
      this.store.applyMovement(ledgerPlan.stake(p.id, p.id, stake));
      this.#setFree(p);
    }
  }

  date(t: number = this.now): Date {
    return new Date(this.t0 + t);
  }

  // ── provers ───────────────────────────────────────────────────────────────────────────────────────

  #setFree(p: SimProver): void {
    const pos = this.#pos[p.idx]!;
    const hasRoom = p.active < p.capacity;
    if (hasRoom && pos < 0) {
      this.#pos[p.idx] = this.free.length;
      this.free.push(p.idx);
    } else if (!hasRoom && pos >= 0) {
      const last = this.free.pop()!;
      if (last !== p.idx) {
        this.free[pos] = last;
        this.#pos[last] = pos;
      }
      this.#pos[p.idx] = -1;
    }
  }

  #observe(o: ReputationObservation): void {
    const p = this.provers[Number(o.prover_id.slice(1))]!;
    const list = this.#observations[p.idx]!;
    list.push(o);
    if (list.length > REPUTATION_HISTORY) list.shift();
    p.stale = true;
  }

  /** The engine's view of a prover now, its stars refreshed as the coordinator's ReputationTracker does. */
  profile(p: SimProver): ProverProfile {
    if (p.stale && this.now - p.starsAt >= REPUTATION_REFRESH_MS) {
      p.stars = blendedReputation(this.#observations[p.idx]!, null, this.date()).stars;
      p.starsAt = this.now;
      p.stale = false;
    }
    return { prover_id: p.id, backends: ['groth16'], privacy_levels: [], capacity: p.capacity, active_tasks: p.active, reputation: p.stars, status: 'active' };
  }

  proverOf(id: string): SimProver {
    return this.provers[Number(id.slice(1))]!;
  }

  /** Up to `n` distinct provers with a free slot, drawn at random, that would want this request. */
  sample(l: Live, n: number): SimProver[] {
    const out: SimProver[] = [];
    const seen = new Set<number>();
    for (let tries = 0; tries < n * 3 && out.length < n && this.free.length > 0; tries++) {
      const p = this.provers[this.free[this.rng.int(this.free.length)]!]!;
      if (seen.has(p.idx)) continue;
      seen.add(p.idx);
      if (this.wants(p, l)) out.push(p);
    }
    return out;
  }

  /** A rational prover's interest: not excluded, its cost within the price, and time to finish before the deadline. */
  wants(p: SimProver, l: Live): boolean {
    if (l.rec.excluded_provers.includes(p.id) || p.cost > l.terms.max_price) return false;
    return this.now + 1.5 * p.medianProofMs < l.rec.deadline.getTime() - this.t0;
  }

  stakeOk(p: SimProver, l: Live): boolean {
    return kernel.stakeProblem(this.store.stakeOf(p.id), l.rec.min_stake, KERNEL.economics) === null;
  }

  // ── the kernel ────────────────────────────────────────────────────────────────────────────────────

  /** Applies one plan to the store (one coordinator transaction) and to the live request. */
  apply(l: Live, plan: Plan, kind: string): void {
    if (!this.store.applyPlan(l.rec, plan)) throw new Error(`plan ${plan.cause} for ${l.rec.task_id} was stale`);
    const wasHeld = isHeld(l.rec.status) ? l.rec.assigned_prover : null;
    l.rec = plan.next;
    this.metrics.countTx(this.now, kind);
    if (wasHeld !== null && !isHeld(l.rec.status)) this.#leave(this.proverOf(wasHeld));
    if (isTerminal(l.rec.status)) this.live.delete(l.rec.task_id);
    this.onRequestMove(this, l, plan);
  }

  #leave(p: SimProver): void {
    p.active--;
    this.busySlots--;
    this.#setFree(p);
    this.onFreed(p);
  }

  /** Assigns the request to `p` at `price` (the kernel's `assigned`, then `started`) and lets the prover work. */
  assign(l: Live, p: SimProver, price: bigint, cause: 'assigned' | 'auction_won'): boolean {
    if (p.active >= p.capacity || !this.stakeOk(p, l)) return false;
    this.apply(l, kernel.assigned(l.rec, { prover_id: p.id, price, cause, handed_out: true, stake: this.store.stakeOf(p.id) }, KERNEL, this.date()), 'assign');
    p.active++;
    this.busySlots++;
    this.#setFree(p);
    if (p.active > p.capacity) this.metrics.capacityViolations++;
    if (this.busySlots > this.metrics.maxBusySlots) this.metrics.maxBusySlots = this.busySlots;
    if (!l.assigned) {
      l.assigned = true;
      this.metrics.timeToAssign.add(this.now - l.submittedAt);
    }
    this.metrics.winnerCost += p.cost;
    this.metrics.cheapestCost += l.cheapest !== null && l.cheapest < p.cost ? l.cheapest : p.cost;
    this.apply(l, kernel.started(l.rec, this.date()), 'start');
    const gen = ++l.gen;
    const ms = Math.max(1000, Math.round(this.rng.lognormal(p.medianProofMs, 0.2)));
    const u = this.rng.next();
    if (u < p.reliability) this.queue.push(this.now + ms, { k: 'done', id: l.rec.task_id, gen, pass: true });
    else if (u < p.reliability + (1 - p.reliability) / 2) this.queue.push(this.now + ms, { k: 'done', id: l.rec.task_id, gen, pass: false });
    // otherwise the prover goes silent: the sweep's proof timeout takes the request back
    this.queue.push(this.now + KERNEL.proofTimeoutMs + 1, { k: 'timeout', id: l.rec.task_id, gen });
    return true;
  }

  // ── requests ──────────────────────────────────────────────────────────────────────────────────────

  /** A new request (the kernel's `submitted`): escrows its max price, or its re-auction ceiling. */
  submit(terms: (id: string, d: ReturnType<typeof drawRequest>) => { terms: RequestTerms; policy: ReauctionPolicy | null }): Live {
    const d = drawRequest(this.rng);
    const id = `q${this.#nextId++}`;
    const now = this.date();
    const { terms: t, policy } = terms(id, d);
    const rec: RequestRecord = {
      task_id: id, privacy_level: 1, circuit_data: EMPTY, reward_amount: d.maxPrice, requester: `r${this.rng.int(REQUESTERS)}`, priority: 50,
      program_id: 'sim', expected_public_signals: [], status: 'pending', assigned_prover: null, assigned_at: null, attempts: 0,
      excluded_provers: [], deadline: new Date(now.getTime() + d.deadlineMs), request_hash: id, created_at: now, updated_at: now, backend: 'groth16',
      mechanism: t.auction.mechanism, max_price: d.maxPrice, min_reputation: d.minReputation, allow_list: null, terms: null, price: null,
      handed_out: true, round: 0, min_stake: d.minStake,
    };
    const l: Live = { rec, auction: null, terms: t, policy, submittedAt: this.now, assigned: false, gen: 0, candidates: [], cheapest: null, reauctioned: false, reoffered: false };
    const escrow = policy ? policy.max_price_ceiling : d.maxPrice;
    const plan = kernel.submitted(rec, { escrow, faucet: null }, now);
    if (!this.store.applyPlan(undefined, plan)) throw new Error(`request ${id} exists`);
    l.rec = plan.next;
    this.live.set(id, l);
    this.metrics.submitted++;
    this.metrics.countTx(this.now, 'submit');
    this.metrics.arrivals.add(Math.floor(this.now / 60_000));
    this.queue.push(rec.deadline.getTime() - this.t0, { k: 'deadline', id });
    return l;
  }

  escrowOf(l: Live): bigint {
    return this.store.balance(accounts.escrow(l.rec.task_id));
  }

  /** A verdict on the holder's proof (the kernel's `verdictReached`). */
  verdict(l: Live, pass: boolean): void {
    const p = this.proverOf(l.rec.assigned_prover!);
    const escrowed = this.escrowOf(l);
    const price = l.rec.price ?? l.rec.max_price;
    const v = { prover_id: p.id, proof: EMPTY, pass, verify_ms: 0, expected_ms: p.medianProofMs };
    const plan = kernel.verdictReached(l.rec, v, { escrowed, lock: this.store.lockOf(l.rec.task_id), subscription: null }, KERNEL, this.date());
    // counted before applying: a request handed back may be expired at once by the re-offer (onRequestMove)
    if (plan.next.status === 'failed') this.metrics.recordFailure('max_attempts', this.now);
    this.apply(l, plan, 'verdict');
    if (!pass) return;
    const m = this.metrics;
    const paid = price > escrowed ? escrowed : price;
    m.completed++;
    m.pricePaid += paid;
    m.trueCost += p.cost;
    m.valuation += l.rec.reward_amount;
    m.protocolFees += (paid * BigInt(KERNEL.economics.protocolFeeBps)) / 10_000n;
    m.timeToProof.add(this.now - l.submittedAt);
    m.completions.add(Math.floor(this.now / 60_000));
    m.priceByMinute.add(Math.floor(this.now / 60_000), Number(paid));
  }

  /** The sweep: a held request past its proof timeout goes back to the market, its lock slashed. */
  timeout(l: Live): void {
    const holder = this.proverOf(l.rec.assigned_prover!);
    const before = this.store.slashes;
    this.apply(l, kernel.timedOut(l.rec, { cause: 'proof_timeout', lock: this.store.lockOf(l.rec.task_id), expected_ms: holder.medianProofMs }, KERNEL, this.date()), 'timeout');
    if (this.store.slashes > before) this.metrics.slashedProvers.add(holder.idx);
  }

  /** The request's deadline: failed and refunded; a holder still on it is slashed. */
  deadline(l: Live): void {
    const holder = l.rec.assigned_prover;
    const before = this.store.slashes;
    this.apply(l, kernel.deadlinePassed(l.rec, { escrowed: this.escrowOf(l), lock: this.store.lockOf(l.rec.task_id) }, KERNEL, this.date()), 'deadline');
    if (holder !== null && this.store.slashes > before) this.metrics.slashedProvers.add(this.proverOf(holder).idx);
    this.metrics.recordFailure('deadline', this.now);
  }

  /** No winner and no further round (the kernel's `noWinner`): failed, refunded at once. */
  expire(l: Live, reason: string): void {
    this.apply(l, kernel.noWinner(l.rec, { escrowed: this.escrowOf(l), reason }, this.date()), 'no_winner');
    this.metrics.recordFailure(reason, this.now);
  }
}
