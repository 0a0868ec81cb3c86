import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { Type } from '@sinclair/typebox';
import type { Market } from '../market.ts';
import { REPUTATION_HALF_LIFE_MS } from '../reputation.ts';
import { proverView } from '../views.ts';
import { sendJsonString } from './tasks.ts';
import { parseAmount } from '../../domain/money.ts';
import { invalid } from '../../domain/errors.ts';
import { proverProfileView } from '../market-views.ts';
import {
  errorResponses as errors,
  HeartbeatRequest,
  HeartbeatResponse,
  Prover,
  ProverQuery,
  ProverIdParams,
  ProverProfile,
  ProverReputation,
  RegisterProverRequest,
} from '../../api/index.ts';

function starsParam(text: string): number {
  const n = Number(text);
  if (!(n >= 0 && n <= 5)) throw invalid('invalid_min_reputation', `min_reputation must be 0-5 stars, not ${text}`);
  return n;
}

export function proverRoutes(app: FastifyInstance, market: Market): void {
  app.get(
    '/provers',
    { schema: { summary: 'List all registered provers', tags: ['provers (seed API)'], response: { 200: Type.Array(Prover), ...errors } } },
    async () => (await uc.listProvers(market)).map((p) => proverView(p, p.active_tasks)),
  );

  app.post<{ Body: RegisterProverRequest }>(
    '/provers/register',
    {
      schema: {
        summary: 'Register a new prover',
        description: 'Registering the same id with the identical body again is idempotent; a different body is 409.',
        tags: ['provers (seed API)'],
        body: RegisterProverRequest,
        response: { 200: Type.String({ description: 'The prover id' }), ...errors },
      },
    },
    async (req, reply) => sendJsonString(reply, await uc.registerProver(market, req.body, { signer: req.signer })),
  );

  app.post<{ Body: HeartbeatRequest }>(
    '/provers/heartbeat',
    {
      schema: { summary: 'Send a prover heartbeat', tags: ['provers (seed API)'], body: HeartbeatRequest, response: { 200: HeartbeatResponse, ...errors } },
    },
    async (req): Promise<HeartbeatResponse> => {
      const p = await uc.heartbeat(market, req.body.prover_id, req.body.status, req.body.current_load, { signer: req.signer });
      return { prover_id: p.prover_id, status: p.status, last_heartbeat: p.last_heartbeat_at.toISOString() };
    },
  );

  app.get<{ Querystring: ProverQuery }>(
    '/v1/provers',
    {
      schema: {
        summary: 'Find provers: filter by backend, price, reputation and status; sort by price, reputation or response time',
        tags: ['provers'],
        querystring: ProverQuery,
        response: { 200: Type.Array(ProverProfile), ...errors },
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

  app.get<{ Params: ProverIdParams }>(
    '/v1/provers/:prover_id',
    { schema: { summary: "A prover's profile", tags: ['provers'], params: ProverIdParams, response: { 200: ProverProfile, ...errors } } },
    async (req) => proverProfileView(await uc.getProverView(market, req.params.prover_id)),
  );

  app.get<{ Params: ProverIdParams }>(
    '/v1/provers/:prover_id/reputation',
    {
      schema: {
        summary: "A prover's reputation now: each component, the formula's inputs, and the history behind it",
        tags: ['provers'],
        params: ProverIdParams,
        response: { 200: ProverReputation, ...errors },
      },
    },
    async (req): Promise<ProverReputation> => {
      const r = await uc.getReputation(market, req.params.prover_id);
      return { ...r, half_life_ms: REPUTATION_HALF_LIFE_MS, history: r.history.map((h) => ({ ...h, at: h.at.toISOString() })) };
    },
  );
}
