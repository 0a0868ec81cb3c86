/** The dashboard's reads: the request history (filtered, paged) and the market's charts over a period. */
import { statsWindow, type StatsPeriod } from '../../domain/analytics.ts';
import { computeSeries, type MarketSeries } from '../../domain/market-series.ts';
import { escrowHeldBy, searchRequests, type RequestSearch, type RequestSummaryRow } from '../../store/request-search.ts';
import { requestsCreatedIn } from '../../store/stats.ts';
import { verdictsIn } from '../../store/verdicts.ts';
import { participantId } from '../../domain/auth.ts';
import type { MarketDeps } from './deps.ts';

export type { RequestSearch, RequestSummaryRow, MarketSeries };

/** The most rows one page of the request history holds, and how many unless asked. */
export const REQUEST_PAGE_MAX = 1000;
export const REQUEST_PAGE_DEFAULT = 100;

/** One page of the request history, newest first, and how many requests match. */
export async function listRequests(deps: Pick<MarketDeps, 'db'>, f: Omit<RequestSearch, 'offset' | 'limit'> & { offset?: number; limit?: number }) {
  return searchRequests(deps.db, { ...f, offset: f.offset ?? 0, limit: Math.min(REQUEST_PAGE_MAX, f.limit ?? REQUEST_PAGE_DEFAULT) });
}

/**
 * The charts of a period: requests by status, clearing price per backend, time to proof p50/p99, verdicts. The
 * requests are those created in the period, and those created in the one before it (so a proof verified in the
 * period counts even when its request is older).
 */
export async function marketSeries(deps: Pick<MarketDeps, 'db' | 'clock'>, period: StatsPeriod): Promise<MarketSeries> {
  const now = deps.clock.now();
  const window = statsWindow(period, now);
  const earlier = new Date(window.from.getTime() - (window.to.getTime() - window.from.getTime()));
  const [requests, verdicts] = await Promise.all([requestsCreatedIn(deps.db, { from: earlier, to: window.to }), verdictsIn(deps.db, window)]);
  return computeSeries({ period, now, requests, verdicts });
}

/** What a requester's open requests hold in escrow now. */
export async function escrowOf(deps: Pick<MarketDeps, 'db'>, address: string): Promise<bigint> {
  return escrowHeldBy(deps.db, participantId(address));
}
