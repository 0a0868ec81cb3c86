// The content-addressed artifact store (GET/POST /v1/artifacts) and the audit record a settled request leaves there.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Loose on purpose: the use case says what is wrong with a CID (400 invalid_cid) better than a pattern could. */
export const CidParams = Type.Object({ cid: Type.String({ minLength: 1, maxLength: 200, description: 'A CIDv1 (bafk…, bafy…), as `ipfs add --cid-version 1` prints it' }) });
export type CidParams = Static<typeof CidParams>;

/** `POST /v1/artifacts`: what was stored. */
export const StoredArtifact = Type.Object({
  cid: Type.String({ description: 'CIDv1 of the bytes: the one `ipfs add --cid-version 1` gives' }),
  size: Type.Integer({ minimum: 0 }),
});
export type StoredArtifact = Static<typeof StoredArtifact>;

/** The header a signed upload declares its body's sha256 in (the signature covers it; the body is checked against it). */
export const CONTENT_SHA256_HEADER = 'x-pm-content-sha256';

export const AUDIT_FORMAT = 'proofmarket/audit/v1';

const Cid = () => Type.String({ minLength: 1, maxLength: 200 });
const Hex64 = () => Type.String({ pattern: '^[0-9a-f]{64}$' });
/** Checked with TypeBox's Value (the audit), not by a route: a plain union with null. */
const OrNull = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/**
 * What a settled request leaves in the artifact store: everything needed to re-check its proof from content ids
 * alone (`proofmarket audit`). Canonical JSON (keys sorted), stored as an artifact; its CID is the request's
 * `audit_cid`.
 */
export const AuditRecord = Type.Object(
  {
    format: Type.Literal(AUDIT_FORMAT),
    request_id: Type.String(),
    requester: Type.String(),
    prover_id: Type.String(),
    program: Type.Object({
      program_id: Hex64(),
      proof_system: Type.String(),
      input_encoding: Type.String(),
      /** Each artifact of the program by CID: vkey (canonical JSON), wasm, zkey (and whatever a backend adds). */
      artifacts: Type.Record(Type.String(), Cid()),
    }),
    /** The verification key's CID (= program.artifacts.vkey). */
    vk_cid: Cid(),
    /** The request's input: its sha256 and size (the bytes themselves may be private). */
    input: Type.Object({ sha256: Hex64(), size: Type.Integer({ minimum: 0 }) }),
    /** The proof's public signals (its outputs and public inputs), also stored on their own as JSON. */
    public_signals: Type.Array(Type.String()),
    public_signals_cid: Cid(),
    /** The proof envelope `{"system","proof","public_signals"}` as the prover sent it. */
    proof_cid: Cid(),
    verdict: Type.Object({ result: Type.Literal('Pass'), verified_at: Type.String(), verify_ms: Type.Number(), quality_score: Type.Number() }),
    /** The settlement: the outbox event `request.proof_verified` and the ledger movement that paid (null if nothing moved). */
    settlement: Type.Object({ event_id: OrNull(Type.String()), movement_id: OrNull(Type.String()), price: OrNull(Type.String()) }),
    /**
     * zkML (ezkl) requests: the model version's id (name:version), its weights commitment (null when params are not
     * hashed) and its artifacts by CID (onnx, compiled, settings, vk, srs); null for circuits.
     */
    model: OrNull(Type.Object({ id: Type.String(), commitment: OrNull(Type.String()), artifacts: Type.Optional(Type.Record(Type.String(), Cid())) }, { additionalProperties: true })),
  },
  { additionalProperties: false },
);
export type AuditRecord = Static<typeof AuditRecord>;
