/**
 * Automatic matching, pure: a funded job nobody matched by hand within AUTO_MATCH_GRACE_MS goes to the market's
 * auction engine (src/domain/market: `fixed` or `weighted`) among the providers that advertise Docker capacity.
 * Every eligible provider stands as a bidder at the job's price; `weighted` then ranks them by reputation (the
 * price part is equal), `fixed` takes the first; the arrival order, and so every tie, favours the provider with
 * the most capacity left. Eligible: it holds the image, and its advertised capacity (cpu, RAM, GPU, storage)
 * covers the jobs it holds now plus this one.
 */
import { DEFAULT_WEIGHTS, pickFixed, pickWeighted, type Candidate } from '../market/index.ts';
import type { EconomicsConfig } from '../ledger.ts';
import type { JobRecord, JobResources } from './job.ts';
import { jobStakeProblem } from './stake.ts';

/** How long a funded job waits for its requester to match it by hand before the market matches it. */
export const AUTO_MATCH_GRACE_MS = 60_000;

export interface JobProvider {
  provider: string;
  images: readonly string[];
  capacity: JobResources;
  /** The resources of the jobs it holds now (MATCHED or RUNNING). */
  used: JobResources;
  /** 0..5 stars, or null without history. */
  reputation: number | null;
  /** Its stake now (free, locked): checked against the job's min_stake when the economics are given. */
  stake?: { free: bigint; locked: bigint };
}

const KEYS = ['cpu', 'ramGB', 'gpu', 'storageGB'] as const;

/** Whether `p` may take `job` now. */
export function mayRun(p: JobProvider, job: Pick<JobRecord, 'spec'>): boolean {
  return p.images.includes(job.spec.image) && KEYS.every((k) => p.used[k] + job.spec.resources[k] <= p.capacity[k]);
}

/** What is left of a provider's capacity after the job, as one number to order by (the smallest share left). */
const headroom = (p: JobProvider, need: JobResources) =>
  Math.min(...KEYS.filter((k) => p.capacity[k] > 0).map((k) => (p.capacity[k] - p.used[k] - need[k]) / p.capacity[k]));

export interface AutoMatch {
  provider: string;
  mechanism: 'fixed' | 'weighted';
  /** The eligible providers, in the engine's arrival order. */
  candidates: string[];
}

/**
 * The provider the market matches `job` to, or null when no advertising provider may run it. With `economics`,
 * a provider must also pass the stake rules for the job's `min_stake` (its lock is taken by the match).
 */
export function autoMatch(job: JobRecord, providers: readonly JobProvider[], mechanism: 'fixed' | 'weighted', now: Date, economics?: EconomicsConfig): AutoMatch | null {
  const staked = (p: JobProvider) => !economics || jobStakeProblem(job, { stake: p.stake ?? { free: 0n, locked: 0n }, economics }) === null;
  const eligible = providers
    .filter((p) => mayRun(p, job) && staked(p))
    .sort((a, b) => headroom(b, job.spec.resources) - headroom(a, job.spec.resources) || (a.provider < b.provider ? -1 : 1));
  const candidates: Candidate[] = eligible.map((p, seq) => ({
    prover_id: p.provider,
    fee: job.price,
    at: now,
    seq,
    prover: { prover_id: p.provider, backends: ['docker'], privacy_levels: [], capacity: 1, active_tasks: 0, reputation: p.reputation, status: 'active' },
  }));
  const winner = mechanism === 'fixed' ? pickFixed(candidates, { max_price: job.price })?.winner : pickWeighted(candidates, job.price, DEFAULT_WEIGHTS).winner;
  return winner ? { provider: winner.prover_id, mechanism, candidates: eligible.map((p) => p.provider) } : null;
}
