import type { FastifyInstance, FastifyReply } from 'fastify';
import * as uc from '../usecases/index.ts';
import { Type } from '@sinclair/typebox';
import { parseAmount } from '../../domain/money.ts';
import { invalid } from '../../domain/errors.ts';
import { encodingOf } from '../../proofs/programs.ts';
import type { Market } from '../market.ts';
import { assignedTaskView, taskDetailView, taskStatusView } from '../views.ts';
import {
  AssignedTask,
  AssignQuery,
  errorResponses as errors,
  Nullable,
  SEED_REWARD_MAX,
  ProverIdParams,
  ProverRef,
  SubmitResultRequest,
  SubmitResultResponse,
  SubmitTaskRequest,
  TaskDetail,
  TaskQuery,
  TaskIdParams,
  TaskStatusResponse,
  VerifiedProof,
} from '../../api/index.ts';

const seed = ['tasks (seed API)'];
const v1 = ['tasks'];

export function taskRoutes(app: FastifyInstance, market: Market): void {
  seedTaskRoutes(app, market);
  v1TaskActionRoutes(app, market);
  v1TaskReadRoutes(app, market);
}

/** The seed API: its exact paths and shapes. */
function seedTaskRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Body: SubmitTaskRequest }>(
    '/tasks',
    { schema: { summary: 'Submit a new proof task', tags: seed, body: SubmitTaskRequest, response: { 200: Type.String({ description: 'The task id' }), ...errors } } },
    async (req, reply) => {
      const b = req.body;
      const taskId = await uc.submitTask(market, {
        task_id: b.task_id,
        privacy_level: b.privacy_level,
        circuit_data: b.circuit_data,
        reward_amount: seedReward(b.reward_amount),
        requester: b.requester,
        priority: b.priority ?? 0,
      }, { signer: req.signer });
      return sendJsonString(reply, taskId);
    },
  );

  app.get<{ Params: TaskIdParams }>(
    '/tasks/:task_id/status',
    {
      schema: {
        summary: 'Get task status, with its full history of transitions',
        tags: seed,
        params: TaskIdParams,
        response: { 200: TaskStatusResponse, ...errors },
      },
    },
    async (req) => {
      const { task, history } = await uc.getTaskStatus(market, req.params.task_id);
      return taskStatusView(task, history);
    },
  );

  app.get<{ Params: ProverIdParams; Querystring: AssignQuery }>(
    '/tasks/assign/:prover_id',
    {
      schema: {
        summary: 'Get the next task for a prover (null when none matches)',
        tags: seed,
        params: ProverIdParams,
        querystring: AssignQuery,
        // a nullable object, not an anyOf: the serializer picks an anyOf branch by validating, which a bigint fails
        response: { 200: Nullable(AssignedTask), ...errors },
      },
    },
    async (req, reply) => {
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      const wait_ms = Number(req.query.wait ?? 0) * 1000;
      const task = await uc.pollTask(market, { prover_id: req.params.prover_id, wait_ms, signal: gone.signal }, { signer: req.signer });
      if (!task) return null;
      const program = await uc.getProgram(market, task.program_id);
      return assignedTaskView(task, program, encodingOf(program.input_encoding).circuitInput(task.circuit_data));
    },
  );

  app.post<{ Body: SubmitResultRequest }>(
    '/tasks/result',
    {
      schema: {
        summary: 'Submit a completed proof; it is verified before the task completes',
        description:
          'proof is the UTF-8 bytes of the JSON {"system","proof","public_signals"}. A proof passes only if it verifies under ' +
          "the program's verification key and its public signals are the task's own.",
        tags: seed,
        body: SubmitResultRequest,
        response: { 200: SubmitResultResponse, ...errors },
      },
    },
    async (req) => uc.submitResult(market, req.body, { signer: req.signer }),
  );
}

