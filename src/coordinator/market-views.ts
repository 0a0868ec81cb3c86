import type { ChainRequest } from '../store/chain.ts';
import { currentRisingPrice, effectiveStars, phaseAt, type AuctionState } from '../domain/market/index.ts';
import type { AuctionRecord } from '../store/auctions.ts';
import type { ProverWithLoad } from '../store/provers.ts';
import type { SubscriptionRecord } from '../store/subscriptions.ts';
import type { TaskEvent, TaskRecord } from '../store/tasks.ts';
import { specOf } from './auction-house.ts';
import { historyEntryView } from './views.ts';
import type { AuctionView, FixedTakeExplanation, Mechanism, ProverProfile, RequestView, Subscription } from '../api/index.ts';

/** Engine values on the wire: bigints as decimal strings, dates as RFC 3339, recursively. */
export function wire(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(wire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'prover').map(([k, v]) => [k, wire(v)]));
  }
  return value;
}

export function proverProfileView(p: ProverWithLoad): ProverProfile {
  return {
    prover_id: p.prover_id,
    name: p.name,
    backends: p.backends,
    privacy_levels: p.supported_levels,
    capacity: p.capacity,
    active_tasks: p.active_tasks,
    gpu_enabled: p.gpu_enabled,
    base_price: p.base_price.toString(),
    price_type: p.price_type,
    subscription_quota: p.subscription_quota,
    status: p.status,
    reputation: p.reputation_stars === null ? null : round2(p.reputation_stars),
    effective_reputation: round2(effectiveStars(p.reputation_stars)),
    response_time_ms: p.response_time_ms === null ? null : Math.round(p.response_time_ms),
    proving_speed: p.proving_speed,
    registered_at: p.registered_at.toISOString(),
    last_heartbeat: p.last_heartbeat_at.toISOString(),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** An auction round as provers and requesters see it; `fixed` requests (no rounds) are shown from the task. */
export function auctionView(task: TaskRecord, auction: AuctionRecord | undefined, now: Date): AuctionView {
  const base = {
    request_id: task.task_id,
    backend: task.backend,
    privacy_level: task.privacy_level,
    program_id: task.program_id,
    priority: task.priority,
    deadline: task.deadline.toISOString(),
  };
  if (!auction) {
    return {
      ...base,
      round: 0,
      mechanism: task.mechanism as Mechanism,
      phase: task.status === 'pending' ? 'bidding' : 'closed',
      max_price: task.max_price.toString(),
      min_reputation: task.min_reputation,
      allow_list: task.allow_list,
      opened_at: task.created_at.toISOString(),
      bid_closes_at: task.deadline.toISOString(),
      reveal_closes_at: null,
      current_price: task.max_price.toString(),
      locked_by: null,
      spec: wire(specOf(task)) as AuctionView['spec'],
      // Only the outcome: the contract's AuctionExplanation promises more than a fixed take has (a known gap).
      explanation: fixedTakeExplanation(task) as AuctionView['explanation'],
    };
  }
  const s: AuctionState = auction.state;
  const holder = s.holder === null ? null : s.entries[s.holder];
  const phase = phaseAt(s, now);
  return {
    ...base,
    round: auction.round,
    mechanism: auction.mechanism as Mechanism,
    phase,
    max_price: s.terms.max_price.toString(),
    min_reputation: s.terms.min_reputation,
    allow_list: s.terms.allow_list ? [...s.terms.allow_list] : null,
    opened_at: s.opened_at.toISOString(),
    bid_closes_at: s.bidding_ends_at.toISOString(),
    reveal_closes_at: s.reveal_ends_at?.toISOString() ?? null,
    ...(s.mechanism === 'requester_choice' ? { choice_closes_at: s.choice_ends_at?.toISOString() ?? null } : {}),
    current_price: s.mechanism === 'rising' ? (currentRisingPrice(s, now)?.toString() ?? null) : null,
    locked_by: phase === 'locked' && holder ? holder.prover_id : null,
    spec: wire(s.terms.auction) as AuctionView['spec'],
    explanation: s.closed ? (wire(s.closed.explanation) as AuctionView['explanation']) : null,
  };
}

/** A `fixed` request has no auction to explain: once taken, only who took it, at what price. */
function fixedTakeExplanation(task: TaskRecord): FixedTakeExplanation | null {
  const taker = task.status === 'pending' ? null : task.assigned_prover;
  if (taker === null) return null;
  const why = `${taker} was the first eligible prover to take the request, at the fixed price`;
  return { outcome: { kind: 'won', prover_id: taker, price: (task.price ?? task.max_price).toString(), why } };
}

export function requestView(task: TaskRecord, auction: AuctionRecord | undefined, history: TaskEvent[], now: Date, auditCid: string | null = null, chain?: ChainRequest): RequestView {
  return {
    request_id: task.task_id,
    requester: task.requester,
    program_id: task.program_id,
    backend: task.backend,
    privacy_level: task.privacy_level,
    priority: task.priority,
    max_price: task.max_price.toString(),
    min_stake: task.min_stake.toString(),
    min_reputation: task.min_reputation,
    allow_list: task.allow_list,
    deadline: task.deadline.toISOString(),
    mechanism: task.mechanism,
    status: task.status,
    assigned_prover: task.assigned_prover,
    price: task.price?.toString() ?? null,
    round: task.round,
    created_at: task.created_at.toISOString(),
    public_signals: task.expected_public_signals,
    auction: task.mechanism === 'subscription' ? null : auctionView(task, auction, now),
    history: history.map(historyEntryView),
    audit_cid: auditCid,
    ...(chain ? { chain: { request_id: chain.request_id, status: chain.status, prover: chain.prover, price: chain.price, created_tx: chain.created_tx, settled_tx: chain.settled_tx } } : {}),
  };
}

export function subscriptionView(s: SubscriptionRecord): Subscription {
  return {
    subscription_id: s.subscription_id,
    requester: s.requester,
    prover_id: s.prover_id,
    period: s.period,
    fee: s.fee.toString(),
    quota: s.quota,
    used: s.used,
    starts_at: s.starts_at.toISOString(),
    ends_at: s.ends_at.toISOString(),
  };
}
