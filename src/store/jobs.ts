import type { JobRecord, JobResult, JobSpec, JobStatus } from '../domain/jobs/job.ts';
import type { JobPlan } from '../domain/jobs/plan.ts';
import type { Queryable } from './db.ts';
import { applyMovement } from './ledger.ts';
import { insertReputationEvent } from './reputation.ts';
import { applyJobStake } from './job-stake.ts';
import { applyRun } from './job-runs.ts';

interface JobRow {
  job_id: string;
  requester: string;
  spec: JobSpec;
  price: string;
  min_stake: string;
  status: JobStatus;
  provider: string | null;
  fund_tx: string | null;
  result: JobResult | null;
  failure: JobRecord['failure'];
  created_at: Date;
  updated_at: Date;
  funded_at: Date | null;
  assigned_at: Date | null;
}

const COLUMNS = 'job_id, requester, spec, price::text AS price, min_stake::text AS min_stake, status, provider, fund_tx, result, failure, created_at, updated_at, funded_at, assigned_at';
const toRecord = (r: JobRow): JobRecord => ({ ...r, price: BigInt(r.price), min_stake: BigInt(r.min_stake) });

/**
 * Applies a job's plan in the caller's transaction: the row and its event in one statement, then the ledger
 * movements. Answers false, having written nothing, when the job changed since it was read (its status or
 * provider), or for a new job when its id is taken.
 */
export async function applyJobPlan(q: Queryable, plan: JobPlan): Promise<boolean> {
  const written = plan.op === 'insert' ? await insertJob(q, plan) : await moveJob(q, plan);
  if (!written) return false;
  for (const m of plan.ledger) await applyMovement(q, m, plan.event.at);
  await applyJobStake(q, plan.job.job_id, plan.stake, plan.event.at);
  if (plan.run) await applyRun(q, plan.job.job_id, plan.run, plan.event.at);
  for (const o of [...(plan.observation ? [plan.observation] : []), ...plan.observations]) await insertReputationEvent(q, o);
  return true;
}

const eventParams = (p: JobPlan) => [p.event.kind, p.event.at, p.event.from_status, p.event.to_status, p.event.cause, p.event.prover_id, p.event.detail === null ? null : JSON.stringify(p.event.detail)];

async function insertJob(q: Queryable, plan: JobPlan): Promise<boolean> {
  const j = plan.next;
  const rows = await q.query(
    `WITH job AS (
       INSERT INTO jobs (job_id, requester, spec, price, status, created_at, updated_at, min_stake) VALUES ($1, $2, $3::jsonb, $4, $5, $6, $6, $14)
       ON CONFLICT (job_id) DO NOTHING RETURNING job_id
     ), event AS (
       INSERT INTO events (kind, job_id, at, from_status, to_status, cause, prover_id, detail)
       SELECT $7::text, job_id, $8, $9::text, $10::text, $11::text, $12::text, $13::jsonb FROM job
     )
     SELECT job_id FROM job`,
    [j.job_id, j.requester, JSON.stringify(j.spec), j.price.toString(), j.status, j.created_at, ...eventParams(plan), j.min_stake.toString()],
  );
  return rows.length === 1;
}

async function moveJob(q: Queryable, plan: JobPlan): Promise<boolean> {
  const { job: was, next: j } = plan;
  const rows = await q.query(
    `WITH moved AS (
       UPDATE jobs SET status = $3, provider = $4, fund_tx = $5, result = $6::jsonb, failure = $7, updated_at = $8, funded_at = $9, assigned_at = $10
       WHERE job_id = $1 AND status = $2 AND provider IS NOT DISTINCT FROM $11::text
       RETURNING job_id
     ), event AS (
       INSERT INTO events (kind, job_id, at, from_status, to_status, cause, prover_id, detail)
       SELECT $12::text, job_id, $13, $14::text, $15::text, $16::text, $17::text, $18::jsonb FROM moved
     )
     SELECT job_id FROM moved`,
    [
      was.job_id, was.status, j.status, j.provider, j.fund_tx, j.result === null ? null : JSON.stringify(j.result), j.failure, j.updated_at, j.funded_at, j.assigned_at,
      was.provider, ...eventParams(plan),
    ],
  );
  return rows.length === 1;
}

export async function getJob(q: Queryable, jobId: string, forUpdate = false): Promise<JobRecord | undefined> {
  const [row] = await q.query<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE job_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [jobId]);
  return row && toRecord(row);
}

export interface JobFilter {
  status?: JobStatus;
  provider?: string;
  requester?: string;
  limit?: number;
}

