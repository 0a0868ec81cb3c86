import type { FastifyInstance } from 'fastify';
import * as uc from '../usecases/index.ts';
import type { Market } from '../market.ts';
import { Type } from '@sinclair/typebox';
import { AuthorizeSubmitterInput, ConsentInput, errorResponses as errors, ProverIdParams, SubmitterParams, SubmitterView } from '../../api/index.ts';

// Submitters: operator keys a prover's owner lets bid and submit for it (the rules: usecases/submitter-queries.ts
// and the three acts beside it). Every act is signed by the party doing it, even on a coordinator running --open.

function view(s: uc.SubmitterRecord): SubmitterView {
  return {
    prover_id: s.prover_id,
    address: s.address,
    state: s.state,
    consented_at: s.consented_at?.toISOString() ?? null,
    authorized_at: s.authorized_at?.toISOString() ?? null,
    revoked_at: s.revoked_at?.toISOString() ?? null,
    revoked_by: s.revoked_by,
  };
}

export function submitterRoutes(app: FastifyInstance, market: Market): void {
  consentRoutes(app, market);
  revocationRoutes(app, market);
}

/** The submitter consents, then the owner authorizes it. */
function consentRoutes(app: FastifyInstance, market: Market): void {
  app.post<{ Body: ConsentInput }>(
    '/v1/submitters/consent',
    {
      schema: {
        summary: "Consent to act as a prover's submitter (signed by the submitter)",
        description:
          'The signer agrees to bid and submit for the prover; its owner may then authorize it. Idempotent; after a revoke, consenting again starts over (the owner must authorize again).',
        tags: ['submitters'],
        body: ConsentInput,
        response: { 200: SubmitterView, ...errors },
      },
    },
    async (req) => view(await uc.consentSubmitter(market, { prover_id: req.body.prover_id }, { signer: req.signer })),
  );

  app.post<{ Params: ProverIdParams; Body: AuthorizeSubmitterInput }>(
    '/v1/provers/:prover_id/submitters',
    {
      schema: {
        summary: 'Authorize a submitter (signed by the prover\'s owner)',
        description: 'The address must have consented first (409 submitter_not_consented). Only the owner may (403 not_owner). Idempotent.',
        tags: ['submitters'],
        params: ProverIdParams,
        body: AuthorizeSubmitterInput,
        response: { 200: SubmitterView, ...errors },
      },
    },
    async (req) => view(await uc.authorizeSubmitter(market, { prover_id: req.params.prover_id, address: req.body.address }, { signer: req.signer })),
  );
}

/** Either side revokes; anyone lists. */
function revocationRoutes(app: FastifyInstance, market: Market): void {
  app.delete<{ Params: SubmitterParams }>(
    '/v1/provers/:prover_id/submitters/:address',
    {
      schema: {
        summary: 'Revoke a submitter (signed by the prover\'s owner or by the submitter)',
        description: 'Idempotent. The submitter must consent again, and be authorized again, to act for the prover.',
        tags: ['submitters'],
        params: SubmitterParams,
        response: { 200: SubmitterView, ...errors },
      },
    },
    async (req) => view(await uc.revokeSubmitter(market, { prover_id: req.params.prover_id, address: req.params.address }, { signer: req.signer })),
  );

  app.get<{ Params: ProverIdParams }>(
    '/v1/provers/:prover_id/submitters',
    {
      schema: {
        summary: "A prover's submitters, in every state",
        tags: ['submitters'],
        params: ProverIdParams,
        response: { 200: Type.Array(SubmitterView), ...errors },
      },
    },
    async (req) => (await uc.listSubmitters(market, req.params.prover_id)).map(view),
  );
}
