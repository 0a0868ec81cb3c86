import { computeStats, statsWindow, type MarketStats, type StatsPeriod } from '../../domain/analytics.ts';
import { readStatsRows } from '../../store/stats.ts';
import type { MarketDeps } from './deps.ts';

/** Market analytics over a period (requests, success rate, prices, waits, provers, money, trends), at the market's clock. */
export async function marketStats(deps: Pick<MarketDeps, 'db' | 'clock'>, period: StatsPeriod): Promise<MarketStats> {
  const now = deps.clock.now();
  const rows = await readStatsRows(deps.db, statsWindow(period, now));
  return computeStats({ period, now, ...rows });
}
