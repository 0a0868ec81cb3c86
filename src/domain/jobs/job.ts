/**
 * Container jobs (seed 004): the record, its lifecycle and the checks on a job's spec, pure.
 *
 *   CREATED ─fund─▶ FUNDED ─match─▶ MATCHED ─start─▶ RUNNING ─results─▶ RESULT_SUBMITTED ─accept─▶ ACCEPTED
 *      │              │  └─expire─▶ EXPIRED   │                 │   (exit ≠ 0 or a failure) ─▶ FAILED
 *      └──────────────┴──cancel─▶ CANCELED ◀──┴─(timeout passed)┘
 *
 * Results may also come straight from MATCHED (an agent that does not say it started).
 */
import { conflict, invalid } from '../errors.ts';

export const JOB_STATUSES = ['CREATED', 'FUNDED', 'MATCHED', 'RUNNING', 'RESULT_SUBMITTED', 'ACCEPTED', 'CANCELED', 'FAILED', 'EXPIRED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Why a job moved: its events are `job.<cause>`. */
export type JobCause = 'created' | 'funded' | 'matched' | 'auto_matched' | 'started' | 'results_submitted' | 'run_submitted' | 'failed' | 'accepted' | 'canceled' | 'expired';

const ALLOWED: Record<JobStatus, readonly JobStatus[]> = {
  CREATED: ['FUNDED', 'CANCELED'],
  FUNDED: ['MATCHED', 'CANCELED', 'EXPIRED'],
  MATCHED: ['RUNNING', 'RESULT_SUBMITTED', 'FAILED', 'CANCELED'],
  RUNNING: ['RESULT_SUBMITTED', 'FAILED', 'CANCELED'],
  RESULT_SUBMITTED: ['ACCEPTED'],
  ACCEPTED: [],
  CANCELED: [],
  FAILED: [],
  EXPIRED: [],
};

export function canMoveJob(from: JobStatus, to: JobStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function assertJobMove(jobId: string, from: JobStatus, to: JobStatus, what: string): void {
  if (!canMoveJob(from, to)) throw conflict('job_wrong_status', `job ${jobId} is ${from}: it cannot be ${what} (that needs ${statusesInto(to).join(' or ')})`);
}

const statusesInto = (to: JobStatus) => JOB_STATUSES.filter((s) => ALLOWED[s].includes(to));

export const isFinalJob = (s: JobStatus) => ALLOWED[s].length === 0;

/** How a container run failed, as the agent reports it. */
export const JOB_FAILURES = ['oom', 'timeout', 'error'] as const;
export type JobFailure = (typeof JOB_FAILURES)[number];

export interface JobResources {
  cpu: number;
  ramGB: number;
  gpu: number;
  storageGB: number;
}

/** What to run: the seed's job body, normalized (`cmd` always an argv). */
export interface JobSpec {
  image: string;
  cmd: string[];
  resources: JobResources;
  inputs: unknown[];
  timeoutSec: number;
  verifier: string;
  outputs: Array<{ path: string }>;
}

export interface JobArtifact {
  path: string;
  sha256: string;
  size: number;
  localUri?: string;
}

/** What the provider's agent sends back (the seed's `POST /results` body, less the job id). */
export interface JobResult {
  artifacts: JobArtifact[];
  stdoutTail: string;
  stderrTail: string;
  runtimeSec: number;
  exitCode: number;
  failure?: JobFailure;
  /** The agent's one line on why the run failed. */
  reason?: string;
}

export interface JobRecord {
  job_id: string;
  requester: string;
  spec: JobSpec;
  /** The most the requester pays, in wei (`maxPriceEth`): escrowed when funded. */
  price: bigint;
  /** Stake locked behind each provider's run (`minStakeEth`), in wei; 0 asks none. See stake.ts. */
  min_stake: bigint;
  status: JobStatus;
  provider: string | null;
  /** The funding transaction as the requester named it (checked on chain only; see FundingCheck). */
  fund_tx: string | null;
  result: JobResult | null;
  failure: JobFailure | null;
  created_at: Date;
  updated_at: Date;
  funded_at: Date | null;
  assigned_at: Date | null;
}

export const JOB_ID_RE = /^0x[0-9a-f]{64}$/;

/** A job id: 0x and 32 random bytes in hex (Web Crypto: no node: import in domain/). */
export function newJobId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A job id as sent (any hex case) in the stored form, or 400 `invalid_job_id`. */
export function parseJobId(value: string): string {
  const id = value.toLowerCase();
  if (!JOB_ID_RE.test(id)) throw invalid('invalid_job_id', `a job id is 0x followed by 64 hex digits (32 bytes), got "${value.slice(0, 80)}"`);
  return id;
}

/** `hash-only` (the requester accepts by hand) or `redundant:N` (N providers; the majority's hashes win). */
export function parseVerifier(value: string): { kind: 'hash-only' } | { kind: 'redundant'; n: number } {
  if (value === 'hash-only') return { kind: 'hash-only' };
  const m = /^redundant:([1-9])$/.exec(value);
  if (m) return { kind: 'redundant', n: Number(m[1]) };
  throw invalid('invalid_job_spec', `verifier must be "hash-only" or "redundant:N" with N from 1 to 9, got "${value.slice(0, 40)}"`);
}

/** How many providers run the job: N for `redundant:N`, else 1. */
export function runsWanted(job: Pick<JobRecord, 'spec'>): number {
  const v = parseVerifier(job.spec.verifier);
  return v.kind === 'redundant' ? v.n : 1;
}

/** Whether the job runs on several providers and settles by their majority (`redundant:N`). */
export const isRedundant = (job: Pick<JobRecord, 'spec'>) => parseVerifier(job.spec.verifier).kind === 'redundant';

/** What funding escrows: the price once per run (`redundant:N` pays each provider of the majority the price). */
export const escrowFor = (job: Pick<JobRecord, 'spec' | 'price'>) => job.price * BigInt(runsWanted(job));

export const DEFAULT_RESOURCES: JobResources = { cpu: 1, ramGB: 1, gpu: 0, storageGB: 1 };
export const DEFAULT_TIMEOUT_SEC = 600;

/** The seed's body as sent, its optional parts defaulted: the schema checked the types already. */
export interface JobSpecInput {
  image: string;
  cmd: string[] | string;
  resources?: Partial<JobResources>;
  inputs?: unknown[];
  timeoutSec?: number;
  verifier?: string;
  outputs?: Array<{ path: string }>;
}

/**
 * The spec a job runs by. `cmd` as a shell string runs as `sh -c <string>` (the seed's agent did the same);
 * output paths must lie under /out, the only directory the container may write and the agent collects.
 */
export function normalizeSpec(s: JobSpecInput): JobSpec {
  const cmd = typeof s.cmd === 'string' ? ['sh', '-c', s.cmd] : s.cmd;
  if (cmd.length === 0 || cmd.every((a) => a.trim() === '')) throw invalid('invalid_job_spec', 'cmd must not be empty');
  const outputs = s.outputs ?? [];
  for (const o of outputs) {
    if (!/^\/out(\/[^/\0]+)*$/.test(o.path) || o.path.split('/').includes('..')) throw invalid('invalid_job_spec', `an output path lies under /out (e.g. /out/output.txt), got "${o.path.slice(0, 80)}"`);
  }
  const verifier = s.verifier ?? 'hash-only';
  parseVerifier(verifier);
  return { image: s.image, cmd, resources: { ...DEFAULT_RESOURCES, ...s.resources }, inputs: s.inputs ?? [], timeoutSec: s.timeoutSec ?? DEFAULT_TIMEOUT_SEC, verifier, outputs };
}

/** When a job stops waiting: a funded job nobody matched expires; a matched one with no result may be cancelled. */
export function jobDeadline(job: JobRecord): Date | null {
  const from = job.status === 'FUNDED' ? job.funded_at : job.status === 'MATCHED' || job.status === 'RUNNING' ? job.assigned_at : null;
  return from === null ? null : new Date(from.getTime() + job.spec.timeoutSec * 1000);
}

/** A result that says the container did not succeed: a failure reason, or a non-zero exit code. */
export function failureOf(r: JobResult): JobFailure | null {
  if (r.failure) return r.failure;
  return r.exitCode === 0 ? null : r.exitCode === 137 ? 'oom' : 'error';
}
