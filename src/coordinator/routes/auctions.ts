import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { parseAmount } from '../../domain/money.ts';
import type { AuctionActionInput } from '../auction-house.ts';
import type { Market } from '../market.ts';
import { auctionView } from '../market-views.ts';
import { amount, errors, id } from '../schemas.ts';
import { backendName } from './requests.ts';

export const auctionViewSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    request_id: { type: 'string' },
    round: { type: 'integer' },
    mechanism: { type: 'string' },
    phase: { type: 'string', enum: ['bidding', 'reveal', 'locked', 'closed'] },
    backend: { type: 'string' },
    max_price: { type: 'string' },
    current_price: { type: ['string', 'null'] },
    bid_closes_at: { type: 'string' },
    reveal_closes_at: { type: ['string', 'null'] },
    locked_by: { type: ['string', 'null'] },
    explanation: { type: ['object', 'null'], additionalProperties: true },
    privacy_level: { type: 'integer' },
    program_id: { type: 'string' },
    min_reputation: { type: 'number' },
    allow_list: { type: ['array', 'null'], items: { type: 'string' } },
    opened_at: { type: 'string' },
    spec: { type: 'object', additionalProperties: true },
  },
} as const;

const accepted = {
  type: 'object',
  properties: {
    accepted: { type: 'boolean' },
    phase: { type: 'string' },
    assigned: { type: 'boolean', description: 'This action won the request (a fixed take, a rising lock)' },
    price: { type: ['string', 'null'] },
  },
} as const;

const params = { type: 'object', required: ['request_id'], properties: { request_id: id } } as const;

export function auctionRoutes(app: FastifyInstance, market: Market): void {
  app.get<{ Querystring: { state?: 'open' | 'closed'; backend?: string; limit?: string } }>(
    '/v1/auctions',
    {
      schema: {
        summary: 'Open auctions (oldest first; fixed requests waiting for a taker included), or recently closed rounds',
        tags: ['auctions'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ['open', 'closed'], default: 'open' },
            backend: backendName,
            limit: { type: 'string', pattern: '^([1-9][0-9]{0,2}|1000)$', description: '1-1000, default 200' },
          },
        },
        response: { 200: { type: 'array', items: auctionViewSchema }, ...errors },
      },
    },
    async (req) => {
      const { items, now } = await uc.listAuctions(market, { state: req.query.state ?? 'open', backend: req.query.backend, limit: req.query.limit === undefined ? 200 : Number(req.query.limit) });
      return items.map((i) => auctionView(i.task, i.auction, now));
    },
  );

  app.get<{ Params: { request_id: string }; Querystring: { round?: string } }>(
    '/v1/auctions/:request_id',
    {
      schema: {
        summary: "A request's auction round (the latest unless ?round=), with its explanation once closed",
        tags: ['auctions'],
        params,
        querystring: { type: 'object', additionalProperties: false, properties: { round: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' } } },
        response: { 200: auctionViewSchema, ...errors },
      },
    },
    async (req) => {
      const { task, auction, now } = await uc.getAuction(market, req.params.request_id, req.query.round === undefined ? undefined : Number(req.query.round));
      return auctionView(task, auction, now);
    },
  );

  const action = <B extends Record<string, unknown>>(
    path: string,
    summary: string,
    body: object,
    toInput: (b: B) => AuctionActionInput,
  ) =>
    app.post<{ Params: { request_id: string }; Body: B }>(
      `/v1/auctions/:request_id/${path}`,
      { schema: { summary, tags: ['auctions'], params, body, response: { 200: accepted, ...errors } } },
      async (req) => {
        const input = toInput(req.body as B);
        return uc.placeBid(market, req.params.request_id, input, { signer: req.signer });
      },
    );

  action<{ prover_id: string; fee: string | number }>(
    'bids',
    'Bid on a weighted auction, or take a fixed request (the first eligible taker wins). A refusal is a 409 whose code is the reason.',
    { type: 'object', required: ['prover_id', 'fee'], additionalProperties: false, properties: { prover_id: id, fee: amount } },
    (b) => ({ kind: 'bid', prover_id: b.prover_id, fee: parseAmount(b.fee, 'fee') }),
  );
  action<{ prover_id: string; commitment: string }>(
    'commit',
    'Sealed auction, bidding phase: commit to sha256(JSON ["proofmarket/sealed-bid/v1", request_id, prover_id, fee, nonce])',
    { type: 'object', required: ['prover_id', 'commitment'], additionalProperties: false, properties: { prover_id: id, commitment: { type: 'string', maxLength: 128 } } },
    (b) => ({ kind: 'commit', prover_id: b.prover_id, commitment: b.commitment }),
  );
  action<{ prover_id: string; fee: string | number; nonce: string }>(
    'reveal',
    'Sealed auction, reveal phase: the fee and nonce of the commitment',
    { type: 'object', required: ['prover_id', 'fee', 'nonce'], additionalProperties: false, properties: { prover_id: id, fee: amount, nonce: { type: 'string', minLength: 1, maxLength: 256 } } },
    (b) => ({ kind: 'reveal', prover_id: b.prover_id, fee: parseAmount(b.fee, 'fee'), nonce: b.nonce }),
  );
  action<{ prover_id: string }>(
    'lock',
    'Rising auction: lock the request at the current price (the first eligible lock wins)',
    { type: 'object', required: ['prover_id'], additionalProperties: false, properties: { prover_id: id } },
    (b) => ({ kind: 'lock', prover_id: b.prover_id }),
  );
}
