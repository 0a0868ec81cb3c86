import { notFound } from '../../domain/errors.ts';
import { parseJobId, type JobRecord, type JobStatus } from '../../domain/jobs/job.ts';
import { getJob as readJob, jobHistory, listJobs as readJobs, type JobHistoryEntry } from '../../store/jobs.ts';
import type { JobDeps } from './job-support.ts';

/** A job and its history (its events, in order); 400 invalid_job_id, 404 job_not_found. */
export async function getJob(deps: Pick<JobDeps, 'db'>, jobId: string): Promise<{ job: JobRecord; history: JobHistoryEntry[] }> {
  const id = parseJobId(jobId);
  const job = await readJob(deps.db, id);
  if (!job) throw notFound('job_not_found', `no job with id ${id}`);
  return { job, history: await jobHistory(deps.db, id) };
}

/** Jobs by status, provider and requester, oldest first: with status MATCHED and a provider, the provider's poll. */
export async function listJobs(deps: Pick<JobDeps, 'db'>, f: { status?: JobStatus; provider?: string; requester?: string; limit?: number }): Promise<JobRecord[]> {
  return readJobs(deps.db, { ...f, provider: f.provider?.toLowerCase(), requester: f.requester?.toLowerCase(), limit: Math.min(f.limit ?? 100, 1000) });
}
