// Container jobs (seed 004): the seed's paths and bodies word for word (camelCase, money as decimal-ether
// strings), plus the spec and history in a job's view. Ids are 0x + 64 hex; a malformed one is 400
// invalid_job_id from the use case (not a schema refusal), so the schemas take any short string.
import { Type, type Static } from '@sinclair/typebox';
import { Address, AnyObject, Nullable, StringEnum, Timestamp } from './common.ts';

export const JOB_STATUSES = ['CREATED', 'FUNDED', 'MATCHED', 'RUNNING', 'RESULT_SUBMITTED', 'ACCEPTED', 'CANCELED', 'FAILED', 'EXPIRED'] as const;
export type JobStatusName = (typeof JOB_STATUSES)[number];
export const JOB_FAILURES = ['oom', 'timeout', 'error'] as const;

/** A job id as sent: checked by the use case (400 invalid_job_id). */
const JobIdText = (opts = {}) => Type.String({ maxLength: 200, description: 'The job id: 0x + 64 hex digits', ...opts });
/** Decimal ether, parsed exactly into wei: "0.01". A JSON number is taken only when it is a whole number. */
const Ether = (opts = {}) => Type.Unsafe<string | number>({ type: ['string', 'number'], description: 'Decimal ether, e.g. "0.01" (at most 18 decimals)', ...opts });
const TxHash = (opts = {}) => Type.String({ pattern: '^0x[0-9a-fA-F]{64}$', description: 'A transaction hash', ...opts });

export const JobIdParams = Type.Object({ jobId: JobIdText() });
export type JobIdParams = Static<typeof JobIdParams>;

export const JobResources = Type.Object(
  {
    cpu: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 256, description: 'CPUs (may be fractional)' })),
    ramGB: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 4096 })),
    gpu: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
    storageGB: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 65536, description: 'The size cap on /out' })),
  },
  { additionalProperties: false },
);
export type JobResources = Static<typeof JobResources>;

const OutputSpec = Type.Object({ path: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });

/** `POST /jobs`: the seed's body. `requester` only for an unsigned call (as the header `x-requester-addr`). */
export const CreateJobRequest = Type.Object(
  {
    image: Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9][A-Za-z0-9._/:@-]*$', description: 'A Docker image reference, e.g. alpine or busybox:latest' }),
    cmd: Type.Union([Type.Array(Type.String({ maxLength: 65536 }), { minItems: 1, maxItems: 256 }), Type.String({ minLength: 1, maxLength: 65536 })], { description: 'An argv, or a shell string run as sh -c' }),
    resources: Type.Optional(JobResources),
    inputs: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 256 })),
    maxPriceEth: Ether(),
    minStakeEth: Type.Optional(Ether({ description: 'Stake each provider locks behind its run, in decimal ether (default 0: none); slashed if it misses the timeout or is outvoted (redundant:N)' })),
    timeoutSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 604_800 })),
    verifier: Type.Optional(Type.String({ maxLength: 32, description: 'hash-only (the requester accepts) or redundant:N' })),
    outputs: Type.Optional(Type.Array(OutputSpec, { maxItems: 256 })),
    requester: Type.Optional(Address({ description: 'Unsigned calls (--open) only; a signed call posts for its signer' })),
  },
  { additionalProperties: false },
);
export type CreateJobRequest = Static<typeof CreateJobRequest>;

export const CreateJobHeaders = Type.Object({ 'x-requester-addr': Type.Optional(Type.String({ description: 'The seed\'s requester header (unsigned calls, --open)' })) });
export type CreateJobHeaders = Static<typeof CreateJobHeaders>;

export const CreatedJob = Type.Object({ jobId: Type.String(), expectedEscrowEth: Type.String(), status: StringEnum(JOB_STATUSES) });
export type CreatedJob = Static<typeof CreatedJob>;

/** `POST /jobs/:jobId/fund`: `txHash` (the seed's API) or `tx` (the seed's CLI sent that); none off chain. */
export const FundJobRequest = Type.Object({ txHash: Type.Optional(TxHash()), tx: Type.Optional(TxHash()) }, { additionalProperties: false });
export type FundJobRequest = Static<typeof FundJobRequest>;

export const JobOk = Type.Object({ ok: Type.Boolean(), status: StringEnum(JOB_STATUSES) });
export type JobOk = Static<typeof JobOk>;

export const MatchJobRequest = Type.Object({ jobId: JobIdText(), providerAddr: Address() }, { additionalProperties: false });
export type MatchJobRequest = Static<typeof MatchJobRequest>;

export const StartJobRequest = Type.Object({ providerAddr: Type.Optional(Address()) }, { additionalProperties: false });
export type StartJobRequest = Static<typeof StartJobRequest>;

