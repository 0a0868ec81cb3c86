import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { ChainOverview, ChainQuery, errorResponses as errors } from '../../api/index.ts';

/** The chain this coordinator settles on, read-only (the dashboard's Chain page). */
export function chainRoutes(app: FastifyInstance, market: Market): void {
  app.get<{ Querystring: ChainQuery }>(
    '/v1/chain',
    {
      schema: {
        summary: 'The chain this coordinator settles on: chain id, contracts, the indexer\'s health and cursor, the latest settlements with their transactions (404 off chain)',
        tags: ['system'],
        querystring: ChainQuery,
        response: { 200: ChainOverview, ...errors },
      },
    },
    async (req) => uc.chainOverview(market, Math.min(Math.max(Number(req.query.limit ?? 20), 1), 100)),
  );
}
