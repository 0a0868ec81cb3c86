import { expired } from '../../domain/jobs/transitions.ts';
import type { Queryable } from '../../store/db.ts';
import { fundedJobsDue } from '../../store/jobs.ts';
import { applyJob, jobEscrowOf } from './job-support.ts';

/** The sweep's job step: funded jobs nobody took within their timeout expire, refunded in full. */
export async function expireJobs(tx: Queryable, now: Date): Promise<number> {
  const due = await fundedJobsDue(tx, now);
  for (const job of due) await applyJob(tx, expired(job, await jobEscrowOf(tx, job.job_id), now));
  return due.length;
}
