import { conflict, forbidden, notFound } from '../domain/errors.ts';
import { applyChoice, closeAuction, effectiveStars, checkEligibility, phaseAt, weightedScore, weightsOf, withdrawnBids, type AuctionState } from '../domain/market/index.ts';
import * as auctions from '../store/auctions.ts';
import type { Queryable } from '../store/db.ts';
import * as provers from '../store/provers.ts';
import * as tasks from '../store/tasks.ts';
import type { AuctionHouse } from './auction-house.ts';
import { refused, termsOf, unknownProver } from './auction-house.ts';
import { profileOf, profilesOf } from './reputation.ts';
import { assign } from './transitions.ts';
import type { BidList, ChoiceResult } from '../api/index.ts';

/**
 * `requester_choice` at the coordinator: the requester lists a round's bids and picks one. The pick goes
 * through the same kernel assignment as an auction win (stake lock, capacity, events); without a pick the
 * scheduler's tick clears the round by the weighted rule when its choice window ends (AuctionHouse.tick).
 */

const bidIdOf = (round: number, seq: number) => `${round}-${seq}`;

function parseBidId(bidId: string): { round: number; seq: number } | null {
  const m = /^([1-9][0-9]*)-([0-9]+)$/.exec(bidId);
  return m ? { round: Number(m[1]), seq: Number(m[2]) } : null;
}

/** The task, checked to be a `requester_choice` request whose requester is `requester` (`undefined`: an unsigned call the caller allowed). */
async function choiceRequest(q: Queryable, requestId: string, requester: string | undefined, lock: boolean): Promise<tasks.TaskRecord> {
  const task = await tasks.getTask(q, requestId, lock);
  if (!task) throw notFound('request_not_found', `no request with id "${requestId}"`);
  if (requester !== undefined && task.requester !== requester) throw forbidden('not_requester', `only the requester of "${requestId}" may list and choose its bids`);
  if (task.mechanism !== 'requester_choice') throw conflict('wrong_mechanism', `request "${requestId}" is a ${task.mechanism} request: only requester_choice requests are chosen by their requester`);
  return task;
}

/** The current round's bids, with each prover's reputation and stake, and whether choosing it would be accepted now. */
export async function listBids(house: AuctionHouse, requestId: string, requester: string | undefined): Promise<BidList> {
  const task = await choiceRequest(house.db, requestId, requester, false);
  const auction = await auctions.getAuction(house.db, requestId);
  if (!auction) throw notFound('auction_not_found', `request "${requestId}" has no auction round yet`);
  const now = house.clock.now();
  const s = auction.state;
  const bids = s.entries.filter((e): e is typeof e & { action: 'bid' } => e.accepted && e.action === 'bid');
  const people = new Map((await provers.listProvers(house.db, [...new Set(bids.map((b) => b.prover_id))])).map((p) => [p.prover_id, p]));
  const withdrawn = withdrawnBids(s);
  const w = weightsOf(s.terms.auction.mechanism === 'requester_choice' ? s.terms.auction : {});
  const open = auction.open && (phaseAt(s, now) === 'bidding' || phaseAt(s, now) === 'choosing');
  const views = [];
  for (const b of bids) {
    const p = people.get(b.prover_id);
    const stake = await house.economy.stakeView(b.prover_id);
    const eligibility = p ? checkEligibility(profileOf(p), termsOf(task), b.fee) : { ok: false as const, reason: 'prover_unknown' as const };
    const stakeProblem = p ? await house.economy.stakeProblem(house.db, b.prover_id, task.min_stake) : null;
    const reason = withdrawn.has(b.seq) ? 'bid_withdrawn' : !open ? 'phase_closed' : !eligibility.ok ? eligibility.reason : stakeProblem;
    views.push({
      bid_id: bidIdOf(auction.round, b.seq),
      prover_id: b.prover_id,
      prover_name: p?.name ?? null,
      fee: b.fee.toString(),
      at: b.at.toISOString(),
      withdrawn: withdrawn.has(b.seq),
      reputation: p?.reputation_stars ?? null,
      free_stake: stake.stake,
      locked_stake: stake.locked,
      score: withdrawn.has(b.seq) || !eligibility.ok ? null : weightedScore(b.fee, effectiveStars(p?.reputation_stars ?? null), s.terms.max_price, w),
      eligible: reason === null,
      reason,
    });
  }
  return {
    request_id: requestId,
    round: auction.round,
    mechanism: 'requester_choice',
    phase: auction.open ? phaseAt(s, now) : 'closed',
    bid_closes_at: s.bidding_ends_at.toISOString(),
    choice_closes_at: s.choice_ends_at?.toISOString() ?? null,
    max_price: s.terms.max_price.toString(),
    bids: views,
  };
}

/** The requester picks a bid of the current round: the prover is assigned at the bid's fee and the round closes. */
export async function chooseBid(house: AuctionHouse, requestId: string, bidId: string, requester: string): Promise<ChoiceResult> {
  const id = parseBidId(bidId);
  const unknown = () => notFound('bid_not_found', `request "${requestId}" has no bid "${bidId}" in its current round`);
  if (!id) throw unknown();
  const first = await auctions.getAuction(house.db, requestId);
  const proverId = first?.round === id.round ? first.state.entries[id.seq]?.prover_id : undefined;
  const now = house.clock.now();
  const price = await house.db.transaction(async (tx) => {
    // the prover's row first, as every auction action locks it (capacity and stake are checked under it)
    if (proverId !== undefined && !house.db.serialized && !(await provers.lockProver(tx, proverId))) throw unknownProver(proverId);
    const task = await choiceRequest(tx, requestId, requester, true);
    const auction = await auctions.getAuction(tx, requestId, undefined, true);
    if (!auction || auction.round !== id.round || proverId === undefined) throw unknown();
    if (!auction.open || task.status !== 'pending') throw refused('phase_closed', ` (request "${requestId}" is ${task.status})`);
    const prover = (await profilesOf(tx, [proverId])).get(proverId);
    const r = applyChoice(auction.state, { seq: id.seq, prover }, now);
    if (!r.accepted) throw r.reason === 'no_bid' ? unknown() : refused(r.reason);
    const problem = await house.economy.stakeProblem(tx, proverId, task.min_stake);
    if (problem) throw conflict(problem, `choice refused: prover "${proverId}" has not enough free stake for request "${requestId}" (it asks ${task.min_stake})`);
    if ((await tasks.countHeldBy(tx, proverId)) >= prover!.capacity) throw refused('capacity_full');
    await assign(tx, house.kernel, task, { prover_id: proverId, price: r.assigned.price, cause: 'auction_won', handed_out: false }, now);
    const closed: AuctionState = closeAuction(r.state, now).state;
    await auctions.saveAuction(tx, { ...auction, open: false, state: closed, next_deadline: null, closed_at: now });
    return r.assigned.price;
  });
  return { request_id: requestId, bid_id: bidId, prover_id: proverId!, price: price.toString() };
}
