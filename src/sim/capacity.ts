import type { OpCost } from './measure.ts';
import type { RunSummary } from './report.ts';

/**
 * What the simulated peak asks of the coordinator, from its measured cost per operation: the replicas (cores at
 * 70% busy) if each transaction costs what one PGlite transaction cost here (coordinator and SQL together: an upper
 * bound for a replica, whose SQL runs on the server), the PostgreSQL transactions/s, and the poll reads of the pull.
 */
export interface CapacityPlan {
  peak_tx_per_s: number;
  peak_mechanism: string;
  pglite_ms_per_tx: number;
  replicas: number;
  postgres_tx_per_s_needed: number;
  postgres_measured_tx_per_s: number | null;
  postgres_servers_at_measured_rate: number | null;
  poll_reads_per_s: number;
  peak_proofs_per_s: number;
  /** Verification cores at the batched mcl-wasm rate measured by `npm run bench -- verify` (173 proofs/s per thread, under load). */
  verify_cores: number;
}

const UTILISATION = 0.7;
const VERIFY_PER_S_PER_THREAD = 173;
const POLL_MS = 2_000;

/** `scale`: how many times the simulated volume (and prover count) the plan is for; the load is linear in it. */
export function capacityPlan(rows: RunSummary[], pglite: OpCost, postgres: OpCost | null, provers: number, peakProofs: number, scale = 1): CapacityPlan {
  const top = rows.reduce((a, b) => (b.peak_tx_per_s > a.peak_tx_per_s ? b : a));
  const peak = { mechanism: top.mechanism, peak_tx_per_s: top.peak_tx_per_s * scale };
  provers *= scale;
  peakProofs *= scale;
  return {
    peak_tx_per_s: peak.peak_tx_per_s,
    peak_mechanism: peak.mechanism,
    pglite_ms_per_tx: pglite.ms_per_tx,
    replicas: Math.max(1, Math.ceil((peak.peak_tx_per_s * pglite.ms_per_tx) / 1000 / UTILISATION)),
    postgres_tx_per_s_needed: peak.peak_tx_per_s,
    postgres_measured_tx_per_s: postgres?.tx_per_s ?? null,
    postgres_servers_at_measured_rate: postgres ? Math.ceil(peak.peak_tx_per_s / (postgres.tx_per_s * UTILISATION)) : null,
    poll_reads_per_s: provers / (POLL_MS / 1000),
    peak_proofs_per_s: peakProofs,
    verify_cores: Math.max(1, Math.ceil(peakProofs / VERIFY_PER_S_PER_THREAD / UTILISATION)),
  };
}
