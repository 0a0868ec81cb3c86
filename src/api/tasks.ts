// Tasks: the seed API (/tasks…, exact seed shapes) and the /v1 task routes.
//
// The seed API shows `reward_amount` as a JSON number, as the seed does (`"reward_amount": 100`); /v1 shows
// money as decimal strings. So a seed task's reward must fit a JSON number exactly: at most 2^53 − 1.
import { Type, type Static } from '@sinclair/typebox';
import { AnyObject, ByteArray, Id, Money, Nullable, ProofSystemName, StringEnum, Timestamp, type QueryInput } from './common.ts';

export const TASK_STATUSES = ['pending', 'assigned', 'in_progress', 'completed', 'failed'] as const;
export const TaskStatus = StringEnum(TASK_STATUSES);
export type TaskStatus = Static<typeof TaskStatus>;

export const TaskIdParams = Type.Object({ task_id: Id() });
export type TaskIdParams = Static<typeof TaskIdParams>;

/** The largest reward the seed API takes: 2^53 − 1, the largest integer a JSON number holds exactly. */
export const SEED_REWARD_MAX = Number.MAX_SAFE_INTEGER;

/** `POST /tasks` (seed). */
export const SubmitTaskRequest = Type.Object({
  task_id: Type.Optional(Id({ description: 'Optional; the server makes a UUID when omitted' })),
  privacy_level: Type.Integer({ minimum: 1, maximum: 255 }),
  circuit_data: ByteArray(),
  /** Integer base units, 0 to 2^53 − 1: a JSON number (or a decimal string). */
  reward_amount: Type.Unsafe<string | number>({ type: ['number', 'string'], description: 'Integer base units, 0 to 2^53 - 1 (number or decimal string)' }),
  requester: Id(),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 100, default: 0 })),
});
export type SubmitTaskRequest = Static<typeof SubmitTaskRequest>;

export const TaskHistoryEntry = Type.Object({
  at: Timestamp(),
  from: Type.Unsafe<TaskStatus | null>({ type: ['string', 'null'] }),
  to: TaskStatus,
  cause: Type.String(),
  prover_id: Nullable(Type.String()),
  detail: Type.Unsafe<Record<string, unknown> | null>({ type: ['object', 'null'], additionalProperties: true }),
});
export type TaskHistoryEntry = Static<typeof TaskHistoryEntry>;

/** `GET /tasks/:task_id/status` (seed), and the /v1 task list. */
export const TaskStatusResponse = Type.Object({
  task_id: Type.String(),
  status: TaskStatus,
  assigned_prover: Nullable(Type.String()),
  created_at: Timestamp(),
  updated_at: Timestamp(),
  attempts: Type.Optional(Type.Integer()),
  deadline: Type.Optional(Timestamp()),
  program_id: Type.Optional(Type.String()),
  history: Type.Optional(Type.Array(TaskHistoryEntry)),
});
export type TaskStatusResponse = Static<typeof TaskStatusResponse>;

/** `GET /tasks/assign/:prover_id` (seed): the prover's next task. */
export const AssignedTask = Type.Object({
  task_id: Type.String(),
  privacy_level: Type.Integer(),
  circuit_data: ByteArray(),
  /**
   * Integer base units, a JSON number as in the seed. Exact on the wire even for a /v1 request's reward above
   * 2^53 − 1 (its digits are written as they are), though JavaScript's JSON.parse rounds those.
   */
  reward_amount: Type.Integer({ minimum: 0, description: 'Integer base units, as a JSON number' }),
  requester: Type.String(),
  priority: Type.Integer(),
  program_id: Type.String(),
  program_name: Type.Optional(Type.String()),
  proof_system: Type.Optional(ProofSystemName()),
  /** The circuit's input signals, ready for snarkjs fullProve. */
  circuit_input: Type.Optional(AnyObject({ description: 'The circuit input signals for snarkjs' })),
  deadline: Timestamp(),
  assigned_at: Type.Optional(Timestamp()),
});
export type AssignedTask = Static<typeof AssignedTask>;

/** `GET /tasks/assign/:prover_id?wait=` */
export const AssignQuery = Type.Object(
  {
    // A query value is a string (types are not coerced); 0-60.
    wait: Type.Optional(
      Type.String({
        pattern: '^([0-9]|[1-5][0-9]|60)$',
        description: 'Long-poll: with no task to hand out, hold the call open up to this many seconds (0-60) and answer as soon as one is there (default 0: answer at once)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AssignQuery = Static<typeof AssignQuery>;

/** `POST /tasks/result` (seed). */
export const SubmitResultRequest = Type.Object({
  task_id: Id(),
  prover_id: Id(),
  /** UTF-8 bytes of the JSON {"system","proof","public_signals"}; see encodeProof. */
  proof: ByteArray(),
});
export type SubmitResultRequest = Static<typeof SubmitResultRequest>;

export const VerificationResult = StringEnum(['Pass', 'Fail']);
export const SubmitResultResponse = Type.Object({
  accepted: Type.Boolean(),
  verification_result: VerificationResult,
  quality_score: Type.Number(),
  reason: Type.Optional(Type.String()),
});
export type SubmitResultResponse = Static<typeof SubmitResultResponse>;

/** The body of the calls a prover makes about one task or auction (start, release, lock, consent). */
export const ProverRef = Type.Object({ prover_id: Id() });
export type ProverRef = Static<typeof ProverRef>;

/** `GET /v1/tasks` query string, as the server reads it. */
export const TaskQuery = Type.Object({
  status: Type.Optional(TaskStatus),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
});
export type TaskQuery = Static<typeof TaskQuery>;
/** `GET /v1/tasks` filter, as the SDK takes it. */
export type TaskFilter = QueryInput<TaskQuery>;

/** `GET /v1/tasks/:id/proof`: the proof envelope that passed verification, and where it came from. */
export const VerifiedProof = Type.Object({
  task_id: Type.String(),
  program_id: Type.String(),
  prover_id: Type.String(),
  submitted_at: Timestamp(),
  system: ProofSystemName(),
  /** The proof system's proof (for snarkjs systems, the snarkjs proof object). */
  proof: Type.Unknown({ description: "The proof system's proof (for snarkjs systems, the snarkjs proof object)" }),
  public_signals: Type.Array(Type.String()),
});
export type VerifiedProof = Static<typeof VerifiedProof>;

export const ProofVerdict = Type.Object({
  prover_id: Type.String(),
  submitted_at: Timestamp(),
  verification_result: VerificationResult,
  reason: Nullable(Type.String()),
  quality_score: Type.Number(),
  verify_ms: Type.Number(),
});

/** `GET /v1/tasks/:id`: a task with its history and every proof submitted for it (verdicts, not bytes). */
export const TaskDetail = Type.Object({
  ...TaskStatusResponse.properties,
  privacy_level: Type.Integer(),
  reward_amount: Money(),
  requester: Type.String(),
  priority: Type.Integer(),
  proofs: Type.Array(ProofVerdict),
});
export type TaskDetail = Static<typeof TaskDetail>;
