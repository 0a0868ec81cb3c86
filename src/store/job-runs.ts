// The runs of redundant jobs (migration 012), written from a JobPlan's `run`.
import type { JobPlan } from '../domain/jobs/plan.ts';
import type { JobRun } from '../domain/jobs/runs.ts';
import type { Queryable } from './db.ts';

/** A job's runs, in the order they were matched. */
export async function jobRuns(q: Queryable, jobId: string): Promise<JobRun[]> {
  return q.query<JobRun>(`SELECT provider, status, result FROM job_runs WHERE job_id = $1 ORDER BY matched_at, provider`, [jobId]);
}

/** The run's agent started it (MATCHED → RUNNING); false when it is not MATCHED. */
export async function startRun(q: Queryable, jobId: string, provider: string): Promise<boolean> {
  const rows = await q.query(`UPDATE job_runs SET status = 'RUNNING' WHERE job_id = $1 AND provider = $2 AND status = 'MATCHED' RETURNING job_id`, [jobId, provider]);
  return rows.length === 1;
}

export async function applyRun(q: Queryable, jobId: string, run: NonNullable<JobPlan['run']>, at: Date): Promise<void> {
  if (run.op === 'match') {
    await q.query(`INSERT INTO job_runs (job_id, provider, status, matched_at) VALUES ($1, $2, 'MATCHED', $3)`, [jobId, run.provider, at]);
  } else {
    await q.query(`UPDATE job_runs SET status = 'SUBMITTED', result = $3::jsonb, submitted_at = $4 WHERE job_id = $1 AND provider = $2`, [jobId, run.provider, JSON.stringify(run.result), at]);
  }
}
