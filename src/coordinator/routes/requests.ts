import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { invalid } from '../../domain/errors.ts';
import { parseAmount } from '../../domain/money.ts';
import type { Market } from '../market.ts';
import type { SubmitRequestParameters as MarketRequestInput } from '../usecases/submit-request.ts';
import { requestView } from '../market-views.ts';
import { errorResponses as errors, PRIORITIES, RequestIdParams, RequestList, RequestListQuery, RequestView, SubmitRequestInput } from '../../api/index.ts';
import type { RequestSummaryRow } from '../usecases/index.ts';

/** Strict base64: the alphabet, padded to a multiple of 4 (so a typo is an error, not silently other bytes). */
function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw invalid('invalid_input', 'input must be base64 (A-Z a-z 0-9 + /, padded with =)');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function requestRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Body: SubmitRequestInput }>(
    '/v1/requests',
    {
      schema: {
        summary: 'Submit a proof request with market terms (program, backend, price, reputation floor, auction)',
        tags: ['requests'],
        body: SubmitRequestInput,
        response: { 201: RequestView, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const id = await uc.submitRequest(market, {
        request_id: b.request_id,
        requester: b.requester,
        program_id: b.program_id,
        model: b.model,
        input: decodeBase64(b.input),
        backend: b.backend,
        privacy_level: b.privacy_level ?? 1,
        priority: typeof b.priority === 'string' ? PRIORITIES[b.priority] : (b.priority ?? PRIORITIES.normal),
        max_price: parseAmount(b.max_price, 'max_price'),
        min_reputation: b.min_reputation ?? 0,
        deadline_minutes: b.deadline,
        auction: b.auction ?? { mechanism: 'fixed' },
        allow_list: b.allow_list,
        // market.ts types the steps as strings; its parseAmount takes the wire's safe integers as well
        reauction: b.reauction as MarketRequestInput['reauction'],
        subscription_id: b.subscription_id,
        on_exhausted: b.on_exhausted ?? 'error',
        min_stake: parseAmount(b.min_stake ?? '0', 'min_stake'),
      }, { signer: req.signer });
      const r = await uc.getRequest(market, id);
      return reply.code(201).send(requestView(r.task, r.auction, r.history, r.now, r.auditCid, r.chain));
    },
  );

  app.get<{ Params: RequestIdParams }>(
    '/v1/requests/:request_id',
    {
      schema: {
        summary: 'A request: its terms, status, clearing price, current auction round and history',
        tags: ['requests'],
        params: RequestIdParams,
        response: { 200: RequestView, ...errors },
      },
    },
    async (req) => {
      const r = await uc.getRequest(market, req.params.request_id);
      return requestView(r.task, r.auction, r.history, r.now, r.auditCid, r.chain);
    },
  );

  app.get<{ Querystring: RequestListQuery }>(
    '/v1/requests',
    {
      schema: {
        summary: 'The request history: filtered (status, requester, program, backend, prover, time, text), newest first, paged',
        tags: ['requests'],
        querystring: RequestListQuery,
        response: { 200: RequestList, ...errors },
      },
    },
    async (req): Promise<RequestList> => {
      const { q, offset, limit, from, to, ...filters } = req.query;
      const page = await uc.listRequests(market, {
        ...filters,
        text: q,
        from: from === undefined ? undefined : instant(from, 'from'),
        to: to === undefined ? undefined : instant(to, 'to'),
        offset: offset === undefined ? 0 : Number(offset),
        limit: limit === undefined ? undefined : Number(limit),
      });
      return { total: page.total, offset: offset === undefined ? 0 : Number(offset), items: page.rows.map(summaryView) };
    },
  );
}

function instant(text: string, name: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw invalid('invalid_request', `querystring.${name} must be an RFC 3339 time`);
  return d;
}

function summaryView(r: RequestSummaryRow): RequestList['items'][number] {
  return {
    request_id: r.task_id,
    requester: r.requester,
    program_id: r.program_id,
    backend: r.backend,
    status: r.status,
    mechanism: r.mechanism,
    max_price: r.max_price.toString(),
    price: r.price === null ? null : r.price.toString(),
    assigned_prover: r.assigned_prover,
    round: r.round,
    attempts: r.attempts,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}
