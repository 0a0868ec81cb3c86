import type { FastifyInstance } from 'fastify';
import { isStatsPeriod, STATS_PERIODS } from '../../domain/analytics.ts';
import { invalid } from '../../domain/errors.ts';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { wire } from '../market-views.ts';
import { errorResponses as errors, MarketSeries, MarketStats, StatsQuery } from '../../api/index.ts';

/** Market analytics over a period. */
export function statsRoutes(app: FastifyInstance, market: Market): void {
  // typed as text: a period the schema refuses is still read, to answer invalid_period
  app.get<{ Querystring: { period?: string } }>(
    '/v1/stats',
    {
      // a bad period is answered with its own code (invalid_period), not the schema's invalid_request
      attachValidation: true,
      schema: {
        summary: 'Market analytics: requests, success rate, prices, waits, provers, money and trends over a period',
        tags: ['market'],
        querystring: StatsQuery,
        response: { 200: MarketStats, ...errors },
      },
    },
    async (req) => {
      const period = req.query.period ?? '24h';
      if (!isStatsPeriod(period)) {
        throw invalid('invalid_period', `period must be one of ${STATS_PERIODS.join(', ')}, not "${String(period)}"`);
      }
      if (req.validationError) throw invalid('invalid_request', `querystring ${req.validationError.message.replace(/^querystring\s*/, '')}`);
      return wire(await uc.marketStats(market, period));
    },
  );

  app.get<{ Querystring: { period?: string } }>(
    '/v1/stats/series',
    {
      attachValidation: true,
      schema: {
        summary: "The dashboard's charts over a period: requests by status, clearing price per backend, time to proof p50/p99, verified vs rejected proofs",
        tags: ['market'],
        querystring: StatsQuery,
        response: { 200: MarketSeries, ...errors },
      },
    },
    async (req) => {
      const period = req.query.period ?? '24h';
      if (!isStatsPeriod(period)) throw invalid('invalid_period', `period must be one of ${STATS_PERIODS.join(', ')}, not "${String(period)}"`);
      if (req.validationError) throw invalid('invalid_request', `querystring ${req.validationError.message.replace(/^querystring\s*/, '')}`);
      return wire(await uc.marketSeries(market, period));
    },
  );
}
