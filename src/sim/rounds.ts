/**
 * How provers behave under each mechanism, and the scheduler around the auction engine (what
 * src/coordinator/auction-house.ts does with the store, done on the engine's in-memory state):
 *
 * - `fixed` (the pull): interested provers poll within 2 s; the first takes it at max_price (applyBid). With no
 *   taker the request waits; a prover that frees a slot polls and claims the oldest request `mayClaim` allows.
 * - `weighted`: each interested prover bids its cost plus its markup (pay-as-bid) within the 10 s window.
 * - `sealed`: each commits to its true cost (the dominant strategy under second price) and reveals it.
 * - `rising`: each locks once the ramp reaches its cost + 5%; the first lock wins at that instant's price.
 * After a round without a winner: nextRound (raise the price 10% toward 1.5×, lower min_reputation 0.5) or
 * expire; after a winner fails: a new round on the same terms, time allowing.
 */
import type { Plan } from '../domain/kernel/plan.ts';
import { lapsed } from '../domain/kernel/transitions.ts';
import {
  applyBid, applyCommit, applyLock, applyReveal, auctionDuration, closeAuction, mayClaim, nextDeadline, nextRound, openAuction,
  phaseAt, sealedCommitment, tickAuction, type AuctionExplanation, type AuctionSpec, type ReauctionPolicy, type RequestTerms,
} from '../domain/market/index.ts';
import { isHeld } from '../domain/task.ts';
import { Engine, KERNEL, type Live, type SimEvent, type SimOptions } from './engine.ts';
import type { RequestDraw, SimProver } from './population.ts';

const POLL_MS = 2_000;

export function specFor(mechanism: SimOptions['mechanism'], maxPrice: bigint, windowMs: number): AuctionSpec {
  switch (mechanism) {
    case 'fixed':
      return { mechanism, bid_window_ms: Math.max(1, Math.round(windowMs)) };
    case 'weighted':
      return { mechanism, bid_window_ms: 10_000 };
    case 'sealed':
      return { mechanism, bid_window_ms: 10_000, reveal_window_ms: 5_000 };
    case 'rising':
      return { mechanism, bid_window_ms: 60_000, min_price: (maxPrice * 3n) / 10n, ramp_start_ms: 0, ramp_period_ms: 45_000, lock_timeout_ms: KERNEL.proofTimeoutMs };
  }
}

export class Driver {
  readonly e: Engine;
  readonly #fixedQueue: Array<string | null> = [];
  #head = 0;

  constructor(readonly opts: SimOptions) {
    this.e = new Engine(opts, (_e, l, plan) => this.#moved(l, plan), (p) => this.#freed(p));
  }

  run(): Engine {
    const { e } = this;
    const minutes = Math.round(this.opts.days * 1440);
    for (let m = 0; m < minutes; m++) e.queue.push(m * 60_000, { k: 'minute', m });
    for (let ev = e.queue.pop(); ev; ev = e.queue.pop()) {
      e.now = ev.t;
      this.#dispatch(ev.ev);
    }
    return e;
  }

  #dispatch(ev: SimEvent): void {
    const { e } = this;
    if (ev.k === 'minute') {
      for (const t of e.workload.arrivalsInMinute(ev.m * 60_000)) e.queue.push(t, { k: 'arrive' });
      e.metrics.busy.add(ev.m, e.busySlots);
      return;
    }
    if (ev.k === 'arrive') return this.#offer(e.submit((id, d) => this.#terms(id, d)));
    if (ev.k === 'poll') return this.#pull(ev.p);
    const l = e.live.get(ev.id);
    if (!l) return;
    switch (ev.k) {
      case 'due':
        if (ev.round === l.rec.round) this.#due(l);
        return;
      case 'lock':
        if (ev.round === l.rec.round) this.#lock(l);
        return;
      case 'take':
        return this.#take(l, ev.p);
      case 'done':
        if (ev.gen === l.gen && isHeld(l.rec.status)) this.#delivered(l, ev.pass);
        return;
      case 'timeout':
        if (ev.gen === l.gen && isHeld(l.rec.status)) e.timeout(l);
        return;
      case 'deadline':
        if (l.auction && !l.auction.closed) l.auction = closeAuction(l.auction, e.date()).state;
        return e.deadline(l);
    }
  }

