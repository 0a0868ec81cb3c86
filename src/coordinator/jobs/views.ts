import type { JobHistoryEntry, JobList, JobSummary, JobView } from '../../api/jobs.ts';
import { formatEther } from '../../domain/jobs/ether.ts';
import type { JobRecord } from '../../domain/jobs/job.ts';
import type { JobHistoryEntry as StoredEntry } from '../../store/jobs.ts';

/** A job in the provider's poll and in lists: the spec flat, as the seed's agent reads it. */
export function jobSummary(j: JobRecord): JobSummary {
  return { jobId: j.job_id, ...j.spec, status: j.status, requesterAddr: j.requester, providerAddr: j.provider, priceEth: formatEther(j.price) };
}

export const jobList = (jobs: JobRecord[]): JobList => ({ jobs: jobs.map(jobSummary) });

/** `GET /jobs/:jobId`: the seed coordinator's fields, then the spec and the history. */
export function jobView(j: JobRecord, history: StoredEntry[]): JobView {
  return {
    jobId: j.job_id,
    status: j.status,
    requesterAddr: j.requester,
    priceEth: formatEther(j.price),
    priceWei: j.price.toString(),
    ...(j.min_stake > 0n ? { minStakeEth: formatEther(j.min_stake) } : {}),
    createdAt: j.created_at.toISOString(),
    updatedAt: j.updated_at.toISOString(),
    providerAddr: j.provider,
    assignedAt: j.assigned_at?.toISOString() ?? null,
    fundTx: j.fund_tx,
    fundedAt: j.funded_at?.toISOString() ?? null,
    result: j.result,
    failure: j.failure,
    spec: j.spec,
    history: history.map(historyEntry),
  };
}

const historyEntry = (h: StoredEntry): JobHistoryEntry => ({ at: h.at.toISOString(), from: h.from_status, to: h.to_status, cause: h.cause, providerAddr: h.prover_id, detail: h.detail });
