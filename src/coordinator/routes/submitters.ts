import type { FastifyInstance } from 'fastify';
import { normalizeAddress } from '../../domain/auth.ts';
import { conflict, forbidden, invalid, notFound } from '../../domain/errors.ts';
import * as store from '../../store/auth.ts';
import type { SubmitterRecord } from '../../store/auth.ts';
import type { Market } from '../market.ts';
import { requireSigner } from '../auth.ts';
import { Type } from '@sinclair/typebox';
import { AuthorizeSubmitterInput, ConsentInput, errorResponses as errors, ProverIdParams, SubmitterParams, SubmitterView } from '../../api/index.ts';

// Submitters: operator keys a prover's owner lets bid and submit for it, so the owner's (staking) key can
// stay offline. The submitter consents first, so no one is enlisted without agreeing; the owner authorizes;
// either side revokes. Every act is signed by the party doing it, even on a coordinator running --open.

function view(s: SubmitterRecord): SubmitterView {
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

function addressParam(text: string, field: string): string {
  const a = normalizeAddress(text);
  if (!a) throw invalid('invalid_address', `${field} "${text}" is not an EVM address (0x + 40 hex, with a valid EIP-55 checksum if mixed case)`);
  return a;
}

/** A prover's owner (null: registered unsigned); 404 for an unknown prover. */
async function ownerOf(market: Market, proverId: string): Promise<string | null> {
  const p = await store.proverAuthority(market.db, proverId, null);
  if (!p) throw notFound('prover_not_found', `no prover with id "${proverId}"`);
  return p.owner;
}

export function submitterRoutes(app: FastifyInstance, market: Market): void {
  consentRoutes(app, market);
  revocationRoutes(app, market);
}

/** The submitter consents, then the owner authorizes it. */
function consentRoutes(app: FastifyInstance, market: Market): void {
  const owner = (proverId: string) => ownerOf(market, proverId);

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
    async (req) => {
      const signer = requireSigner(req, 'a consent');
      await owner(req.body.prover_id);
      return view(await store.consentSubmitter(market.db, req.body.prover_id, signer, market.clock.now()));
    },
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
    async (req) => {
      const signer = requireSigner(req, "a submitter's authorization");
      const proverId = req.params.prover_id;
      const who = addressParam(req.body.address, 'address');
      const o = await owner(proverId);
      if (o === null) throw forbidden('not_owner', `prover "${proverId}" was registered unsigned and has no owner; only an owned prover can authorize submitters`);
      if (signer !== o) throw forbidden('not_owner', `only the owner of prover "${proverId}" may authorize its submitters; ${signer} is not its owner`);
      const s = await store.authorizeSubmitter(market.db, proverId, who, market.clock.now());
      if (s) return view(s);
      const was = await store.getSubmitter(market.db, proverId, who);
      throw conflict(
        'submitter_not_consented',
        was
          ? `${who} revoked or was revoked as a submitter of "${proverId}"; it must consent again (POST /v1/submitters/consent) before it can be authorized`
          : `${who} has not consented to act for "${proverId}"; it must first POST /v1/submitters/consent, signed with its key`,
      );
    },
  );

}

/** Either side revokes; anyone lists. */
function revocationRoutes(app: FastifyInstance, market: Market): void {
  const owner = (proverId: string) => ownerOf(market, proverId);

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
    async (req) => {
      const signer = requireSigner(req, 'a revocation');
      const proverId = req.params.prover_id;
      const who = addressParam(req.params.address, 'address');
      const o = await owner(proverId);
      if (signer !== who && signer !== o) {
        throw forbidden('not_owner', `only the owner of prover "${proverId}" or the submitter ${who} itself may revoke it; ${signer} is neither`);
      }
      const s = await store.revokeSubmitter(market.db, proverId, who, signer, market.clock.now());
      if (!s) throw notFound('submitter_not_found', `${who} is not a submitter of "${proverId}"`);
      return view(s);
    },
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
    async (req) => {
      await owner(req.params.prover_id);
      return (await store.listSubmitters(market.db, req.params.prover_id)).map(view);
    },
  );
}
