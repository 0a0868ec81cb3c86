import type { FastifyInstance } from 'fastify';
import type { ProverStatus } from '../../store/provers.ts';
import type { Market, RegisterProverInput } from '../market.ts';
import { proverView as proverViewOf } from '../views.ts';
import { sendJsonString } from './tasks.ts';
import { errors, id, proverStatus, proverView, timestamp } from '../schemas.ts';

export function proverRoutes(app: FastifyInstance, market: Market): void {
  app.get(
    '/provers',
    {
      schema: {
        summary: 'List all registered provers',
        tags: ['provers (seed API)'],
        response: { 200: { type: 'array', items: proverView }, ...errors },
      },
    },
    async () => (await market.listProvers()).map((p) => proverViewOf(p, p.active_tasks)),
  );

  app.post<{ Body: RegisterProverInput }>(
    '/provers/register',
    {
      schema: {
        summary: 'Register a new prover',
        description: 'Registering the same id with the identical body again is idempotent; a different body is 409.',
        tags: ['provers (seed API)'],
        body: {
          type: 'object',
          required: ['supported_levels', 'capacity'],
          properties: {
            prover_id: { ...id, description: 'Optional; the server makes a UUID when omitted' },
            supported_levels: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 255 }, minItems: 1, maxItems: 255 },
            capacity: { type: 'integer', minimum: 1, maximum: 10_000 },
            name: { type: 'string', maxLength: 120 },
            backends: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9_-]{1,32}$' }, maxItems: 32 },
            gpu_enabled: { type: 'boolean' },
            proving_speed: { type: 'number', minimum: 0, description: 'Measured proofs per second' },
            reward_address: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'string', description: 'The prover id' }, ...errors },
      },
    },
    async (req, reply) => sendJsonString(reply, await market.registerProver(req.body)),
  );

  app.post<{ Body: { prover_id: string; status?: ProverStatus; current_load?: number } }>(
    '/provers/heartbeat',
    {
      schema: {
        summary: 'Send a prover heartbeat',
        tags: ['provers (seed API)'],
        body: {
          type: 'object',
          required: ['prover_id'],
          properties: { prover_id: id, status: proverStatus, current_load: { type: 'integer', minimum: 0, maximum: 1_000_000 } },
        },
        response: {
          200: {
            type: 'object',
            properties: { prover_id: { type: 'string' }, status: proverStatus, last_heartbeat: timestamp },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const p = await market.heartbeat(req.body.prover_id, req.body.status, req.body.current_load);
      return { prover_id: p.prover_id, status: p.status, last_heartbeat: p.last_heartbeat_at.toISOString() };
    },
  );
}
