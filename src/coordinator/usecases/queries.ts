/** The market's read-only use cases: provers, requests, auctions, the order book, subscriptions. */
import { getAuditCid } from '../../store/artifact-refs.ts';
import { getChainRequest } from '../../store/chain.ts';
import type { StoredTerms } from '../auction-house.ts';
import { notFound } from '../../domain/errors.ts';
import { effectiveStars, orderBook as bookOf, suggestedPrice } from '../../domain/market/index.ts';
import * as auctionStore from '../../store/auctions.ts';
import * as provers from '../../store/provers.ts';
import { listReputationEvents } from '../../store/reputation.ts';
import * as subscriptions from '../../store/subscriptions.ts';
import * as tasks from '../../store/tasks.ts';
import { blendedReputation } from '../reputation.ts';
import type { MarketDeps } from './deps.ts';

type Deps = Pick<MarketDeps, 'db' | 'clock'>;

export interface FindProversParameters {
  backend?: string;
  max_price?: bigint;
  min_reputation?: number;
  status?: provers.ProverStatus;
  sort?: 'price' | 'reputation' | 'response_time';
}

/** Provers filtered and sorted for discovery (`GET /v1/provers`). */
export async function findProvers(deps: Deps, f: FindProversParameters): Promise<provers.ProverWithLoad[]> {
  let list = await provers.listProvers(deps.db);
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

export const listProvers = (deps: Deps) => provers.listProvers(deps.db);

export async function getProverView(deps: Deps, proverId: string): Promise<provers.ProverWithLoad> {
  const p = (await provers.listProvers(deps.db, [proverId]))[0];
  if (!p) throw notFound('prover_not_found', `no prover with id "${proverId}"`);
  return p;
}

/** Each component of a prover's reputation at this instant, and the observations behind it. */
export async function getReputation(deps: Deps, proverId: string) {
  const p = await getProverView(deps, proverId);
  const events = await listReputationEvents(deps.db, proverId);
  return { prover_id: proverId, ...blendedReputation(events, p.seeded_reputation, deps.clock.now()) };
}

export async function getTask(deps: Deps, taskId: string): Promise<tasks.TaskRecord> {
  const t = await tasks.getTask(deps.db, taskId);
  if (!t) throw notFound('task_not_found', `no task with id "${taskId}"`);
  return t;
}

/** A task and its history (`GET /tasks/:id/status`). */
export async function getTaskStatus(deps: Deps, taskId: string) {
  const t = await getTask(deps, taskId);
  return { task: t, history: await tasks.listTaskEvents(deps.db, taskId) };
}

/** A request with its current auction round and history. */
export async function getRequest(deps: Deps, requestId: string) {
  const t = await tasks.getTask(deps.db, requestId);
  if (!t) throw notFound('request_not_found', `no request with id "${requestId}"`);
  const chainId = (t.terms as StoredTerms | null)?.chain?.request_id;
  const [auction, history, auditCid, chain] = await Promise.all([
    auctionStore.getAuction(deps.db, requestId),
    tasks.listTaskEvents(deps.db, requestId),
    getAuditCid(deps.db, requestId),
    chainId ? getChainRequest(deps.db, chainId) : undefined,
  ]);
  return { task: t, auction, history, auditCid, chain, now: deps.clock.now() };
}

/** One round of a request's auction (the latest by default). */
export async function getAuction(deps: Deps, requestId: string, round?: number) {
  const t = await tasks.getTask(deps.db, requestId);
  if (!t) throw notFound('request_not_found', `no request with id "${requestId}"`);
  const auction = t.mechanism === 'fixed' ? undefined : await auctionStore.getAuction(deps.db, requestId, round);
  if (t.mechanism !== 'fixed' && !auction) throw notFound('auction_not_found', `request "${requestId}" has no auction round${round === undefined ? '' : ` ${round}`}`);
  if (t.mechanism === 'subscription') throw notFound('auction_not_found', `request "${requestId}" runs under a subscription, without an auction`);
  return { task: t, auction, now: deps.clock.now() };
}

/** Open auctions (rounds in progress and fixed requests waiting for a taker), or recently closed rounds. */
export async function listAuctions(deps: Deps, f: { state: 'open' | 'closed'; backend?: string; limit: number }) {
  const rounds = await auctionStore.listAuctions(deps.db, { open: f.state === 'open', backend: f.backend, limit: f.limit });
  const byId = new Map((await tasks.getTasks(deps.db, rounds.map((a) => a.task_id))).map((t) => [t.task_id, t]));
  const out: Array<{ task: tasks.TaskRecord; auction?: auctionStore.AuctionRecord }> = [];
  for (const a of rounds) {
    const t = byId.get(a.task_id);
    if (t) out.push({ task: t, auction: a });
  }
  if (f.state === 'open') for (const t of await tasks.listPendingFixed(deps.db, { backend: f.backend, limit: f.limit })) out.push({ task: t });
  return { items: out.slice(0, f.limit), now: deps.clock.now() };
}

/** Depth and spread of one backend's market, and a suggested price from its recent clearing prices. */
export async function getOrderBook(deps: Deps, backend: string) {
  const bids = await tasks.pendingBids(deps.db, backend);
  const asks = (await provers.listProvers(deps.db)).filter((p) => p.status === 'active' && p.price_type !== 'subscription' && p.backends.includes(backend));
  const book = bookOf(
    bids.map((b) => ({ request_id: b.task_id, backend, max_price: b.max_price })),
    asks.map((p) => ({ prover_id: p.prover_id, backend, min_price: p.base_price, capacity: Math.max(0, p.capacity - p.active_tasks) })),
    backend,
  );
  const since = new Date(deps.clock.now().getTime() - 24 * 3_600_000);
  return { ...book, suggested_price: suggestedPrice(await tasks.clearingPricesSince(deps.db, backend, since)) };
}

export async function getSubscription(deps: Deps, id: string): Promise<subscriptions.SubscriptionRecord> {
  const sub = await subscriptions.getSubscription(deps.db, id);
  if (!sub) throw notFound('subscription_not_found', `no subscription with id "${id}"`);
  return sub;
}
