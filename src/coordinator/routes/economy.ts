import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import { participantId } from '../../domain/auth.ts';
import { invalid } from '../../domain/errors.ts';
import { parseAmount } from '../../domain/money.ts';
import * as ledger from '../../store/ledger.ts';
import { listAudit } from '../../store/audit.ts';
import type { Market } from '../market.ts';
import { amount, errors, id } from '../schemas.ts';

const address = { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' } as const;
const reason = { type: 'string', minLength: 3, maxLength: 1000, description: 'Why (kept in the audit log)' } as const;
const amountBody = (extra: Record<string, unknown> = {}) =>
  ({ type: 'object', required: ['amount'], additionalProperties: false, properties: { amount, ...extra } }) as const;
const proverParams = { type: 'object', required: ['prover_id'], properties: { prover_id: id } } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

const participant = (id: string | undefined) => (id === undefined ? undefined : participantId(id));

const slashView = (s: ledger.Slash) => ({ ...s, at: s.at.toISOString(), reversed_at: s.reversed_at?.toISOString() ?? null });

/**
 * Accounts, stake, cancellation and the operator's acts (issue #5). Money is decimal strings. Who may do
 * what is checked by the market from `req.signer`, which the auth hook has verified.
 */
export function economyRoutes(app: FastifyInstance, market: Market): void {
  const economy = market.economy;

  app.post<{ Body: { amount: string | number; address?: string } }>(
    '/v1/accounts/deposit',
    {
      schema: {
        summary: 'Deposit into the signer\'s balance',
        description: 'Until deposits are backed on chain, a deposit is recorded on trust: money enters the market from the `external` account.',
        tags: ['accounts'],
        body: amountBody({ address: { ...address, description: 'Unsigned calls (--open) only: whose balance' } }),
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => {
      const who = market.access.actor({ signer: req.signer }, participant(req.body.address), 'address');
      await economy.deposit(who, parseAmount(req.body.amount, 'amount'));
      return economy.account(who);
    },
  );

  app.post<{ Body: { amount: string | number; address?: string } }>(
    '/v1/accounts/faucet',
    {
      schema: {
        summary: 'Dev mode (--open) only: free funds for an address or participant id',
        tags: ['accounts'],
        body: amountBody({ address: { ...id, description: 'Whose balance (default: the signer)' } }),
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => {
      if (!market.config.open) throw invalid('faucet_closed', 'the faucet exists only on a coordinator started with --open (dev mode)');
      const who = participant(req.body.address) ?? req.signer ?? '';
      if (!who) throw invalid('invalid_request', 'body is missing the field "address"');
      await economy.deposit(who, parseAmount(req.body.amount, 'amount'), 'faucet');
      return economy.account(who);
    },
  );

  app.post<{ Body: { amount: string | number; prover_id?: string; address?: string } }>(
    '/v1/accounts/withdraw',
    {
      schema: {
        summary: 'Withdraw from the signer\'s balance, or from the earnings of a prover it owns',
        tags: ['accounts'],
        body: amountBody({ prover_id: { ...id, description: 'Withdraw this prover\'s earnings (its owner only)' }, address: { ...id, description: 'Unsigned calls (--open) only' } }),
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => {
      const who = market.access.actor({ signer: req.signer }, participant(req.body.address), 'address');
      await economy.withdraw(who, parseAmount(req.body.amount, 'amount'), req.body.prover_id, req.signer);
      return economy.account(who);
    },
  );

  app.get<{ Params: { address: string } }>(
    '/v1/accounts/:address',
    {
      schema: {
        summary: 'An account: balance, the stake and earnings of the provers it owns, recent entries',
        tags: ['accounts'],
        params: { type: 'object', required: ['address'], properties: { address: id } },
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => economy.account(participant(req.params.address)!),
  );

  app.post<{ Params: { prover_id: string }; Body: { amount: string | number } }>(
    '/v1/provers/:prover_id/stake',
    {
      schema: { summary: 'Stake collateral for a prover (its owner, from its balance)', tags: ['stake'], params: proverParams, body: amountBody(), response: { 200: anyObject, ...errors } },
    },
    async (req) => economy.stake(req.params.prover_id, market.access.ownerActor({ signer: req.signer }), parseAmount(req.body.amount, 'amount')),
  );

  app.post<{ Params: { prover_id: string }; Body: { amount: string | number } }>(
    '/v1/provers/:prover_id/unstake',
    {
      schema: {
        summary: 'Start unstaking free collateral; it stays slashable until the unstake delay has passed, then goes to the owner',
        tags: ['stake'],
        params: proverParams,
        body: amountBody(),
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => economy.unstake(req.params.prover_id, market.access.ownerActor({ signer: req.signer }), parseAmount(req.body.amount, 'amount')),
  );

  app.get<{ Params: { prover_id: string } }>(
    '/v1/provers/:prover_id/stake',
    { schema: { summary: 'A prover\'s stake: free, locked (per request), unstaking, earnings', tags: ['stake'], params: proverParams, response: { 200: anyObject, ...errors } } },
    async (req) => {
      await uc.getProverView(market, req.params.prover_id);
      return economy.stakeView(req.params.prover_id);
    },
  );

  app.post<{ Params: { request_id: string } }>(
    '/v1/requests/:request_id/cancel',
    {
      schema: {
        summary: 'Cancel a pending request (its requester): it fails with cause `cancelled` and is refunded in full',
        tags: ['requests'],
        params: { type: 'object', required: ['request_id'], properties: { request_id: id } },
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => {
      const t = await uc.cancelRequest(market, req.params.request_id, { signer: req.signer });
      return { request_id: t.task_id, status: t.status, ledger: await ledger.movementsFor(market.db, 'request', t.task_id) };
    },
  );

  app.get<{ Params: { request_id: string } }>(
    '/v1/requests/:request_id/ledger',
    {
      schema: {
        summary: 'The money movements of a request: escrow, stake lock, settlement or refund, slash',
        tags: ['requests'],
        params: { type: 'object', required: ['request_id'], properties: { request_id: id } },
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => {
      await uc.getRequest(market, req.params.request_id);
      return { request_id: req.params.request_id, movements: await ledger.movementsFor(market.db, 'request', req.params.request_id) };
    },
  );

  for (const action of ['suspend', 'reinstate'] as const) {
    app.post<{ Params: { prover_id: string }; Body: { reason: string } }>(
      `/v1/provers/:prover_id/${action}`,
      {
        schema: {
          summary: action === 'suspend' ? 'The operator suspends a prover: it takes and wins no work until reinstated' : 'The operator reinstates a suspended prover',
          tags: ['operator'],
          params: proverParams,
          body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason } },
          response: { 200: anyObject, ...errors },
        },
      },
      async (req) => {
        const p = await uc.setSuspended(market, req.params.prover_id, action === 'suspend', req.body.reason, { signer: req.signer });
        return { prover_id: p.prover_id, status: p.status, suspended_reason: p.suspended_reason };
      },
    );
  }

  app.get<{ Querystring: { prover_id?: string } }>(
    '/v1/slashes',
    {
      schema: {
        summary: 'Slashes, newest first',
        tags: ['stake'],
        querystring: { type: 'object', additionalProperties: false, properties: { prover_id: id } },
        response: { 200: { type: 'array', items: anyObject }, ...errors },
      },
    },
    async (req) => (await ledger.listSlashes(market.db, { prover_id: req.query.prover_id })).map(slashView),
  );

  app.post<{ Params: { slash_id: string }; Body: { reason: string } }>(
    '/v1/slashes/:slash_id/reverse',
    {
      schema: {
        summary: 'The operator reverses a slash, with a written reason: the slashed stake goes back to the prover',
        tags: ['operator'],
        params: { type: 'object', required: ['slash_id'], properties: { slash_id: { type: 'string', pattern: '^[0-9]{1,18}$' } } },
        body: { type: 'object', required: ['reason'], additionalProperties: false, properties: { reason } },
        response: { 200: anyObject, ...errors },
      },
    },
    async (req) => slashView(await uc.reverseSlash(market, req.params.slash_id, req.body.reason, { signer: req.signer })),
  );

  app.get(
    '/v1/audit',
    { schema: { summary: 'The operator\'s acts, newest first', tags: ['operator'], response: { 200: { type: 'array', items: anyObject }, ...errors } } },
    async () => (await listAudit(market.db)).map((e) => ({ ...e, at: e.at.toISOString() })),
  );

  app.get(
    '/v1/ledger/audit',
    {
      schema: {
        summary: 'The ledger checks itself: balanced movements, balances equal to their entries, none negative, sum = deposits − withdrawals, every lock live',
        tags: ['accounts'],
        response: { 200: anyObject, ...errors },
      },
    },
    async () => ledger.audit(market.db),
  );
}
