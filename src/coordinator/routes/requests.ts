import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { invalid } from '../../domain/errors.ts';
import { parseAmount } from '../../domain/money.ts';
import { PRIORITIES, type Market } from '../market.ts';
import type { SubmitRequestParameters as SubmitRequestInput } from '../usecases/submit-request.ts';
import { requestView } from '../market-views.ts';
import { amount, errors, id } from '../schemas.ts';

export const backendName = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: 'A proof system (backend) name' } as const;

const auctionSpec = {
  type: 'object',
  required: ['mechanism'],
  additionalProperties: false,
  description: 'The mechanism and its parameters; omitted parameters take the documented defaults',
  properties: {
    mechanism: { type: 'string', enum: ['fixed', 'weighted', 'sealed', 'rising'] },
    bid_window_ms: { type: 'integer', minimum: 1, maximum: 604_800_000 },
    reveal_window_ms: { type: 'integer', minimum: 1, maximum: 604_800_000 },
    price_weight: { type: 'number', minimum: 0, maximum: 1000 },
    reputation_weight: { type: 'number', minimum: 0, maximum: 1000 },
    min_price: amount,
    ramp_start_ms: { type: 'integer', minimum: 0, maximum: 604_800_000 },
    ramp_period_ms: { type: 'integer', minimum: 0, maximum: 604_800_000 },
    lock_timeout_ms: { type: 'integer', minimum: 1, maximum: 604_800_000 },
  },
} as const;

export const requestViewSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    request_id: { type: 'string' },
    requester: { type: 'string' },
    min_stake: { type: 'string' },
    program_id: { type: 'string' },
    backend: { type: 'string' },
    status: { type: 'string' },
    max_price: { type: 'string' },
    price: { type: ['string', 'null'] },
    assigned_prover: { type: ['string', 'null'] },
    mechanism: { type: 'string' },
    round: { type: 'integer' },
    privacy_level: { type: 'integer' },
    priority: { type: 'integer' },
    min_reputation: { type: 'number' },
    deadline: { type: 'string' },
    allow_list: { type: ['array', 'null'], items: { type: 'string' } },
    created_at: { type: 'string' },
    auction: { type: ['object', 'null'], additionalProperties: true },
    history: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

interface RequestBody {
  request_id?: string;
  requester?: string;
  program_id: string;
  input: string;
  backend: string;
  privacy_level?: number;
  priority?: keyof typeof PRIORITIES | number;
  max_price: string | number;
  min_stake?: string | number;
  min_reputation?: number;
  deadline?: number;
  auction?: SubmitRequestInput['auction'];
  allow_list?: string[];
  reauction?: SubmitRequestInput['reauction'];
  subscription_id?: string;
  on_exhausted?: 'error' | 'market';
}

/** Strict base64: the alphabet, padded to a multiple of 4 (so a typo is an error, not silently other bytes). */
function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw invalid('invalid_input', 'input must be base64 (A-Z a-z 0-9 + /, padded with =)');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function requestRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Body: RequestBody }>(
    '/v1/requests',
    {
      schema: {
        summary: 'Submit a proof request with market terms (program, backend, price, reputation floor, auction)',
        tags: ['requests'],
        body: {
          type: 'object',
          required: ['program_id', 'input', 'backend', 'max_price'],
          additionalProperties: false,
          properties: {
            request_id: { ...id, description: 'Optional; the server makes a UUID when omitted' },
            requester: { ...id, description: 'Who pays; a signed call acts for its signer (this may be omitted or must equal it)' },
            program_id: id,
            input: { type: 'string', maxLength: 1_400_000, description: 'The input bytes, base64' },
            backend: backendName,
            privacy_level: { type: 'integer', minimum: 1, maximum: 255, default: 1 },
            priority: { anyOf: [{ type: 'string', enum: Object.keys(PRIORITIES) }, { type: 'integer', minimum: 0, maximum: 100 }], description: 'low=25, normal=50, high=75, urgent=100, or 0-100' },
            max_price: amount,
            min_stake: { ...amount, description: 'Stake the winner must have free; locked while it holds the request, slashed if it misses its deadline (default 0)' },
            min_reputation: { type: 'number', minimum: 0, maximum: 5 },
            deadline: { type: 'number', exclusiveMinimum: 0, maximum: 525_600, description: 'Minutes from now' },
            auction: auctionSpec,
            allow_list: { type: 'array', items: id, maxItems: 1000 },
            reauction: {
              type: 'object',
              additionalProperties: false,
              description: 'How to relax the terms after a round without a winner; without it such a request expires and is refunded at once',
              properties: {
                max_price_step: amount,
                max_price_ceiling: amount,
                min_reputation_step: { type: 'number', minimum: 0, maximum: 5 },
                min_reputation_floor: { type: 'number', minimum: 0, maximum: 5 },
              },
            },
            subscription_id: id,
            on_exhausted: { type: 'string', enum: ['error', 'market'], default: 'error' },
          },
        },
        response: { 201: requestViewSchema, ...errors },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const id = await uc.submitRequest(market, {
        request_id: b.request_id,
        requester: b.requester,
        program_id: b.program_id,
        input: decodeBase64(b.input),
        backend: b.backend,
        privacy_level: b.privacy_level ?? 1,
        priority: typeof b.priority === 'string' ? PRIORITIES[b.priority] : (b.priority ?? PRIORITIES.normal),
        max_price: parseAmount(b.max_price, 'max_price'),
        min_reputation: b.min_reputation ?? 0,
        deadline_minutes: b.deadline,
        auction: b.auction ?? { mechanism: 'fixed' },
        allow_list: b.allow_list,
        reauction: b.reauction,
        subscription_id: b.subscription_id,
        on_exhausted: b.on_exhausted ?? 'error',
        min_stake: parseAmount(b.min_stake ?? '0', 'min_stake'),
      }, { signer: req.signer });
      const r = await uc.getRequest(market, id);
      return reply.code(201).send(requestView(r.task, r.auction, r.history, r.now));
    },
  );

  app.get<{ Params: { request_id: string } }>(
    '/v1/requests/:request_id',
    {
      schema: {
        summary: 'A request: its terms, status, clearing price, current auction round and history',
        tags: ['requests'],
        params: { type: 'object', required: ['request_id'], properties: { request_id: id } },
        response: { 200: requestViewSchema, ...errors },
      },
    },
    async (req) => {
      const r = await uc.getRequest(market, req.params.request_id);
      return requestView(r.task, r.auction, r.history, r.now);
    },
  );
}
