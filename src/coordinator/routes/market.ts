import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { subscriptionView, wire } from '../market-views.ts';
import { errors, id } from '../schemas.ts';
import { backendName } from './requests.ts';

const subscription = {
  type: 'object',
  properties: {
    subscription_id: { type: 'string' },
    requester: { type: 'string' },
    prover_id: { type: 'string' },
    period: { type: 'string' },
    fee: { type: 'string' },
    quota: { type: ['integer', 'null'] },
    used: { type: 'integer' },
    starts_at: { type: 'string' },
    ends_at: { type: 'string' },
  },
} as const;

const level = { type: 'object', properties: { price: { type: 'string' }, quantity: { type: 'integer' } } } as const;

/** Market-wide resources: the backend registry, the order book, subscriptions. */
export function marketRoutes(app: FastifyInstance, market: Market): void {
  app.get(
    '/v1/backends',
    {
      schema: {
        summary: 'Proof systems this coordinator knows, and whether each one\'s verifier is installed here',
        tags: ['market'],
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                kind: { type: 'string' },
                installed: { type: 'boolean' },
                install_hint: { type: ['string', 'null'] },
                description: { type: 'string' },
              },
            },
          },
          ...errors,
        },
      },
    },
    async () => market.backends.list(),
  );

  app.get<{ Querystring: { backend: string } }>(
    '/v1/orderbook',
    {
      schema: {
        summary: 'Depth and spread of one backend: pending requests (bids) and provers\' free capacity (asks), with a suggested price',
        tags: ['market'],
        querystring: { type: 'object', required: ['backend'], additionalProperties: false, properties: { backend: backendName } },
        response: {
          200: {
            type: 'object',
            properties: {
              backend: { type: 'string' },
              bids: { type: 'array', items: level },
              asks: { type: 'array', items: level },
              best_bid: { type: ['string', 'null'] },
              best_ask: { type: ['string', 'null'] },
              spread: { type: ['string', 'null'] },
              crossed: { type: 'boolean' },
              suggested_price: {
                type: ['object', 'null'],
                properties: { p50: { type: 'string' }, p90: { type: 'string' }, count: { type: 'integer' } },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (req) => wire(await uc.getOrderBook(market, req.query.backend)),
  );

  app.post<{ Body: { requester: string; prover_id: string; period: 'monthly' | 'annual' } }>(
    '/v1/subscriptions',
    {
      schema: {
        summary: 'Subscribe to a prover for a month or a year: its requests go to that prover with no per-proof charge',
        tags: ['market'],
        body: {
          type: 'object',
          required: ['requester', 'prover_id', 'period'],
          additionalProperties: false,
          properties: { requester: id, prover_id: id, period: { type: 'string', enum: ['monthly', 'annual'] } },
        },
        response: { 201: subscription, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(subscriptionView(await uc.subscribe(market, req.body, { signer: req.signer }))),
  );

  app.get<{ Params: { subscription_id: string } }>(
    '/v1/subscriptions/:subscription_id',
    {
      schema: {
        summary: 'A subscription: its period, quota and use',
        tags: ['market'],
        params: { type: 'object', required: ['subscription_id'], properties: { subscription_id: id } },
        response: { 200: subscription, ...errors },
      },
    },
    async (req) => subscriptionView(await uc.getSubscription(market, req.params.subscription_id)),
  );
}
