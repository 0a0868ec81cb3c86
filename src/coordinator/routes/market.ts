import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { Type } from '@sinclair/typebox';
import type { Market } from '../market.ts';
import { subscriptionView, wire } from '../market-views.ts';
import { Backend, errorResponses as errors, OrderBook, OrderBookQuery, SubscribeInput, Subscription, SubscriptionIdParams } from '../../api/index.ts';

/** Market-wide resources: the backend registry, the order book, subscriptions. */
export function marketRoutes(app: FastifyInstance, market: Market): void {
  app.get(
    '/v1/backends',
    {
      schema: {
        summary: 'Proof systems this coordinator knows, and whether each one\'s verifier is installed here',
        tags: ['market'],
        response: { 200: Type.Array(Backend), ...errors },
      },
    },
    async () => uc.listBackends(market),
  );

  app.get<{ Querystring: OrderBookQuery }>(
    '/v1/orderbook',
    {
      schema: {
        summary: 'Depth and spread of one backend: pending requests (bids) and provers\' free capacity (asks), with a suggested price',
        tags: ['market'],
        querystring: OrderBookQuery,
        response: { 200: OrderBook, ...errors },
      },
    },
    async (req) => wire(await uc.getOrderBook(market, req.query.backend)),
  );

  app.post<{ Body: SubscribeInput }>(
    '/v1/subscriptions',
    {
      schema: {
        summary: 'Subscribe to a prover for a month or a year: its requests go to that prover with no per-proof charge',
        tags: ['market'],
        body: SubscribeInput,
        response: { 201: Subscription, ...errors },
      },
    },
    async (req, reply) => reply.code(201).send(subscriptionView(await uc.subscribe(market, req.body, { signer: req.signer }))),
  );

  app.get<{ Params: SubscriptionIdParams }>(
    '/v1/subscriptions/:subscription_id',
    {
      schema: {
        summary: 'A subscription: its period, quota and use',
        tags: ['market'],
        params: SubscriptionIdParams,
        response: { 200: Subscription, ...errors },
      },
    },
    async (req) => subscriptionView(await uc.getSubscription(market, req.params.subscription_id)),
  );
}
