import { AUTO_MATCH_GRACE_MS, autoMatch, type AutoMatch, type JobProvider } from '../../domain/jobs/auto-match.ts';
import { runMatched, type JobRun } from '../../domain/jobs/runs.ts';
import { DEFAULT_RESOURCES, isRedundant, runsWanted, type JobResources } from '../../domain/jobs/job.ts';
import { matched } from '../../domain/jobs/transitions.ts';
import { reputationOf } from '../../domain/market/reputation.ts';
import type { Queryable } from '../../store/db.ts';
import { fundedJobsWaiting, jobProviders } from '../../store/jobs.ts';
import { listReputationEvents } from '../../store/reputation.ts';
import type { EconomicsConfig } from '../../domain/ledger.ts';
import { stakeOf } from '../transitions.ts';
import { applyJob } from './job-support.ts';

const KEYS = ['cpu', 'ramGB', 'gpu', 'storageGB'] as const;

/**
 * The sweep's matching step: funded jobs nobody matched by hand within AUTO_MATCH_GRACE_MS go to the auction
 * engine (`weighted`: reputation decides among providers that may run them, the most capacity left breaks ties)
 * among the providers that advertise Docker capacity and whose stake backs the job's min_stake (locked by the
 * match); cause `auto_matched`. A job no provider may run waits
 * (and expires at its timeout). Returns how many were matched.
 */
export async function autoMatchJobs(tx: Queryable, now: Date, economics: EconomicsConfig, mechanism: 'fixed' | 'weighted' = 'weighted'): Promise<number> {
  const due = await fundedJobsWaiting(tx, new Date(now.getTime() - AUTO_MATCH_GRACE_MS));
  if (due.length === 0) return 0;
  const providers = await providersNow(tx, now);
  let n = 0;
  for (const job of due) {
    // redundant:N takes N distinct providers at once, or waits until there are N
    const picks: AutoMatch[] = [];
    for (let i = 0; i < runsWanted(job); i++) {
      const pick = autoMatch(job, providers.filter((p) => !picks.some((x) => x.provider === p.provider)), mechanism, now, economics);
      if (pick) picks.push(pick);
    }
    if (picks.length < runsWanted(job)) continue;
    let current = job;
    const runs: JobRun[] = [];
    for (const pick of picks) {
      const p = providers.find((x) => x.provider === pick.provider)!;
      const detail = { mechanism: pick.mechanism, candidates: pick.candidates };
      const stake = { stake: p.stake!, economics };
      current = await applyJob(tx, isRedundant(job) ? runMatched(current, runs, pick.provider, now, 'auto_matched', detail, stake) : matched(current, pick.provider, now, 'auto_matched', detail, stake));
      runs.push({ provider: pick.provider, status: 'MATCHED', result: null });
      for (const k of KEYS) p.used[k] += job.spec.resources[k];
      p.stake = { free: p.stake!.free - job.min_stake, locked: p.stake!.locked + job.min_stake };
    }
    n++;
  }
  return n;
}

async function providersNow(tx: Queryable, now: Date): Promise<JobProvider[]> {
  const rows = await jobProviders(tx);
  return Promise.all(rows.map(async (r) => {
    const used: JobResources = { cpu: 0, ramGB: 0, gpu: 0, storageGB: 0 };
    for (const spec of r.held) for (const k of KEYS) used[k] += spec.resources[k];
    const reputation = reputationOf(await listReputationEvents(tx, r.provider), now)?.stars ?? null;
    return { provider: r.provider, images: r.images, capacity: { ...DEFAULT_RESOURCES, ...r.capacity }, used, reputation, stake: await stakeOf(tx, r.provider) };
  }));
}