export const JobArtifact = Type.Object(
  {
    path: Type.String({ maxLength: 1024 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    size: Type.Integer({ minimum: 0 }),
    localUri: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);
export type JobArtifact = Static<typeof JobArtifact>;

/** `POST /results`: the seed's body; `failure` (new) says why a container failed; `providerAddr` for unsigned calls. */
export const SubmitJobResultsRequest = Type.Object(
  {
    jobId: JobIdText(),
    artifacts: Type.Array(JobArtifact, { maxItems: 1024 }),
    stdoutTail: Type.Optional(Type.String({ maxLength: 65536 })),
    stderrTail: Type.Optional(Type.String({ maxLength: 65536 })),
    runtimeSec: Type.Number({ minimum: 0 }),
    exitCode: Type.Integer({ minimum: -1, maximum: 255 }),
    failure: Type.Optional(StringEnum(JOB_FAILURES, { description: 'The container failed: killed for memory (oom), for time (timeout), or otherwise (error)' })),
    reason: Type.Optional(Type.String({ maxLength: 1024, description: 'Why it failed, in one line (e.g. image_not_found: alpine is not present on this provider)' })),
    providerAddr: Type.Optional(Address({ description: 'Who sends the results: must be the matched provider (a signed call: the signer)' })),
  },
  { additionalProperties: false },
);
export type SubmitJobResultsRequest = Static<typeof SubmitJobResultsRequest>;

/** `POST /jobs/:jobId/accept`: `providerAddr` (the seed's API) or `provider`; the matched provider either way. */
export const AcceptJobRequest = Type.Object({ providerAddr: Type.Optional(Address()), provider: Type.Optional(Address()) }, { additionalProperties: false });
export type AcceptJobRequest = Static<typeof AcceptJobRequest>;

export const AcceptedJob = Type.Object({ ok: Type.Boolean(), status: StringEnum(JOB_STATUSES), providerAddr: Type.String(), paidEth: Type.String() });
export type AcceptedJob = Static<typeof AcceptedJob>;

export const CanceledJob = Type.Object({ ok: Type.Boolean(), status: StringEnum(JOB_STATUSES), refundedEth: Type.String() });
export type CanceledJob = Static<typeof CanceledJob>;

export const JobSpecView = Type.Object({
  image: Type.String(),
  cmd: Type.Array(Type.String()),
  resources: Type.Object({ cpu: Type.Number(), ramGB: Type.Number(), gpu: Type.Number(), storageGB: Type.Number() }),
  outputs: Type.Array(Type.Object({ path: Type.String() })),
  timeoutSec: Type.Integer(),
  inputs: Type.Array(Type.Unknown()),
  verifier: Type.String(),
});

/** A job in the provider's poll and in lists: its spec flat, as the seed's agent reads it, and its state. */
export const JobSummary = Type.Object({
  jobId: Type.String(),
  ...JobSpecView.properties,
  status: StringEnum(JOB_STATUSES),
  requesterAddr: Type.String(),
  providerAddr: Nullable(Type.String()),
  priceEth: Type.String(),
});
export type JobSummary = Static<typeof JobSummary>;

export const JobListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(JOB_STATUSES)),
    provider: Type.Optional(Address()),
    requester: Type.Optional(Address()),
    limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
  },
  { additionalProperties: false },
);
export type JobListQuery = Static<typeof JobListQuery>;

export const JobList = Type.Object({ jobs: Type.Array(JobSummary) });
export type JobList = Static<typeof JobList>;

export const JobResultView = Type.Object({
  artifacts: Type.Array(JobArtifact),
  stdoutTail: Type.String(),
  stderrTail: Type.String(),
  runtimeSec: Type.Number(),
  exitCode: Type.Integer(),
  failure: Type.Optional(StringEnum(JOB_FAILURES)),
  reason: Type.Optional(Type.String()),
});
export type JobResultView = Static<typeof JobResultView>;

export const JobHistoryEntry = Type.Object({
  at: Timestamp(),
  from: Nullable(Type.String()),
  to: Nullable(Type.String()),
  cause: Nullable(Type.String()),
  providerAddr: Nullable(Type.String()),
  detail: Nullable(AnyObject()),
});
export type JobHistoryEntry = Static<typeof JobHistoryEntry>;

/** `GET /jobs/:jobId`: the seed coordinator's answer, plus the spec, the money in wei, the failure and the history. */
export const JobView = Type.Object({
  jobId: Type.String(),
  status: StringEnum(JOB_STATUSES),
  requesterAddr: Type.String(),
  priceEth: Type.String(),
  priceWei: Type.String(),
  minStakeEth: Type.Optional(Type.String({ description: 'The stake each provider locks behind its run (decimal ether)' })),
  createdAt: Timestamp(),
  updatedAt: Timestamp(),
  providerAddr: Nullable(Type.String()),
  assignedAt: Nullable(Timestamp()),
  fundTx: Nullable(Type.String()),
  fundedAt: Nullable(Timestamp()),
  result: Nullable(JobResultView),
  failure: Nullable(StringEnum(JOB_FAILURES)),
  spec: JobSpecView,
  history: Type.Array(JobHistoryEntry),
});
export type JobView = Static<typeof JobView>;

/** `POST /v1/job-providers`: a provider advertises the images it holds and its capacity (signed by it). */
export const AdvertiseProviderRequest = Type.Object(
  {
    providerAddr: Type.Optional(Address({ description: 'Unsigned calls (--open) only; a signed call advertises its signer' })),
    images: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 1024 }),
    capacity: Type.Optional(JobResources),
  },
  { additionalProperties: false },
);
export type AdvertiseProviderRequest = Static<typeof AdvertiseProviderRequest>;

export const ProviderAdvert = Type.Object({ providerAddr: Type.String(), images: Type.Array(Type.String()), capacity: JobResources });
export type ProviderAdvert = Static<typeof ProviderAdvert>;
