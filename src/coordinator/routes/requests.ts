import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { invalid } from '../../domain/errors.ts';
import { parseAmount } from '../../domain/money.ts';
import type { Market } from '../market.ts';
import type { SubmitRequestParameters as MarketRequestInput } from '../usecases/submit-request.ts';
import { requestView } from '../market-views.ts';
import { errorResponses as errors, PRIORITIES, RequestIdParams, RequestView, SubmitRequestInput } from '../../api/index.ts';

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
      return reply.code(201).send(requestView(r.task, r.auction, r.history, r.now, r.auditCid));
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
      return requestView(r.task, r.auction, r.history, r.now, r.auditCid);
    },
  );
}
