import type { FastifyInstance } from 'fastify';
import { computeStats, isStatsPeriod, STATS_PERIODS, statsWindow, type StatsPeriod } from '../../domain/analytics.ts';
import { invalid } from '../../domain/errors.ts';
import { TASK_STATUSES } from '../../domain/task.ts';
import { readStatsRows } from '../../store/stats.ts';
import type { Market } from '../market.ts';
import { wire } from '../market-views.ts';
import { errors, timestamp } from '../schemas.ts';

const money = { type: 'string', description: 'Integer base units' } as const;
const nullableMoney = { type: ['string', 'null'], description: 'Integer base units' } as const;
const durations = {
  type: 'object',
  properties: {
    count: { type: 'integer', description: 'Requests the figures are over' },
    mean_ms: { type: ['integer', 'null'] },
    p90_ms: { type: ['integer', 'null'] },
  },
} as const;

/** The body of `GET /v1/stats` (docs/market-api.md, "Market analytics"). */
export const statsResponse = {
  type: 'object',
  properties: {
    period: { type: 'string', enum: [...STATS_PERIODS] },
    from: timestamp,
    to: timestamp,
    bucket_ms: { type: 'integer' },
    requests: {
      type: 'object',
      description: 'Requests created in the period, by their status now',
      properties: {
        total: { type: 'integer' },
        by_status: {
          type: 'object',
          properties: Object.fromEntries(TASK_STATUSES.map((s) => [s, { type: 'integer' }])),
          additionalProperties: { type: 'integer' },
        },
        cancelled: { type: 'integer', description: 'Withdrawn by their requester (counted as failed in by_status)' },
      },
    },
    success_rate: { type: ['number', 'null'], description: 'completed / (completed + failed), cancelled requests left out; null when none finished' },
    prices: {
      type: 'array',
      description: 'Clearing prices of the completed requests, per backend (nearest-rank; the median of an even count is the lower middle)',
      items: { type: 'object', properties: { backend: { type: 'string' }, count: { type: 'integer' }, median: money, p90: money } },
    },
    time_to_assignment: { ...durations, description: 'From creation to the first assignment' },
    time_to_proof: { ...durations, description: 'From creation to the verified proof' },
    provers: {
      type: 'object',
      description: 'Registered provers by their status now',
      properties: { total: { type: 'integer' }, active: { type: 'integer' }, busy: { type: 'integer' }, offline: { type: 'integer' }, suspended: { type: 'integer' } },
    },
    active_provers: { type: 'integer', description: 'Provers online (active or busy)' },
    utilisation: {
      type: 'object',
      description: 'Now: tasks held by online provers / their total capacity',
      properties: { held: { type: 'integer' }, capacity: { type: 'integer' }, ratio: { type: ['number', 'null'] } },
    },
    volume_paid: { ...money, description: 'Paid for verified proofs in the period: provers\' earnings plus fees' },
    fees: { ...money, description: 'Credited to the treasury by settlements in the period' },
    slashes: {
      type: 'object',
      properties: { count: { type: 'integer' }, amount: money, reversed: { type: 'integer' } },
    },
    top_provers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          prover_id: { type: 'string' },
          name: { type: ['string', 'null'] },
          reputation: { type: 'number' },
          status: { type: 'string', enum: ['active', 'busy', 'offline', 'suspended'] },
          completed: { type: 'integer' },
        },
      },
    },
    series: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          start: timestamp,
          end: timestamp,
          created: { type: 'integer' },
          completed: { type: 'integer' },
          median_price: nullableMoney,
          median_latency_ms: { type: ['integer', 'null'] },
        },
      },
    },
  },
} as const;

/** Market analytics over a period. */
export function statsRoutes(app: FastifyInstance, market: Market): void {
  app.get<{ Querystring: { period?: string } }>(
    '/v1/stats',
    {
      // a bad period is answered with its own code (invalid_period), not the schema's invalid_request
      attachValidation: true,
      schema: {
        summary: 'Market analytics: requests, success rate, prices, waits, provers, money and trends over a period',
        tags: ['market'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { period: { type: 'string', enum: [...STATS_PERIODS], default: '24h' } },
        },
        response: { 200: statsResponse, ...errors },
      },
    },
    async (req) => {
      const period = req.query.period ?? '24h';
      if (!isStatsPeriod(period)) {
        throw invalid('invalid_period', `period must be one of ${STATS_PERIODS.join(', ')}, not "${String(period)}"`);
      }
      if (req.validationError) throw invalid('invalid_request', `querystring ${req.validationError.message.replace(/^querystring\s*/, '')}`);
      return wire(await marketStats(market, period));
    },
  );
}

/** Reads the period's rows and computes its figures, at the market's clock. */
export async function marketStats(market: Market, period: StatsPeriod) {
  const now = market.clock.now();
  const rows = await readStatsRows(market.db, statsWindow(period, now));
  return computeStats({ period, now, ...rows });
}
