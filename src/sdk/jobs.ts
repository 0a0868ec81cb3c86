// Container jobs (seed 004) in the SDK: the calls are ProofMarketClient's methods (createJob, fundJob, matchJob,
// listJobs, startJob, submitJobResults, getJob, acceptJob, cancelJob, advertiseProvider); these helpers are
// what a requester and a provider agent build on them.
import type { JobStatusName, JobSummary, JobView, SubmitJobResultsRequest } from '../api/index.ts';
import type { ProofMarketClient } from './client.ts';

/** The statuses after which a job changes no more. */
export const FINAL_JOB_STATUSES: ReadonlySet<JobStatusName> = new Set(['ACCEPTED', 'CANCELED', 'FAILED', 'EXPIRED']);

/** How a container run failed: killed for memory (exit 137), for time, or anything else. */
export type JobFailure = NonNullable<SubmitJobResultsRequest['failure']>;

/** A provider agent's poll: the jobs matched to `provider`, not yet started, oldest first. */
export async function matchedJobs(client: ProofMarketClient, provider: string): Promise<JobSummary[]> {
  return (await client.listJobs({ status: 'MATCHED', provider })).jobs;
}

/**
 * The body of `POST /results` for a container that failed (`oom`, `timeout`, `error`): no artifacts, the
 * tails and exit code as observed. The job ends FAILED and its requester is refunded.
 */
export function failedResults(jobId: string, failure: JobFailure, run: { exitCode: number; runtimeSec: number; stdoutTail?: string; stderrTail?: string; providerAddr?: string }): SubmitJobResultsRequest {
  return { jobId, artifacts: [], stdoutTail: run.stdoutTail ?? '', stderrTail: run.stderrTail ?? '', runtimeSec: run.runtimeSec, exitCode: run.exitCode, failure, ...(run.providerAddr ? { providerAddr: run.providerAddr } : {}) };
}

/**
 * Waits until the job reaches one of `statuses` (default: a final one) and returns its view; it follows the
 * job's events (GET /v1/events?job=…), so it wakes at each move. `signal` aborts the wait.
 */
export async function waitForJob(client: ProofMarketClient, jobId: string, opts: { statuses?: ReadonlySet<string>; signal?: AbortSignal } = {}): Promise<JobView> {
  const wanted = opts.statuses ?? FINAL_JOB_STATUSES;
  let view = await client.getJob(jobId);
  if (wanted.has(view.status)) return view;
  for await (const _ of client.events({ job: jobId }, { after: '0', signal: opts.signal })) {
    view = await client.getJob(jobId);
    if (wanted.has(view.status)) return view;
  }
  throw new Error(`stopped waiting for job ${jobId}: it is ${view.status}`);
}
