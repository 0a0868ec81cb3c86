import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import type { ProverStatus } from '../../store/provers.ts';
import type { Market } from '../market.ts';
import type { RegisterProverParameters as RegisterProverInput } from '../usecases/register-prover.ts';
import { REPUTATION_HALF_LIFE_MS } from '../reputation.ts';
import { proverView as proverViewOf } from '../views.ts';
import { sendJsonString } from './tasks.ts';
import { amount, errors, id, proverStatus, proverStatusView, proverView, timestamp } from '../schemas.ts';
import { parseAmount } from '../../domain/money.ts';
import { invalid } from '../../domain/errors.ts';
import { proverProfileView } from '../market-views.ts';
import { backendName } from './requests.ts';

function starsParam(text: string): number {
  const n = Number(text);
  if (!(n >= 0 && n <= 5)) throw invalid('invalid_min_reputation', `min_reputation must be 0-5 stars, not ${text}`);
  return n;
}

const profile = {
  type: 'object',
  additionalProperties: true,
  properties: {
    prover_id: { type: 'string' },
    name: { type: ['string', 'null'] },
    backends: { type: 'array', items: { type: 'string' } },
    privacy_levels: { type: 'array', items: { type: 'integer' } },
    capacity: { type: 'integer' },
    active_tasks: { type: 'integer' },
    gpu_enabled: { type: 'boolean' },
    base_price: { type: 'string' },
    price_type: { type: 'string' },
    status: proverStatusView,
    reputation: { type: ['number', 'null'], description: '0-5 stars; null without history' },
    response_time_ms: { type: ['number', 'null'] },
    proving_speed: { type: ['number', 'null'] },
    registered_at: { type: 'string' },
    last_heartbeat: { type: 'string' },
  },
} as const;

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
    async () => (await uc.listProvers(market)).map((p) => proverViewOf(p, p.active_tasks)),
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
            base_price: { ...amount, description: 'Base units per proof (per month for subscription provers); default 0' },
            price_type: { type: 'string', enum: ['per_proof', 'subscription', 'auction'] },
            subscription_quota: { type: ['integer', 'null'], minimum: 1, maximum: 100_000_000, description: 'Subscription provers: proofs per month; null = unlimited' },
            reputation: { type: 'number', minimum: 0, maximum: 5, description: 'Initial stars; the market operator only (a call signed by its key)' },
            owner: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'The owner, when the market operator registers a prover for someone else; otherwise the signer owns it' },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'string', description: 'The prover id' }, ...errors },
      },
    },
    async (req, reply) => sendJsonString(reply, await uc.registerProver(market, req.body, { signer: req.signer })),
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
            properties: { prover_id: { type: 'string' }, status: proverStatusView, last_heartbeat: timestamp },
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const p = await uc.heartbeat(market, req.body.prover_id, req.body.status, req.body.current_load, { signer: req.signer });
      return { prover_id: p.prover_id, status: p.status, last_heartbeat: p.last_heartbeat_at.toISOString() };
    },
  );

  app.get<{ Querystring: { backend?: string; max_price?: string; min_reputation?: string; status?: ProverStatus; sort?: 'price' | 'reputation' | 'response_time' } }>(
    '/v1/provers',
    {
      schema: {
        summary: 'Find provers: filter by backend, price, reputation and status; sort by price, reputation or response time',
        tags: ['provers'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            backend: backendName,
            max_price: { type: 'string', pattern: '^[0-9]{1,78}$' },
            min_reputation: { type: 'string', pattern: '^[0-5](\\.[0-9]{1,6})?$', description: '0-5 stars' },
            status: proverStatus,
            sort: { type: 'string', enum: ['price', 'reputation', 'response_time'] },
          },
        },
        response: { 200: { type: 'array', items: profile }, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const list = await uc.findProvers(market, {
        backend: q.backend,
        max_price: q.max_price === undefined ? undefined : parseAmount(q.max_price, 'max_price'),
        min_reputation: q.min_reputation === undefined ? undefined : starsParam(q.min_reputation),
        status: q.status,
        sort: q.sort,
      });
      return list.map(proverProfileView);
    },
  );

  app.get<{ Params: { prover_id: string } }>(
    '/v1/provers/:prover_id',
    {
      schema: {
        summary: "A prover's profile",
        tags: ['provers'],
        params: { type: 'object', required: ['prover_id'], properties: { prover_id: id } },
        response: { 200: profile, ...errors },
      },
    },
    async (req) => proverProfileView(await uc.getProverView(market, req.params.prover_id)),
  );

  app.get<{ Params: { prover_id: string } }>(
    '/v1/provers/:prover_id/reputation',
    {
      schema: {
        summary: "A prover's reputation now: each component, the formula's inputs, and the history behind it",
        tags: ['provers'],
        params: { type: 'object', required: ['prover_id'], properties: { prover_id: id } },
        response: {
          200: {
            type: 'object',
            properties: {
              prover_id: { type: 'string' },
              stars: { type: ['number', 'null'] },
              score: { type: ['number', 'null'] },
              success_rate: { type: 'number' },
              average_quality: { type: 'number' },
              time_efficiency: { type: 'number' },
              total: { type: 'integer' },
              successful: { type: 'integer' },
              failed: { type: 'integer' },
              weight: { type: 'number' },
              half_life_ms: { type: 'number' },
              seeded: { type: ['number', 'null'] },
              history: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    at: timestamp,
                    task_id: { type: 'string' },
                    success: { type: 'boolean' },
                    quality: { type: 'number' },
                    expected_ms: { type: 'number' },
                    actual_ms: { type: 'number' },
                    cause: { type: 'string' },
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
      const r = await uc.getReputation(market, req.params.prover_id);
      return { ...r, half_life_ms: REPUTATION_HALF_LIFE_MS, history: r.history.map((h) => ({ ...h, at: h.at.toISOString() })) };
    },
  );
}