  #terms(id: string, d: RequestDraw): { terms: RequestTerms; policy: ReauctionPolicy | null } {
    const auction = specFor(this.opts.mechanism, d.maxPrice, d.deadlineMs);
    const terms: RequestTerms = { request_id: id, backend: 'groth16', privacy_level: 1, max_price: d.maxPrice, min_reputation: d.minReputation, auction };
    return { terms, policy: this.opts.mechanism === 'fixed' ? null : policyFor(d.maxPrice) };
  }

  /** A plan moved a request: one a failed winner handed back is offered again (a lapsed lock reopens by itself). */
  #moved(l: Live, plan: Plan): void {
    if (plan.next.status !== 'pending' || plan.op !== 'move' || !isHeld(plan.request.status) || plan.cause === 'lock_lapsed') return;
    if (!l.reoffered) this.e.metrics.reoffered++;
    l.reoffered = true;
    if (this.opts.mechanism === 'fixed') return this.#offer(l);
    if (l.auction && !l.auction.closed) l.auction = closeAuction(l.auction, this.e.date()).state;
    if (this.e.now + auctionDuration(l.terms.auction) > l.rec.deadline.getTime() - this.e.t0) return this.e.expire(l, 'no_time_for_round');
    this.#openRound(l, l.terms);
  }

  #offer(l: Live): void {
    if (this.opts.mechanism !== 'fixed') return this.#openRound(l, l.terms);
    const { e } = this;
    const terms = { ...l.terms, auction: specFor('fixed', l.terms.max_price, l.rec.deadline.getTime() - e.t0 - e.now) };
    l.auction = openAuction(terms, e.date());
    const polls = e.sample(l, this.opts.bidders).map((p) => ({ p, t: e.now + Math.round(e.rng.uniform(0, POLL_MS)) }));
    if (polls.length === 0) return void this.#fixedQueue.push(l.rec.task_id);
    polls.sort((a, b) => a.t - b.t);
    l.cheapest = polls.reduce((m, x) => (x.p.cost < m ? x.p.cost : m), polls[0]!.p.cost);
    e.queue.push(polls[0]!.t, { k: 'take', id: l.rec.task_id, p: polls[0]!.p });
  }

  /** `fixed`: the take (applyBid) by the first prover to poll; refused or beaten, the request waits for a pull. */
  #take(l: Live, p: SimProver): void {
    const { e } = this;
    if (l.rec.status !== 'pending' || !l.auction) return;
    e.metrics.countTx(e.now, 'take');
    if (e.stakeOk(p, l)) {
      const r = applyBid(l.auction, { prover: e.profile(p), fee: p.cost }, e.date());
      l.auction = r.state;
      if (r.accepted && r.assigned && e.assign(l, p, r.assigned.price, 'assigned')) return;
    }
    this.#fixedQueue.push(l.rec.task_id);
  }

  /** A prover with a free slot polls the waiting `fixed` requests (oldest first) and claims one `mayClaim` allows. */
  #pull(p: SimProver): void {
    const { e } = this;
    const q = this.#fixedQueue;
    for (let i = this.#head, seen = 0; i < q.length && seen < 64 && p.active < p.capacity; i++) {
      const id = q[i];
      if (id === null || id === undefined) continue;
      const l = e.live.get(id);
      if (!l || l.rec.status !== 'pending') {
        q[i] = null;
        continue;
      }
      seen++;
      if (!e.wants(p, l) || !mayClaim(this.#claimant(p), this.#claimable(l), true, KERNEL.economics.overcommitBps)) continue;
      e.metrics.countTx(e.now, 'poll_claim');
      q[i] = null;
      l.cheapest = p.cost;
      e.assign(l, p, l.rec.max_price, 'assigned');
    }
    while (this.#head < q.length && q[this.#head] === null) this.#head++;
    if (this.#head > 100_000) {
      q.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #claimant(p: SimProver) {
    return { profile: this.e.profile(p), base_price: p.cost, stake: this.e.store.stakeOf(p.id) };
  }

  #claimable(l: Live) {
    const r = l.rec;
    return { task_id: r.task_id, status: r.status, mechanism: 'fixed', backend: r.backend, privacy_level: r.privacy_level, allow_list: null, max_price: r.max_price, min_reputation: r.min_reputation, min_stake: r.min_stake, excluded_provers: r.excluded_provers };
  }

  /** Called by the engine whenever a prover frees a slot: under `fixed` it polls again soon. */
  #freed(p: SimProver): void {
    if (this.opts.mechanism === 'fixed') this.e.queue.push(this.e.now + Math.round(this.e.rng.uniform(0, POLL_MS)), { k: "poll", p });
  }

  // ── auction rounds ────────────────────────────────────────────────────────────────────────────────

  #openRound(l: Live, terms: RequestTerms): void {
    const { e } = this;
    l.terms = terms;
    l.rec = { ...l.rec, round: l.rec.round + 1, max_price: terms.max_price, min_reputation: terms.min_reputation };
    let state = openAuction(terms, e.date());
    e.metrics.countTx(e.now, 'round_open');
    const bidders = e.sample(l, this.opts.bidders);
    l.cheapest = bidders.length === 0 ? null : bidders.reduce((m, p) => (p.cost < m ? p.cost : m), bidders[0]!.cost);
    const id = l.rec.task_id;
    const spec = terms.auction;
    const at = (p: SimProver, within: number) => Math.min(within - 1, Math.round(e.rng.lognormal(p.reactionMs, 0.5)));
    if (spec.mechanism === 'rising') {
      l.candidates = bidders.map((p) => ({ p, t: this.#lockTime(l, p, spec) })).filter((c) => c.t < e.now + spec.bid_window_ms).sort((a, b) => a.t - b.t);
      l.auction = state;
      if (l.candidates.length > 0) e.queue.push(l.candidates[0]!.t, { k: 'lock', id, round: l.rec.round });
      e.queue.push(state.bidding_ends_at.getTime() - e.t0, { k: 'due', id, round: l.rec.round });
      return;
    }
    const acts = bidders.map((p) => ({ p, t: e.now + at(p, spec.bid_window_ms) })).sort((a, b) => a.t - b.t);
    for (const { p, t } of acts) {
      e.metrics.countTx(e.now, 'bid');
      if (!e.stakeOk(p, l)) continue; // refused by the stake rules before the engine sees it
      const prover = e.profile(p);
      if (spec.mechanism === 'weighted') {
        const fee = p.cost + (p.cost * BigInt(Math.round(p.markup * 1000))) / 1000n;
        state = applyBid(state, { prover, fee: fee > terms.max_price ? terms.max_price : fee }, e.date(t)).state;
      } else {
        const nonce = e.rng.hex(16);
        const commitment = sealedCommitment({ request_id: id, prover_id: p.id, fee: p.cost, nonce });
        state = applyCommit(state, { prover, commitment }, e.date(t)).state;
        const revealAt = state.bidding_ends_at.getTime() + at(p, spec.mechanism === 'sealed' ? spec.reveal_window_ms : 1);
        e.metrics.countTx(e.now, 'reveal');
        state = applyReveal(state, { prover, fee: p.cost, nonce }, new Date(revealAt)).state;
      }
    }
    l.auction = state;
    e.queue.push((state.reveal_ends_at ?? state.bidding_ends_at).getTime() - e.t0, { k: 'due', id, round: l.rec.round });
  }

  /** When the rising price first covers this prover's cost + 5%, plus its reaction time. */
  #lockTime(l: Live, p: SimProver, spec: AuctionSpec & { mechanism: 'rising' }): number {
    const reserve = p.cost + p.cost / 20n;
    const span = l.terms.max_price - spec.min_price;
    const ramp = reserve <= spec.min_price || span === 0n ? 0 : spec.ramp_start_ms + Number(((reserve - spec.min_price) * BigInt(spec.ramp_period_ms) + span - 1n) / span);
    return reserve > l.terms.max_price ? Infinity : this.e.now + ramp + Math.round(this.e.rng.lognormal(p.reactionMs, 0.5));
  }

  /** rising: the first candidate whose time has come locks (applyLock); a refused lock passes to the next. */
  #lock(l: Live): void {
    const { e } = this;
    if (!l.auction || l.auction.closed || l.rec.status !== 'pending') return;
    while (l.candidates.length > 0 && l.candidates[0]!.t <= e.now) {
      const c = l.candidates.shift()!;
      e.metrics.countTx(e.now, 'lock');
      if (!e.stakeOk(c.p, l)) continue;
      const r = applyLock(l.auction, { prover: e.profile(c.p) }, e.date());
      l.auction = r.state;
      if (r.lapsed) this.#lapse(l, r.lapsed.prover_id);
      if (r.accepted && r.assigned && e.assign(l, c.p, r.assigned.price, 'auction_won')) {
        const next = nextDeadline(l.auction, e.date());
        if (next) e.queue.push(next.getTime() - e.t0, { k: 'due', id: l.rec.task_id, round: l.rec.round });
        return;
      }
    }
    const next = l.candidates[0];
    if (next) e.queue.push(Math.max(e.now, next.t), { k: 'lock', id: l.rec.task_id, round: l.rec.round });
  }

  /** A rising lock ran out before its holder delivered: the kernel's `lapsed` (stake released, a miss observed). */
  #lapse(l: Live, proverId: string): void {
    if (l.rec.assigned_prover !== proverId || !isHeld(l.rec.status)) return;
    this.e.apply(l, lapsed(l.rec, this.e.store.lockOf(l.rec.task_id), this.e.date()), 'lapse');
  }

  /** A round's deadline: lapse a rising lock that ran out, or close the round and assign, re-auction or expire. */
  #due(l: Live): void {
    const { e } = this;
    if (!l.auction || l.auction.closed) return;
    const now = e.date();
    const ticked = tickAuction(l.auction, now);
    l.auction = ticked.state;
    if (ticked.lapsed) this.#lapse(l, ticked.lapsed.prover_id);
    const phase = phaseAt(l.auction, now);
    if (phase === 'locked') {
      const next = nextDeadline(l.auction, now);
      if (next) e.queue.push(next.getTime() - e.t0, { k: 'due', id: l.rec.task_id, round: l.rec.round });
      return;
    }
    if (phase === 'bidding') {
      if (l.candidates.length > 0) e.queue.push(Math.max(e.now, l.candidates[0]!.t), { k: 'lock', id: l.rec.task_id, round: l.rec.round });
      e.queue.push(l.auction.bidding_ends_at.getTime() - e.t0, { k: 'due', id: l.rec.task_id, round: l.rec.round });
      return;
    }
    if (l.rec.status !== 'pending') return;
    const closed = closeAuction(l.auction, now, (id) => e.profile(e.proverOf(id)));
    l.auction = closed.state;
    e.metrics.countTx(e.now, 'round_close');
    const { outcome } = closed.explanation;
    if (outcome.kind === 'won' && e.assign(l, e.proverOf(outcome.prover_id), outcome.price, 'auction_won')) return;
    this.#afterNoWinner(l, closed.explanation);
  }

  #afterNoWinner(l: Live, explanation: AuctionExplanation): void {
    const { e } = this;
    const closed = explanation.outcome.kind === 'won'
      ? { ...explanation, outcome: { kind: 'no_winner' as const, reason: 'no_eligible_bid' as const, why: 'the winner was no longer available' } }
      : explanation;
    if (!l.policy) return e.expire(l, closed.outcome.kind === 'no_winner' ? closed.outcome.reason : 'no_winner');
    const next = nextRound({ terms: l.terms, policy: l.policy, closed, now: e.date(), deadline: l.rec.deadline });
    if (next.action === 'expire') return e.expire(l, next.reason);
    if (!l.reauctioned) e.metrics.reauctioned++;
    l.reauctioned = true;
    this.#openRound(l, next.terms);
  }

  /** The holder's proof arrived: verified or rejected; a rising round is decided by delivery and closes. */
  #delivered(l: Live, pass: boolean): void {
    const auction = l.auction;
    this.e.verdict(l, pass);
    if (pass && auction && !auction.closed) l.auction = closeAuction(auction, this.e.date()).state;
  }
}

/** Each round without a winner raises the price 10% (up to 1.5×, which is escrowed) and lowers min_reputation 0.5. */
export function policyFor(maxPrice: bigint): ReauctionPolicy {
  return { max_price_step: maxPrice / 10n, max_price_ceiling: (maxPrice * 3n) / 2n, min_reputation_step: 0.5, min_reputation_floor: 0 };
}