/** The assigned prover's acts on its task. */
function v1TaskActionRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Params: TaskIdParams; Body: ProverRef }>(
    '/v1/tasks/:task_id/start',
    {
      schema: {
        summary: 'The assigned prover starts proving (assigned → in_progress)',
        tags: v1,
        params: TaskIdParams,
        body: ProverRef,
        response: { 200: TaskStatusResponse, ...errors },
      },
    },
    async (req) => {
      await uc.startTask(market, { task_id: req.params.task_id, prover_id: req.body.prover_id }, { signer: req.signer });
      const { task, history } = await uc.getTaskStatus(market, req.params.task_id);
      return taskStatusView(task, history);
    },
  );

  app.post<{ Params: TaskIdParams; Body: ProverRef }>(
    '/v1/tasks/:task_id/release',
    {
      schema: {
        summary: 'The assigned prover hands a task back to the market (→ pending), e.g. on shutdown',
        tags: v1,
        params: TaskIdParams,
        body: ProverRef,
        response: { 200: TaskStatusResponse, ...errors },
      },
    },
    async (req) => {
      await uc.releaseTask(market, { task_id: req.params.task_id, prover_id: req.body.prover_id }, { signer: req.signer });
      const { task, history } = await uc.getTaskStatus(market, req.params.task_id);
      return taskStatusView(task, history);
    },
  );

}

function v1TaskReadRoutes(app: FastifyInstance, market: Market): void {
  app.get<{ Querystring: TaskQuery }>(
    '/v1/tasks',
    { schema: { summary: 'List tasks, newest first', tags: v1, querystring: TaskQuery, response: { 200: Type.Array(TaskStatusResponse), ...errors } } },
    async (req) => {
      const rows = await uc.listTasks(market, { status: req.query.status, limit: req.query.limit === undefined ? undefined : Number(req.query.limit) });
      return rows.map((t) => taskStatusView(t, []));
    },
  );

  app.get<{ Params: TaskIdParams }>(
    '/v1/tasks/:task_id/proof',
    {
      schema: {
        summary: 'The verified proof of a completed task or request: the proof envelope that passed verification, with its public signals',
        tags: v1,
        params: TaskIdParams,
        response: { 200: VerifiedProof, ...errors },
      },
    },
    async (req): Promise<VerifiedProof> => {
      const { task, proof, envelope } = await uc.getVerifiedProof(market, req.params.task_id);
      return {
        task_id: task.task_id,
        program_id: task.program_id,
        prover_id: proof.prover_id,
        submitted_at: proof.submitted_at.toISOString(),
        system: envelope.system,
        proof: envelope.proof,
        public_signals: envelope.public_signals,
      };
    },
  );

  app.get<{ Params: TaskIdParams }>(
    '/v1/tasks/:task_id',
    {
      schema: {
        summary: 'A task with its history and every proof submitted for it (verdicts, not bytes)',
        tags: v1,
        params: TaskIdParams,
        response: { 200: TaskDetail, ...errors },
      },
    },
    async (req) => {
      const { task, history, proofs } = await uc.getTaskDetail(market, req.params.task_id);
      return taskDetailView(task, history, proofs);
    },
  );
}

/** A seed reward: money (parseAmount's rules) that the seed's JSON number shows exactly, at most 2^53 − 1. */
export function seedReward(value: string | number): bigint {
  const tooLarge = () =>
    invalid(
      'reward_too_large',
      `reward_amount ${value} is above 2^53 - 1 (${SEED_REWARD_MAX}), the largest the seed API can show as a JSON number; ` +
        'POST /v1/requests takes any amount, as a decimal string',
    );
  if (typeof value === 'number' && Number.isInteger(value) && value > SEED_REWARD_MAX) throw tooLarge();
  const reward = parseAmount(value, 'reward_amount');
  if (reward > BigInt(SEED_REWARD_MAX)) throw tooLarge();
  return reward;
}

/** The seed API answers some calls with a bare id as a JSON string ("…"); fastify would send a string as text. */
export function sendJsonString(reply: FastifyReply, value: string) {
  return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(value));
}
