import type { FastifyInstance, FastifyReply } from 'fastify';
import * as uc from '../usecases/index.ts';
import { parseAmount } from '../../domain/money.ts';
import { notFound } from '../../domain/errors.ts';
import { decodeProof } from '../../proofs/envelope.ts';
import { encodingOf } from '../../proofs/programs.ts';
import { listProofs, listTasks } from '../../store/tasks.ts';
import type { TaskStatus } from '../../domain/task.ts';
import type { Market } from '../market.ts';
import { assignedTaskView, taskStatusView } from '../views.ts';
import { assignedTask, byteArray, errors, id, taskStatus, taskStatusResponse, timestamp } from '../schemas.ts';

const taskIdParams = { type: 'object', required: ['task_id'], properties: { task_id: id } } as const;
const proverBody = { type: 'object', required: ['prover_id'], properties: { prover_id: id } } as const;

export function taskRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Body: { task_id?: string; privacy_level: number; circuit_data: number[]; reward_amount: number | string; requester: string; priority?: number } }>(
    '/tasks',
    {
      schema: {
        summary: 'Submit a new proof task',
        tags: ['tasks (seed API)'],
        body: {
          type: 'object',
          required: ['privacy_level', 'circuit_data', 'reward_amount', 'requester'],
          properties: {
            task_id: { ...id, description: 'Optional; the server makes a UUID when omitted' },
            privacy_level: { type: 'integer', minimum: 1, maximum: 255 },
            circuit_data: byteArray,
            reward_amount: { type: ['number', 'string'], description: 'Integer base units, >= 0 (number or decimal string)' },
            requester: id,
            priority: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
          },
        },
        response: { 200: { type: 'string', description: 'The task id' }, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const taskId = await uc.submitTask(market, {
        task_id: b.task_id,
        privacy_level: b.privacy_level,
        circuit_data: b.circuit_data,
        reward_amount: parseAmount(b.reward_amount, 'reward_amount'),
        requester: b.requester,
        priority: b.priority ?? 0,
      }, { signer: req.signer });
      return sendJsonString(reply, taskId);
    },
  );

  app.get<{ Params: { task_id: string } }>(
    '/tasks/:task_id/status',
    {
      schema: {
        summary: 'Get task status, with its full history of transitions',
        tags: ['tasks (seed API)'],
        params: taskIdParams,
        response: { 200: taskStatusResponse, ...errors },
      },
    },
    async (req) => {
      const { task, history } = await uc.getTaskStatus(market, req.params.task_id);
      return taskStatusView(task, history);
    },
  );

  app.get<{ Params: { prover_id: string } }>(
    '/tasks/assign/:prover_id',
    {
      schema: {
        summary: 'Get the next task for a prover (null when none matches)',
        tags: ['tasks (seed API)'],
        params: { type: 'object', required: ['prover_id'], properties: { prover_id: id } },
        response: { 200: { anyOf: [assignedTask, { type: 'null' }] }, ...errors },
      },
    },
    async (req) => {
      const task = await uc.pollTask(market, { prover_id: req.params.prover_id }, { signer: req.signer });
      if (!task) return null;
      const program = await market.programs.get(task.program_id);
      return assignedTaskView(task, program, encodingOf(program.input_encoding).circuitInput(task.circuit_data));
    },
  );

  app.post<{ Body: { task_id: string; prover_id: string; proof: number[] } }>(
    '/tasks/result',
    {
      schema: {
        summary: 'Submit a completed proof; it is verified before the task completes',
        description:
          'proof is the UTF-8 bytes of the JSON {"system","proof","public_signals"}. A proof passes only if it verifies under ' +
          "the program's verification key and its public signals are the task's own.",
        tags: ['tasks (seed API)'],
        body: {
          type: 'object',
          required: ['task_id', 'prover_id', 'proof'],
          properties: { task_id: id, prover_id: id, proof: byteArray },
        },
        response: {
          200: {
            type: 'object',
            required: ['accepted', 'verification_result', 'quality_score'],
            properties: {
              accepted: { type: 'boolean' },
              verification_result: { type: 'string', enum: ['Pass', 'Fail'] },
              quality_score: { type: 'number' },
              reason: { type: 'string' },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => uc.submitResult(market, req.body, { signer: req.signer }),
  );

  app.post<{ Params: { task_id: string }; Body: { prover_id: string } }>(
    '/v1/tasks/:task_id/start',
    {
      schema: {
        summary: 'The assigned prover starts proving (assigned → in_progress)',
        tags: ['tasks'],
        params: taskIdParams,
        body: proverBody,
        response: { 200: taskStatusResponse, ...errors },
      },
    },
    async (req) => {
      await uc.startTask(market, { task_id: req.params.task_id, prover_id: req.body.prover_id }, { signer: req.signer });
      const { task, history } = await uc.getTaskStatus(market, req.params.task_id);
      return taskStatusView(task, history);
    },
  );

  app.post<{ Params: { task_id: string }; Body: { prover_id: string } }>(
    '/v1/tasks/:task_id/release',
    {
      schema: {
        summary: 'The assigned prover hands a task back to the market (→ pending), e.g. on shutdown',
        tags: ['tasks'],
        params: taskIdParams,
        body: proverBody,
        response: { 200: taskStatusResponse, ...errors },
      },
    },
    async (req) => {
      await uc.releaseTask(market, { task_id: req.params.task_id, prover_id: req.body.prover_id }, { signer: req.signer });
      const { task, history } = await uc.getTaskStatus(market, req.params.task_id);
      return taskStatusView(task, history);
    },
  );

  app.get<{ Querystring: { status?: string; limit?: string } }>(
    '/v1/tasks',
    {
      schema: {
        summary: 'List tasks, newest first',
        tags: ['tasks'],
        querystring: {
          type: 'object',
          properties: { status: taskStatus, limit: { type: 'string', pattern: '^[0-9]{1,4}$' } },
        },
        response: { 200: { type: 'array', items: taskStatusResponse }, ...errors },
      },
    },
    async (req) => {
      const limit = Math.min(1000, Number(req.query.limit ?? 100));
      const rows = await listTasks(market.db, { status: req.query.status as TaskStatus | undefined, limit });
      return rows.map((t) => taskStatusView(t, []));
    },
  );

  app.get<{ Params: { task_id: string } }>(
    '/v1/tasks/:task_id/proof',
    {
      schema: {
        summary: 'The verified proof of a completed task or request: the proof envelope that passed verification, with its public signals',
        tags: ['tasks'],
        params: taskIdParams,
        response: {
          200: {
            type: 'object',
            required: ['task_id', 'program_id', 'prover_id', 'submitted_at', 'system', 'proof', 'public_signals'],
            properties: {
              task_id: { type: 'string' },
              program_id: { type: 'string' },
              prover_id: { type: 'string' },
              submitted_at: timestamp,
              system: { type: 'string' },
              proof: { description: "The proof system's proof (for snarkjs systems, the snarkjs proof object)" },
              public_signals: { type: 'array', items: { type: 'string' } },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const { task } = await uc.getTaskStatus(market, req.params.task_id);
      const pass = (await listProofs(market.db, task.task_id)).find((p) => p.verification_result === 'Pass');
      const decoded = pass && decodeProof(pass.proof, market.verifier.backends.names());
      if (!pass || !decoded?.ok) throw notFound('proof_not_found', `task "${task.task_id}" is ${task.status}: no proof of it has passed verification`);
      return {
        task_id: task.task_id,
        program_id: task.program_id,
        prover_id: pass.prover_id,
        submitted_at: pass.submitted_at.toISOString(),
        system: decoded.envelope.system,
        proof: decoded.envelope.proof,
        public_signals: decoded.envelope.public_signals,
      };
    },
  );

  app.get<{ Params: { task_id: string } }>(
    '/v1/tasks/:task_id',
    {
      schema: {
        summary: 'A task with its history and every proof submitted for it (verdicts, not bytes)',
        tags: ['tasks'],
        params: taskIdParams,
        response: {
          200: {
            type: 'object',
            properties: {
              ...taskStatusResponse.properties,
              privacy_level: { type: 'integer' },
              reward_amount: { type: 'string' },
              requester: { type: 'string' },
              priority: { type: 'integer' },
              proofs: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    prover_id: { type: 'string' },
                    submitted_at: timestamp,
                    verification_result: { type: 'string' },
                    reason: { type: ['string', 'null'] },
                    quality_score: { type: 'number' },
                    verify_ms: { type: 'number' },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const { task, history } = await uc.getTaskStatus(market, req.params.task_id);
      const proofs = await listProofs(market.db, task.task_id);
      return {
        ...taskStatusView(task, history),
        privacy_level: task.privacy_level,
        reward_amount: task.reward_amount.toString(),
        requester: task.requester,
        priority: task.priority,
        proofs: proofs.map((p) => ({ ...p, proof: undefined, submitted_at: p.submitted_at.toISOString() })),
      };
    },
  );
}

/** The seed API answers some calls with a bare id as a JSON string ("…"); fastify would send a string as text. */
export function sendJsonString(reply: FastifyReply, value: string) {
  return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(value));
}
