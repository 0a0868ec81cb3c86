/** The coordinator's own state: health and metrics. */
import { ping } from '../../store/db.ts';
import type { MarketDeps } from './deps.ts';

export interface HealthReport {
  status: 'ok';
  /** Which database the market runs on. */
  store: 'pglite' | 'postgres';
  verifier_threads: number;
}

/** Liveness and readiness: answers once the database has answered (and fails as it does otherwise). */
export async function health(deps: Pick<MarketDeps, 'db' | 'verifier'>): Promise<HealthReport> {
  await ping(deps.db);
  return { status: 'ok', store: deps.db.kind, verifier_threads: deps.verifier.pool.size };
}

/** The Prometheus metrics, as text of their content type. */
export async function metricsText(deps: Pick<MarketDeps, 'metrics'>): Promise<{ contentType: string; text: string }> {
  return { contentType: deps.metrics.registry.contentType, text: await deps.metrics.registry.metrics() };
}
