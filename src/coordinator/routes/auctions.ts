import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { Type, type TSchema } from '@sinclair/typebox';
import { parseAmount } from '../../domain/money.ts';
import type { AuctionActionInput } from '../auction-house.ts';
import type { Market } from '../market.ts';
import { auctionView } from '../market-views.ts';
import {
  AuctionActionResult,
  AuctionQuery,
  AuctionRoundQuery,
  AuctionView,
  BidInput,
  CommitInput,
  errorResponses as errors,
  BidList,
  ChoiceInput,
  ChoiceResult,
  LockInput,
  RequestIdParams,
  RevealInput,
  WithdrawBidInput,
} from '../../api/index.ts';

export function auctionRoutes(app: FastifyInstance, market: Market): void {
  app.get<{ Querystring: AuctionQuery }>(
    '/v1/auctions',
    {
      schema: {
        summary: 'Open auctions (oldest first; fixed requests waiting for a taker included), or recently closed rounds',
        tags: ['auctions'],
        querystring: AuctionQuery,
        response: { 200: Type.Array(AuctionView), ...errors },
      },
    },
    async (req) => {
      const { items, now } = await uc.listAuctions(market, { state: req.query.state ?? 'open', backend: req.query.backend, limit: req.query.limit === undefined ? 200 : Number(req.query.limit) });
      return items.map((i) => auctionView(i.task, i.auction, now));
    },
  );

  app.get<{ Params: RequestIdParams; Querystring: AuctionRoundQuery }>(
    '/v1/auctions/:request_id',
    {
      schema: {
        summary: "A request's auction round (the latest unless ?round=), with its explanation once closed",
        tags: ['auctions'],
        params: RequestIdParams,
        querystring: AuctionRoundQuery,
        response: { 200: AuctionView, ...errors },
      },
    },
    async (req) => {
      const { task, auction, now } = await uc.getAuction(market, req.params.request_id, req.query.round === undefined ? undefined : Number(req.query.round));
      return auctionView(task, auction, now);
    },
  );

  const action = <B>(path: string, summary: string, body: TSchema, toInput: (b: B) => AuctionActionInput) =>
    app.post<{ Params: RequestIdParams; Body: B }>(
      `/v1/auctions/:request_id/${path}`,
      { schema: { summary, tags: ['auctions'], params: RequestIdParams, body, response: { 200: AuctionActionResult, ...errors } } },
      async (req) => {
        const input = toInput(req.body as B);
        return uc.placeBid(market, req.params.request_id, input, { signer: req.signer });
      },
    );

  action<BidInput>(
    'bids',
    'Bid on a weighted auction, or take a fixed request (the first eligible taker wins). A refusal is a 409 whose code is the reason.',
    BidInput,
    (b) => ({ kind: 'bid', prover_id: b.prover_id, fee: parseAmount(b.fee, 'fee') }),
  );
  action<CommitInput>(
    'commit',
    'Sealed auction, bidding phase: commit to sha256(JSON ["proofmarket/sealed-bid/v1", request_id, prover_id, fee, nonce])',
    CommitInput,
    (b) => ({ kind: 'commit', prover_id: b.prover_id, commitment: b.commitment }),
  );
  action<RevealInput>(
    'reveal',
    'Sealed auction, reveal phase: the fee and nonce of the commitment',
    RevealInput,
    (b) => ({ kind: 'reveal', prover_id: b.prover_id, fee: parseAmount(b.fee, 'fee'), nonce: b.nonce }),
  );
  action<LockInput>(
    'lock',
    'Rising auction: lock the request at the current price (the first eligible lock wins)',
    LockInput,
    (b) => ({ kind: 'lock', prover_id: b.prover_id }),
  );
  action<WithdrawBidInput>(
    'withdraw',
    'Requester-choice auction: withdraw this prover\'s bid (final; it can no longer be chosen, nor win the fallback)',
    WithdrawBidInput,
    (b) => ({ kind: 'withdraw', prover_id: b.prover_id }),
  );
  choiceRoutes(app, market);
}

/** `requester_choice`: the requester lists the current round's bids and picks one (both signed by the requester). */
function choiceRoutes(app: FastifyInstance, market: Market): void {
  app.get<{ Params: RequestIdParams }>(
    '/v1/auctions/:request_id/bids',
    {
      schema: {
        summary: "Requester-choice auction: the current round's bids, each with its prover's reputation and free stake (signed by the requester)",
        tags: ['auctions'],
        params: RequestIdParams,
        response: { 200: BidList, ...errors },
      },
    },
    async (req) => uc.listBids(market, req.params.request_id, { signer: req.signer }),
  );
  app.post<{ Params: RequestIdParams; Body: ChoiceInput }>(
    '/v1/auctions/:request_id/choice',
    {
      schema: {
        summary: 'Requester-choice auction: the requester picks a bid; its prover is assigned at the bid\'s fee (signed by the requester)',
        tags: ['auctions'],
        params: RequestIdParams,
        body: ChoiceInput,
        response: { 200: ChoiceResult, ...errors },
      },
    },
    async (req) => uc.chooseBid(market, req.params.request_id, req.body.bid_id, { signer: req.signer }),
  );
}
