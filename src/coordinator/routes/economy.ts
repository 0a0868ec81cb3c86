import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { Type } from '@sinclair/typebox';
import {
  AccountAnswer,
  AddressParams,
  AmountInput,
  AuditAnswer,
  CancelledAnswer,
  DepositInput,
  errorResponses as errors,
  FaucetInput,
  LedgerAuditAnswer,
  ProverIdParams,
  ReasonInput,
  RequestIdParams,
  RequestLedgerAnswer,
  SlashAnswer,
  SlashFilter,
  SlashIdParams,
  StakeAnswer,
  SuspensionAnswer,
  WithdrawInput,
} from '../../api/index.ts';

const slashView = (s: uc.Slash) => ({ ...s, at: s.at.toISOString(), reversed_at: s.reversed_at?.toISOString() ?? null });

/**
 * Accounts, stake, cancellation and the operator's acts (issue #5). Money is decimal strings. Who may do
 * what is checked by the use cases from `req.signer`, which the auth hook has verified.
 */
export function economyRoutes(app: FastifyInstance, market: Market): void {
  accountRoutes(app, market);
  stakeRoutes(app, market);
  ledgerRoutes(app, market);
  operatorRoutes(app, market);
}

function accountRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Body: DepositInput }>(
    '/v1/accounts/deposit',
    {
      schema: {
        summary: 'Deposit into the signer\'s balance',
        description: 'Until deposits are backed on chain, a deposit is recorded on trust: money enters the market from the `external` account.',
        tags: ['accounts'],
        body: DepositInput,
        response: { 200: AccountAnswer, ...errors },
      },
    },
    async (req) => uc.deposit(market, req.body, { signer: req.signer }),
  );

  app.post<{ Body: FaucetInput }>(
    '/v1/accounts/faucet',
    {
      schema: {
        summary: 'Dev mode (--open) only: free funds for an address or participant id',
        tags: ['accounts'],
        body: FaucetInput,
        response: { 200: AccountAnswer, ...errors },
      },
    },
    async (req) => uc.faucet(market, req.body, { signer: req.signer }),
  );

  app.post<{ Body: WithdrawInput }>(
    '/v1/accounts/withdraw',
    {
      schema: {
        summary: 'Withdraw from the signer\'s balance, or from the earnings of a prover it owns',
        tags: ['accounts'],
        body: WithdrawInput,
        response: { 200: AccountAnswer, ...errors },
      },
    },
    async (req) => uc.withdraw(market, req.body, { signer: req.signer }),
  );

  app.get<{ Params: AddressParams }>(
    '/v1/accounts/:address',
    {
      schema: {
        summary: 'An account: balance, the stake and earnings of the provers it owns, recent entries',
        tags: ['accounts'],
        params: AddressParams,
        response: { 200: AccountAnswer, ...errors },
      },
    },
    async (req) => ({ ...(await uc.getAccount(market, req.params.address)), escrow: (await uc.escrowOf(market, req.params.address)).toString() }),
  );
}

function stakeRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Params: ProverIdParams; Body: AmountInput }>(
    '/v1/provers/:prover_id/stake',
    {
      schema: { summary: 'Stake collateral for a prover (its owner, from its balance)', tags: ['stake'], params: ProverIdParams, body: AmountInput, response: { 200: StakeAnswer, ...errors } },
    },
    async (req) => uc.stake(market, { prover_id: req.params.prover_id, amount: req.body.amount }, { signer: req.signer }),
  );

  app.post<{ Params: ProverIdParams; Body: AmountInput }>(
    '/v1/provers/:prover_id/unstake',
    {
      schema: {
        summary: 'Start unstaking free collateral; it stays slashable until the unstake delay has passed, then goes to the owner',
        tags: ['stake'],
        params: ProverIdParams,
        body: AmountInput,
        response: { 200: StakeAnswer, ...errors },
      },
    },
    async (req) => uc.unstake(market, { prover_id: req.params.prover_id, amount: req.body.amount }, { signer: req.signer }),
  );

  app.get<{ Params: ProverIdParams }>(
    '/v1/provers/:prover_id/stake',
    { schema: { summary: 'A prover\'s stake: free, locked (per request), unstaking, earnings', tags: ['stake'], params: ProverIdParams, response: { 200: StakeAnswer, ...errors } } },
    async (req) => uc.getStakeView(market, req.params.prover_id),
  );

  app.get<{ Querystring: SlashFilter }>(
    '/v1/slashes',
    {
      schema: {
        summary: 'Slashes, newest first',
        tags: ['stake'],
        querystring: SlashFilter,
        response: { 200: Type.Array(SlashAnswer), ...errors },
      },
    },
    async (req) => (await uc.listSlashes(market, { prover_id: req.query.prover_id })).map(slashView),
  );
}

