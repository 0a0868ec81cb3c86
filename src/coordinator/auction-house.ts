import type { Clock } from '../domain/clock.ts';
import { conflict, notFound } from '../domain/errors.ts';
import {
  applyBid,
  applyCommit,
  applyLock,
  applyReveal,
  applyWithdraw,
  auctionDuration,
  checkEligibility,
  closeAuction,
  nextDeadline,
  nextRound,
  openAuction,
  phaseAt,
  tickAuction,
  type AuctionSpec,
  type AuctionState,
  type ApplyResult,
  type ProverProfile,
  type ReauctionPolicy,
  type RejectionReason,
  type RequestTerms,
} from '../domain/market/index.ts';
import * as auctions from '../store/auctions.ts';
import type { Db, Queryable } from '../store/db.ts';
import * as provers from '../store/provers.ts';
import * as tasks from '../store/tasks.ts';
import type { CoordinatorConfig } from './config.ts';
import type { Economy } from './economy.ts';
import { profileOf, profilesOf, type ReputationTracker } from './reputation.ts';
import { lapsed, noWinner, type KernelConfig } from '../domain/kernel/transitions.ts';
import { offeredAfterRejection } from '../domain/market/claim.ts';
import { applyLocked, assign, escrowOf, lockOf } from './transitions.ts';

/** A request's terms beyond the columns, as stored in `tasks.terms` (money as decimal strings). */
export interface StoredTerms {
  auction: Record<string, unknown> & { mechanism: string };
  reauction: { max_price_step: string; max_price_ceiling: string; min_reputation_step: number; min_reputation_floor: number } | null;
  subscription_id?: string;
  on_exhausted?: 'error' | 'market';
  /** Settled on ProofMarket (serve --chain-rpc): its id there (usecases/chain-escrow.ts). */
  chain?: { request_id: string };
}

export type AuctionActionInput =
  | { kind: 'bid'; prover_id: string; fee: bigint }
  | { kind: 'commit'; prover_id: string; commitment: string }
  | { kind: 'reveal'; prover_id: string; fee: bigint; nonce: string }
  | { kind: 'lock'; prover_id: string }
  | { kind: 'withdraw'; prover_id: string };

export interface ActionAccepted {
  accepted: true;
  phase: string;
  /** The action won the request (a fixed take, a rising lock): it is assigned to the prover now. */
  assigned: boolean;
  price: string | null;
}

/** What each refusal means, for people (the code is the reason itself). */
export const REJECTION_MESSAGES: Record<RejectionReason, string> = {
  price_above_max: "the fee is above the request's max_price",
  reputation_too_low: "the prover's reputation is below the request's min_reputation",
  capacity_full: 'the prover already holds as many tasks as its capacity',
  backend_unsupported: "the prover does not support the request's backend",
  privacy_level_unsupported: "the prover does not support the request's privacy level",
  not_on_allow_list: "the prover is not on the request's allow list",
  phase_closed: 'the auction is not in the phase this action needs (or is over)',
  prover_inactive: 'the prover is not active (offline or draining)',
  invalid_fee: 'the fee is negative',
  duplicate_bid: 'this prover already acted here',
  wrong_mechanism: "this action does not belong to the auction's mechanism",
  invalid_commitment: 'a commitment is 64 hex characters (sha256)',
  no_commitment: 'a reveal needs an accepted commitment from the same prover',
  commitment_mismatch: 'the fee and nonce do not hash to the commitment',
  not_revealed: 'the commitment was never revealed',
  lock_held: 'another prover holds the lock',
  lock_lapsed: 'this prover let its lock lapse and may not lock this auction again',
  prover_unknown: 'no such prover',
  bid_withdrawn: 'the prover withdrew this bid',
  no_bid: 'there is no such bid in this auction',
};

export const refused = (reason: RejectionReason, detail = '') => conflict(reason, `bid refused: ${REJECTION_MESSAGES[reason]}${detail}`);

/** Parses a stored auction spec (prices are decimal strings) into the engine's. */
export function specOf(t: tasks.TaskRecord): AuctionSpec {
  const a = (t.terms as StoredTerms | null)?.auction;
  if (!a || a.mechanism === 'fixed') return { mechanism: 'fixed', bid_window_ms: Math.max(1, t.deadline.getTime() - t.created_at.getTime()) };
  if (a.mechanism === 'rising') return { ...(a as unknown as AuctionSpec & { mechanism: 'rising' }), min_price: BigInt(a.min_price as string) };
  return a as unknown as AuctionSpec;
}