/**
 * Jobs by status, provider and requester, oldest first (the provider's poll takes them in that order). A
 * provider's jobs include the redundant jobs it has a run of; polling MATCHED ones, only runs not yet started.
 */
export async function listJobs(q: Queryable, f: JobFilter = {}): Promise<JobRecord[]> {
  const rows = await q.query<JobRow>(
    `SELECT ${COLUMNS} FROM jobs
     WHERE ($1::text IS NULL OR status = $1) AND ($3::text IS NULL OR requester = $3)
       AND ($2::text IS NULL OR provider = $2 OR EXISTS (
         SELECT 1 FROM job_runs r WHERE r.job_id = jobs.job_id AND r.provider = $2 AND (jobs.status <> 'MATCHED' OR r.status = 'MATCHED')))
     ORDER BY created_at, job_id LIMIT $4`,
    [f.status ?? null, f.provider ?? null, f.requester ?? null, f.limit ?? 100],
  );
  return rows.map(toRecord);
}

export interface JobHistoryEntry {
  at: Date;
  from_status: string | null;
  to_status: string | null;
  cause: string | null;
  prover_id: string | null;
  detail: Record<string, unknown> | null;
}

/** A job's events, in order: its history. */
export async function jobHistory(q: Queryable, jobId: string): Promise<JobHistoryEntry[]> {
  return q.query<JobHistoryEntry>(`SELECT at, from_status, to_status, cause, prover_id, detail FROM events WHERE job_id = $1 ORDER BY id`, [jobId]);
}

/** Funded jobs whose own timeout has passed since funding (locked, SKIP LOCKED): the sweep expires them. */
export async function fundedJobsDue(q: Queryable, now: Date, limit = 100): Promise<JobRecord[]> {
  const rows = await q.query<JobRow>(
    `SELECT ${COLUMNS} FROM jobs WHERE status = 'FUNDED' AND funded_at + make_interval(secs => (spec->>'timeoutSec')::float8) <= $1
     ORDER BY funded_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(toRecord);
}

/** What a provider advertised: its local images and capacity (undefined: it never advertised). */
export async function providerImages(q: Queryable, provider: string): Promise<string[] | undefined> {
  const [row] = await q.query<{ images: string[] }>(`SELECT images FROM job_providers WHERE provider = $1`, [provider]);
  return row?.images;
}

/** The advertising providers that hold `image`. */
export async function providersWithImage(q: Queryable, image: string): Promise<string[]> {
  const rows = await q.query<{ provider: string }>(`SELECT provider FROM job_providers WHERE $1 = ANY(images) ORDER BY provider`, [image]);
  return rows.map((r) => r.provider);
}

export async function advertiseProvider(q: Queryable, provider: string, images: string[], capacity: Record<string, unknown>, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO job_providers (provider, images, capacity, updated_at) VALUES ($1, $2::text[], $3::jsonb, $4)
     ON CONFLICT (provider) DO UPDATE SET images = EXCLUDED.images, capacity = EXCLUDED.capacity, updated_at = EXCLUDED.updated_at`,
    [provider, images, JSON.stringify(capacity), at],
  );
}

/** The images the providers advertise, a few of them (for the image_not_found message). */
export async function advertisedImages(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ image: string }>(`SELECT DISTINCT unnest(images) AS image FROM job_providers ORDER BY 1 LIMIT 20`);
  return rows.map((r) => r.image);
}

/** Funded jobs waiting since `fundedBefore` or earlier (locked, SKIP LOCKED): automatic matching takes them. */
export async function fundedJobsWaiting(q: Queryable, fundedBefore: Date, limit = 100): Promise<JobRecord[]> {
  const rows = await q.query<JobRow>(`SELECT ${COLUMNS} FROM jobs WHERE status = 'FUNDED' AND funded_at <= $1 ORDER BY funded_at LIMIT $2 FOR UPDATE SKIP LOCKED`, [fundedBefore, limit]);
  return rows.map(toRecord);
}

/** Every advertising provider, with the specs of the jobs it holds now (MATCHED or RUNNING). */
export async function jobProviders(q: Queryable): Promise<Array<{ provider: string; images: string[]; capacity: Record<string, number>; held: JobSpec[] }>> {
  return q.query(
    `SELECT p.provider, p.images, p.capacity, COALESCE(jsonb_agg(j.spec) FILTER (WHERE j.job_id IS NOT NULL), '[]'::jsonb) AS held
     FROM job_providers p LEFT JOIN jobs j ON j.provider = p.provider AND j.status IN ('MATCHED', 'RUNNING')
     GROUP BY p.provider, p.images, p.capacity ORDER BY p.provider`,
  );
}