/** A request's money (cancel and refund, its movements), and the ledger's self-check. */
function ledgerRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Params: RequestIdParams }>(
    '/v1/requests/:request_id/cancel',
    {
      schema: {
        summary: 'Cancel a pending request (its requester): it fails with cause `cancelled` and is refunded in full',
        tags: ['requests'],
        params: RequestIdParams,
        response: { 200: CancelledAnswer, ...errors },
      },
    },
    async (req) => {
      const t = await uc.cancelRequest(market, req.params.request_id, { signer: req.signer });
      return { request_id: t.task_id, status: t.status, ledger: await uc.requestMovements(market, t.task_id) };
    },
  );

  app.get<{ Params: RequestIdParams }>(
    '/v1/requests/:request_id/ledger',
    {
      schema: {
        summary: 'The money movements of a request: escrow, stake lock, settlement or refund, slash',
        tags: ['requests'],
        params: RequestIdParams,
        response: { 200: RequestLedgerAnswer, ...errors },
      },
    },
    async (req) => uc.getRequestLedger(market, req.params.request_id),
  );

  app.get(
    '/v1/ledger/audit',
    {
      schema: {
        summary: 'The ledger checks itself: balanced movements, balances equal to their entries, none negative, sum = deposits − withdrawals, every lock live',
        tags: ['accounts'],
        response: { 200: LedgerAuditAnswer, ...errors },
      },
    },
    async () => uc.auditLedger(market),
  );
}

function operatorRoutes(app: FastifyInstance, market: Market): void {
  for (const action of ['suspend', 'reinstate'] as const) {
    app.post<{ Params: ProverIdParams; Body: ReasonInput }>(
      `/v1/provers/:prover_id/${action}`,
      {
        schema: {
          summary: action === 'suspend' ? 'The operator suspends a prover: it takes and wins no work until reinstated' : 'The operator reinstates a suspended prover',
          tags: ['operator'],
          params: ProverIdParams,
          body: ReasonInput,
          response: { 200: SuspensionAnswer, ...errors },
        },
      },
      async (req) => {
        const p = await uc.setSuspended(market, req.params.prover_id, action === 'suspend', req.body.reason, { signer: req.signer });
        return { prover_id: p.prover_id, status: p.status, suspended_reason: p.suspended_reason };
      },
    );
  }

  app.post<{ Params: SlashIdParams; Body: ReasonInput }>(
    '/v1/slashes/:slash_id/reverse',
    {
      schema: {
        summary: 'The operator reverses a slash, with a written reason: the slashed stake goes back to the prover',
        tags: ['operator'],
        params: SlashIdParams,
        body: ReasonInput,
        response: { 200: SlashAnswer, ...errors },
      },
    },
    async (req) => slashView(await uc.reverseSlash(market, req.params.slash_id, req.body.reason, { signer: req.signer })),
  );

  app.get(
    '/v1/audit',
    { schema: { summary: 'The operator\'s acts, newest first', tags: ['operator'], response: { 200: Type.Array(AuditAnswer), ...errors } } },
    async () => (await uc.listOperatorActs(market)).map((e) => ({ ...e, at: e.at.toISOString() })),
  );
}