export function termsOf(t: tasks.TaskRecord): RequestTerms {
  return {
    request_id: t.task_id,
    backend: t.backend,
    privacy_level: t.privacy_level,
    max_price: t.max_price,
    min_reputation: t.min_reputation,
    ...(t.allow_list ? { allow_list: t.allow_list } : {}),
    auction: specOf(t),
  };
}

function policyOf(t: tasks.TaskRecord): ReauctionPolicy | null {
  const r = (t.terms as StoredTerms | null)?.reauction;
  if (!r) return null;
  return { ...r, max_price_step: BigInt(r.max_price_step), max_price_ceiling: BigInt(r.max_price_ceiling) };
}

/**
 * Runs the auctions of requests that are not `fixed`: opens rounds, applies provers' actions through the
 * pure engine (src/domain/market) under the round's row lock, and on each tick closes rounds whose windows
 * ended, assigns winners, re-auctions rounds without one under the request's policy, or expires them.
 * `fixed` requests need no round: a take through the API is a targeted pull claim.
 */
export class AuctionHouse {
  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly config: CoordinatorConfig,
    readonly kernel: KernelConfig,
    readonly economy: Economy,
    readonly reputation: ReputationTracker,
  ) {}

  /** Opens the next round for a pending request (in the caller's transaction), with the given terms. */
  async openRound(q: Queryable, task: tasks.TaskRecord, now: Date, terms: RequestTerms = termsOf(task)): Promise<auctions.AuctionRecord> {
    const state = openAuction(terms, now);
    const round = task.round + 1;
    const record: auctions.AuctionRecord = {
      task_id: task.task_id,
      round,
      mechanism: state.mechanism,
      backend: task.backend,
      open: true,
      state,
      next_deadline: nextDeadline(state, now),
      opened_at: now,
      closed_at: null,
    };
    await auctions.insertAuction(q, record);
    await tasks.updateTaskTerms(q, task.task_id, { round, max_price: terms.max_price, min_reputation: terms.min_reputation });
    return record;
  }

  /** A prover's bid, commitment, reveal or lock. Refusals are 409s whose code is the reason. */
  async act(taskId: string, input: AuctionActionInput): Promise<ActionAccepted> {
    const task = await tasks.getTask(this.db, taskId);
    if (!task) throw notFound('request_not_found', `no request with id "${taskId}"`);
    if (task.mechanism === 'fixed') return this.#take(task, input);
    const now = this.clock.now();
    type Outcome = { refused: RejectionReason } | { phase: string; assigned: { price: bigint } | null };
    const result = await this.db.transaction(async (tx): Promise<Outcome> => {
      if (!this.db.serialized && !(await provers.lockProver(tx, input.prover_id))) throw unknownProver(input.prover_id);
      const auction = await auctions.getAuction(tx, taskId, undefined, true);
      if (!auction || !auction.open) return { refused: 'phase_closed' };
      const prover = (await profilesOf(tx, [input.prover_id])).get(input.prover_id);
      if (!prover) throw unknownProver(input.prover_id);
      if (input.kind !== 'withdraw') await this.#requireStake(tx, input.prover_id, task);
      const r = apply(auction.state, input, prover, now);
      if (r.lapsed) await this.#lockLapsed(tx, auction.state, r.lapsed.prover_id, now);
      let assigned: { price: bigint } | null = null;
      if (r.accepted && r.assigned) {
        const current = await tasks.getTask(tx, taskId, true);
        if (!current || current.status !== 'pending') throw conflict('phase_closed', `bid refused: request "${taskId}" is no longer pending`);
        if ((await tasks.countHeldBy(tx, input.prover_id)) >= prover.capacity) throw refused('capacity_full');
        await assign(tx, this.kernel, current, { prover_id: input.prover_id, price: r.assigned.price, cause: 'auction_won', handed_out: false }, now);
        assigned = { price: r.assigned.price };
      }
      await auctions.saveAuction(tx, { ...auction, state: r.state, next_deadline: nextDeadline(r.state, now) });
      if (!r.accepted) return { refused: r.reason };
      return { phase: phaseAt(r.state, now), assigned };
    });
    if ('refused' in result) throw refused(result.refused);
    return { accepted: true, phase: result.phase, assigned: result.assigned !== null, price: result.assigned?.price.toString() ?? null };
  }

  /** `fixed`: the first eligible prover to take the request wins at max_price (the pull model, targeted). */
  async #take(task: tasks.TaskRecord, input: AuctionActionInput): Promise<ActionAccepted> {
    if (input.kind !== 'bid') throw refused('wrong_mechanism', ` (a fixed request takes a bid, not a ${input.kind})`);
    const now = this.clock.now();
    const take = async (q: Queryable) => {
      const p = (await provers.listProvers(q, [input.prover_id]))[0];
      if (!p) throw unknownProver(input.prover_id);
      if (task.status !== 'pending') throw refused('phase_closed', ` (request "${task.task_id}" is ${task.status})`);
      // the one rule after a rejected proof (domain/market/claim.ts): a take by that prover is refused
      if (!offeredAfterRejection(task, input.prover_id, { by: 'take' })) throw conflict('prover_excluded', `bid refused: a proof by "${input.prover_id}" for request "${task.task_id}" was rejected; another prover takes it`);
      const ok = checkEligibility(profileOf(p), termsOf(task), input.fee);
      if (!ok.ok) throw refused(ok.reason);
      if (p.base_price > task.max_price) throw refused('price_above_max', ` (the prover's base price ${p.base_price} is above it)`);
      await this.#requireStake(q, input.prover_id, task);
      const current = await tasks.getTask(q, task.task_id, true);
      if (current?.status !== 'pending') throw refused('phase_closed', ` (request "${task.task_id}" was taken first)`);
      if ((await tasks.countHeldBy(q, input.prover_id)) >= p.capacity) throw refused('phase_closed', ` (request "${task.task_id}" was taken first)`);
      await assign(q, this.kernel, current, { prover_id: input.prover_id, price: task.max_price, cause: 'auction_won', handed_out: false }, now);
    };
    // In one transaction: the claim and the stake lock stand or fall together.
    await this.db.transaction(async (tx) => {
      if (!this.db.serialized && !(await provers.lockProver(tx, input.prover_id))) throw unknownProver(input.prover_id);
      await take(tx);
    });
    return { accepted: true, phase: 'closed', assigned: true, price: task.max_price.toString() };
  }

  /**
   * One scheduler pass: closes due rounds, assigns winners, re-auctions or expires the rest, lapses rising
   * locks, and opens a round for every auctioned request that went back to pending (its winner failed).
   */
  async tick(): Promise<{ closed: number; opened: number }> {
    const now = this.clock.now();
    let closed = 0;
    // Each due round in its own short transaction, so one slow round does not hold the others' locks.
    for (;;) {
      const done = await this.db.transaction(async (tx) => {
        const due = (await auctions.lockDueAuctions(tx, now, 1))[0];
        if (!due) return false;
        await this.#advance(tx, due, now);
        return true;
      });
      if (!done) break;
      closed++;
      if (closed >= 500) break;
    }
    let opened = 0;
    for (const taskId of await auctions.tasksNeedingRound(this.db)) {
      opened += await this.db.transaction(async (tx) => {
        const task = await tasks.getTask(tx, taskId, true);
        if (!task || task.status !== 'pending') return 0;
        const open = await auctions.getAuction(tx, taskId);
        if (open?.open) return 0;
        // A new round on the same terms (the failure was the winner's, not the market's), time allowing.
        if (now.getTime() + auctionDuration(specOf(task)) > task.deadline.getTime()) {
          await this.#expire(tx, task, now, 'no_time_for_round');
          return 0;
        }
        await this.openRound(tx, task, now);
        return 1;
      });
    }
    return { closed, opened };
  }

  async #advance(tx: Queryable, auction: auctions.AuctionRecord, now: Date): Promise<void> {
    const ticked = tickAuction(auction.state, now);
    if (ticked.lapsed) await this.#lockLapsed(tx, auction.state, ticked.lapsed.prover_id, now);
    let state: AuctionState = ticked.state;
    if (phaseAt(state, now) !== 'closed') {
      await auctions.saveAuction(tx, { ...auction, state, next_deadline: nextDeadline(state, now) });
      return;
    }
    // only collected bids and reveals are re-checked at close (fixed and rising were decided at the take or lock)
    const bidders = state.entries.filter((e) => e.accepted && (e.action === 'bid' || e.action === 'reveal')).map((e) => e.prover_id);
    const current = await profilesOf(tx, bidders);
    const closedRound = closeAuction(state, now, (id) => current.get(id));
    state = closedRound.state;
    const { outcome } = closedRound.explanation;
    await auctions.saveAuction(tx, { ...auction, open: false, state, next_deadline: null, closed_at: now });
    const task = await tasks.getTask(tx, auction.task_id, true);
    if (!task || task.status !== 'pending') return;
    if (outcome.kind === 'won') {
      const winner = current.get(outcome.prover_id);
      // the winner's stake is checked again at assignment (overcommit protection): it may have taken other work since
      const staked = winner !== undefined && (await this.economy.stakeProblem(tx, outcome.prover_id, task.min_stake)) === null;
      if (staked && (await tasks.countHeldBy(tx, outcome.prover_id)) < winner.capacity) {
        await assign(tx, this.kernel, task, { prover_id: outcome.prover_id, price: outcome.price, cause: 'auction_won', handed_out: false }, now);
        return;
      }
    }
    // No winner (or the winner filled up at the last instant): re-auction under the policy, or expire.
    const policy = policyOf(task);
    if (!policy) {
      await this.#expire(tx, task, now, outcome.kind === 'won' ? 'winner_unavailable' : outcome.reason);
      return;
    }
    // a winner that could not take the request leaves the round as if no bid had been eligible
    const closed = outcome.kind === 'won'
      ? { ...closedRound.explanation, outcome: { kind: 'no_winner' as const, reason: 'no_eligible_bid' as const, why: 'the winner was no longer available' } }
      : closedRound.explanation;
    const next = nextRound({ terms: termsOf(task), policy, closed, now, deadline: task.deadline });
    if (next.action === 'expire') await this.#expire(tx, task, now, next.reason);
    else await this.openRound(tx, task, now, next.terms);
  }

  /** A rising lock ran out before its holder delivered: the request goes back to the market (the kernel's `lapsed`). */
  async #lockLapsed(tx: Queryable, state: AuctionState, proverId: string, now: Date): Promise<void> {
    const task = await tasks.getTask(tx, state.request_id, true);
    if (!task || task.assigned_prover !== proverId || (task.status !== 'assigned' && task.status !== 'in_progress')) return;
    await applyLocked(tx, lapsed(task, await lockOf(tx, task), now));
    this.reputation.markStale(proverId);
  }

  /** No winner and no further round: the request fails and its escrow goes back to the requester at once. */
  async #expire(tx: Queryable, task: tasks.TaskRecord, now: Date, reason: string): Promise<void> {
    await applyLocked(tx, noWinner(task, { escrowed: await escrowOf(tx, task.task_id), reason }, now));
  }

  /** Stake rules for acting in an auction (min stake to bid; overcommit protection): a 409 naming the rule. */
  async #requireStake(q: Queryable, proverId: string, task: tasks.TaskRecord): Promise<void> {
    const problem = await this.economy.stakeProblem(q, proverId, task.min_stake);
    if (problem === 'stake_below_minimum') throw conflict(problem, `bid refused: prover "${proverId}" has less stake than the market's minimum to bid (${this.economy.config.minStakeToBid}); stake first`);
    if (problem) throw conflict(problem, `bid refused: prover "${proverId}" has not enough free stake for request "${task.task_id}" (it asks ${task.min_stake}, plus cover for its locked stake)`);
  }

  /** A rising round is decided by delivery: close it when its holder's proof is verified. */
  async closeOnDelivery(taskId: string, at: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      const auction = await auctions.getAuction(tx, taskId, undefined, true);
      if (!auction || !auction.open) return;
      const { state } = closeAuction(auction.state, at);
      await auctions.saveAuction(tx, { ...auction, open: false, state, next_deadline: null, closed_at: at });
    });
  }

  /** When a request leaves the market (deadline), its open round closes too. */
  async closeRounds(q: Queryable, taskIds: string[], now: Date): Promise<void> {
    for (const id of taskIds) {
      const auction = await auctions.getAuction(q, id, undefined, true);
      if (!auction?.open) continue;
      const { state } = closeAuction(auction.state, now);
      await auctions.saveAuction(q, { ...auction, open: false, state, next_deadline: null, closed_at: now });
    }
  }
}

function apply(state: AuctionState, input: AuctionActionInput, prover: ProverProfile, now: Date): ApplyResult & { lapsed?: { prover_id: string } | null } {
  switch (input.kind) {
    case 'bid':
      return applyBid(state, { prover, fee: input.fee }, now);
    case 'commit':
      return applyCommit(state, { prover, commitment: input.commitment }, now);
    case 'reveal':
      return applyReveal(state, { prover, fee: input.fee, nonce: input.nonce }, now);
    case 'lock':
      return applyLock(state, { prover }, now);
    case 'withdraw':
      return applyWithdraw(state, { prover }, now);
  }
}

export const unknownProver = (id: string) => notFound('prover_not_found', `no prover with id "${id}"; register it first`);

