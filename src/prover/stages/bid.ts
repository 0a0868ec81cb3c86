// The bidding stage (bidding.ts decides; this stage lists the open auctions, acts and remembers). Every
// bid_interval (≥ 0.25 s) it lists the open auctions, asks the pure strategy what to do about each round of
// a backend this node serves, and sends the bids, sealed commits and reveals, and rising locks. One list call
// per tick and at most one action per auction per tick, so the rate is bounded; a 409 is an answer, not an
// error. Requests it wins reach the node through the poll stage, so proving and submitting do not change.
import { setTimeout as sleep } from 'node:timers/promises';
import { ProofMarketError } from '../../sdk/client.ts';
import type { AuctionView } from '../../api/index.ts';
import { decideBid, type BackendPricing, type BidDecision, type BidderState, type OwnActions } from '../bidding.ts';
import type { NodeContext } from '../context.ts';
import { classifyError, errorMessage } from '../errors.ts';
import type { BidDecisionEvent } from '../events.ts';
import { BACKENDS } from './register.ts';

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

type AuctionAction = 'bid' | 'commit' | 'reveal' | 'lock';

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

/** The static part of the strategy's input, from the config and the measured speed. */
export function bidderConfig(ctx: NodeContext): Omit<BidderState, 'free_capacity' | 'stars'> {
  const c = ctx.config;
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
    prover_id: ctx.nodeId!,
    backends: ctx.backends,
    privacy_levels: [...c.supported_privacy_levels],
    // The measured rate is one worker's on the groth16 benchmark circuit; it prices every backend unless
    // backend_pricing gives a backend its own seconds_per_proof. Unmeasured and unconfigured: no bid.
    seconds_per_proof: ctx.ratePerWorker ? { '*': 1 / ctx.ratePerWorker } : {},
    cost_per_second: BigInt(c.cost_per_second),
    margin: c.margin,
    base_price: BigInt(c.base_price),
    backend_pricing: pricing,
  };
}

export class BiddingStage {
  readonly #ctx: NodeContext;
  readonly #bidder: Omit<BidderState, 'free_capacity' | 'stars'>;
  readonly #auctions = new Map<string, AuctionMemo>();
  #stars: number | null | undefined;
  #starsAt = -Infinity;

  /** Built once start-up knows the node's id, backends and speed. */
  constructor(ctx: NodeContext) {
    this.#ctx = ctx;
    this.#bidder = bidderConfig(ctx);
  }

  /** The stage loop: a tick every bid_interval; backs off like the poll while the coordinator fails. */
  async run(signal: AbortSignal): Promise<void> {
    const ctx = this.#ctx;
    let failures = 0;
    let absent = false;
    while (!signal.aborted) {
      let delayMs = ctx.config.bid_interval * 1000;
      try {
        await this.#tick(signal);
        ctx.connected();
        failures = 0;
        absent = false;
      } catch (err) {
        if (err instanceof ProofMarketError && err.status === 404 && err.code === 'route_not_found') {
          // A coordinator without the market API: pause, and look again later (it may be upgraded).
          if (!absent) ctx.events.emit('bidding-unavailable', { error: errorMessage(err) });
          absent = true;
          delayMs = MARKET_ABSENT_PAUSE_MS;
        } else {
          delayMs = await ctx.loopFailed(err, 'bidding', failures++);
        }
      }
      if (signal.aborted) return;
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    }
  }

  async #tick(signal: AbortSignal): Promise<void> {
    const ctx = this.#ctx;
    const open = await ctx.client.listAuctions({ state: 'open' });
    const now = ctx.now();
    for (const [id, until] of ctx.bidRequests) if (until <= now) ctx.bidRequests.delete(id);
    for (const [id, until] of ctx.wonAwaiting) if (until <= now) ctx.wonAwaiting.delete(id);
    await this.#refreshStars(now);

