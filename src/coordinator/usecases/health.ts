/** The coordinator's own state: health and metrics. */
import { ping } from '../../store/db.ts';
import type { IndexerHealth } from '../../chain/indexer.ts';
import type { MarketDeps } from './deps.ts';

export interface HealthReport {
  /** `degraded`: the database answers, the chain indexer does not have the chain (see `chain`). */
  status: 'ok' | 'degraded';
  /** Which database the market runs on. */
  store: 'pglite' | 'postgres';
  verifier_threads: number;
  chain?: IndexerHealth;
}

/** Liveness and readiness: answers once the database has answered (and fails as it does otherwise). */
export async function health(deps: Pick<MarketDeps, 'db' | 'verifier' | 'chain'>): Promise<HealthReport> {
  await ping(deps.db);
  const report: HealthReport = { status: 'ok', store: deps.db.kind, verifier_threads: deps.verifier.pool.size };
  if (!deps.chain) return report;
  const chain = deps.chain.health();
  return { ...report, status: chain.status === 'ok' ? 'ok' : 'degraded', chain };
}

/** The Prometheus metrics, as text of their content type. */
export async function metricsText(deps: Pick<MarketDeps, 'metrics'>): Promise<{ contentType: string; text: string }> {
  return { contentType: deps.metrics.registry.contentType, text: await deps.metrics.registry.metrics() };
}