    const listed = new Set<string>();
    for (const a of open) {
      if (signal.aborted) return;
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
      if (memo.final !== undefined || ctx.now() < memo.notBefore) continue;
      await this.#consider(a, memo);
    }
    // Rounds no longer listed are closed: forget them (a pending commitment is kept until its reveal window ends).
    for (const [key, memo] of this.#auctions) {
      if (listed.has(key)) continue;
      if (memo.own.commit && !memo.own.revealed && now < memo.keepUntil) continue;
      if (!memo.acted && memo.skipped) ctx.bidStats.skipped++;
      this.#auctions.delete(key);
    }
  }

  /** The node's stars for the min_reputation rule, refreshed every 30 s; unknown when it cannot be read. */
  async #refreshStars(now: number): Promise<void> {
    if (now - this.#starsAt < STARS_REFRESH_MS) return;
    this.#starsAt = now;
    try {
      this.#stars = (await this.#ctx.client.getProver(this.#ctx.nodeId!)).reputation;
    } catch {
      this.#stars = undefined; // the coordinator decides then (409 reputation_too_low)
    }
  }

  async #consider(a: AuctionView, memo: AuctionMemo): Promise<void> {
    const ctx = this.#ctx;
    // The deadline is the request's: from the view when the coordinator sends it, else fetched once, when
    // the node would act.
    if (memo.deadline === undefined && a.deadline !== undefined) memo.deadline = Number.isNaN(Date.parse(a.deadline)) ? null : new Date(a.deadline);
    const decide = (): BidDecision =>
      decideBid(a, { ...this.#bidder, free_capacity: ctx.freeCapacity(), ...(this.#stars !== undefined ? { stars: this.#stars } : {}) }, ctx.clock.now(), {
        own: memo.own,
        ...(memo.deadline !== undefined ? { deadline: memo.deadline } : {}),
        randomBytes: ctx.randomBytes,
      });
    let d = decide();
    if ((d.action === 'bid' || d.action === 'commit' || d.action === 'lock') && memo.deadline === undefined) {
      memo.deadline = await ctx.client.getRequest(a.request_id).then(
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
    const prover_id = ctx.nodeId!;
    switch (d.action) {
      case 'skip':
        memo.skipped = true;
        return;
      case 'wait':
        return;
      case 'bid':
        return this.#act(a, memo, 'bid', String(d.fee), () => ctx.client.bid(a.request_id, { prover_id, fee: String(d.fee) }));
      case 'commit':
        // Remembered before it is sent: if the answer is lost, the reveal still has its fee and nonce.
        memo.own.commit = { fee: d.fee, nonce: d.nonce };
        return this.#act(a, memo, 'commit', String(d.fee), () => ctx.client.commit(a.request_id, { prover_id, commitment: d.commitment }));
      case 'reveal':
        return this.#act(a, memo, 'reveal', String(d.fee), () => ctx.client.reveal(a.request_id, { prover_id, fee: String(d.fee), nonce: d.nonce }));
      case 'lock':
        return this.#act(a, memo, 'lock', String(d.price), () => ctx.client.lock(a.request_id, prover_id));
    }
  }

  /** Sends one auction action and records the answer. Connection trouble and 5xx propagate (the loop backs off). */
  async #act(a: AuctionView, memo: AuctionMemo, action: AuctionAction, fee: string, send: () => Promise<{ assigned: boolean }>): Promise<void> {
    const ctx = this.#ctx;
    ctx.bidStats.sent++;
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
    if (action !== 'reveal') ctx.bidRequests.set(a.request_id, ctx.now() + BID_MEMORY_MS);
    ctx.events.emit('bid', { requestId: a.request_id, round: a.round, action, fee, accepted: true, assigned });
    if (assigned) {
      // A take or a lock: the request is ours now. It holds a slot until the poll picks it up.
      ctx.wonAwaiting.set(a.request_id, ctx.now() + WON_PICKUP_MS);
      ctx.bidStats.won++;
      ctx.events.emit('won', { requestId: a.request_id, via: 'action' });
      ctx.wakeUp();
    }
  }

  #refused(a: AuctionView, memo: AuctionMemo, action: AuctionAction, fee: string, err: ProofMarketError): void {
    const ctx = this.#ctx;
    ctx.bidStats.refused++;
    ctx.events.emit('bid', { requestId: a.request_id, round: a.round, action, fee, accepted: false, code: err.code, message: err.message });
    const now = ctx.now();
    if (action === 'commit') memo.own.commit = undefined;
    if (err.code === 'duplicate_bid' && action !== 'reveal' && action !== 'commit') {
      // An earlier attempt whose answer was lost got through: the bid stands.
      memo.acted = true;
      ctx.bidRequests.set(a.request_id, now + BID_MEMORY_MS);
    }
    const revealWindowOpen = action === 'reveal' && a.reveal_closes_at !== null && now < Date.parse(a.reveal_closes_at);
    if (RETRYABLE_REFUSALS.has(err.code) || (revealWindowOpen && err.code === 'phase_closed')) {
      // May succeed soon (capacity frees, a lock lapses, our clock ran ahead of the reveal phase).
      memo.notBefore = now + Math.max(1000, ctx.config.bid_interval * 1000);
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
    this.#ctx.events.emit('bid-decision', { requestId: a.request_id, round: a.round, mechanism: a.mechanism, backend: a.backend, decision: e });
  }
}
