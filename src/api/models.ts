// zkML models (issue #16 §2): the registry's versions, their weight commitments and artifacts by CID, price hints.
import { Type, type Static } from '@sinclair/typebox';
import { Address, Money, Nullable, StringEnum, Timestamp } from './common.ts';

/** A model's name: lower case, digits, `-` and `_`. */
export const MODEL_NAME_PATTERN = '^[a-z0-9][a-z0-9_-]{0,47}$';
/** A model version's id is `name:version` (e.g. `iris-mlp:2`); where an id is taken, a bare name means its newest version. */
export const MODEL_REF_PATTERN = '^[a-z0-9][a-z0-9_-]{0,47}(:[1-9][0-9]{0,5})?$';

const Cid = () => Type.String({ minLength: 1, maxLength: 200, description: 'A CIDv1 in the artifact store (GET /v1/artifacts/:cid)' });

export const ModelArtifacts = Type.Object(
  { onnx: Cid(), compiled: Cid(), settings: Cid(), vk: Cid(), srs: Cid() },
  { additionalProperties: false, description: 'The ONNX file, the compiled circuit, ezkl\'s settings.json, the vk and the SRS, by CID' },
);
export type ModelArtifacts = Static<typeof ModelArtifacts>;

const VisibilityValue = StringEnum(['public', 'hashed', 'private', 'fixed', 'polycommit']);

export const Model = Type.Object({
  model_id: Type.String({ description: 'name:version' }),
  name: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  /** The registering address; null for the models shipped with proofmarket. */
  owner: Nullable(Type.String()),
  builtin: Type.Boolean(),
  /** The version's program (proof system ezkl): requests made for this version keep this program_id. */
  program_id: Type.String(),
  /** Poseidon hash of the quantized weights, as ezkl puts it among the proof's instances (params hashed); decimal. */
  commitment: Nullable(Type.String()),
  visibility: Type.Object({ input: VisibilityValue, output: VisibilityValue, params: VisibilityValue }),
  description: Type.String(),
  logrows: Type.Integer(),
  /** The SRS is a local development one (its secret is known to whoever made it). */
  srs_unsafe: Type.Boolean(),
  artifacts: ModelArtifacts,
  created_at: Timestamp(),
});
export type Model = Static<typeof Model>;

export const ModelVersion = Type.Object({
  model_id: Type.String(),
  version: Type.Integer(),
  program_id: Type.String(),
  commitment: Nullable(Type.String()),
  created_at: Timestamp(),
});

/** `GET /v1/models/:model_id`: the version, every version of its name, its measured prove time and price hint. */
export const ModelDetail = Type.Composite([
  Model,
  Type.Object({
    versions: Type.Array(ModelVersion, { description: 'Every version of this name, newest first' }),
    prove_time: Nullable(
      Type.Object({
        ms: Type.Number(),
        source: StringEnum(['measured', 'estimated']),
        count: Type.Integer(),
      }),
      { description: 'measured: median assignment-to-verified-proof time of this version\'s settled requests (24 h); estimated: the ezkl backend\'s median time per circuit row × 2^logrows' },
    ),
    suggested_price: Nullable(
      Type.Object({ p50: Money(), p90: Money(), count: Type.Integer() }),
      { description: 'The ezkl backend\'s recent prices per millisecond of proving (p50, p90) × prove_time.ms, rounded up' },
    ),
  }),
]);
export type ModelDetail = Static<typeof ModelDetail>;

export const ModelIdParams = Type.Object({ model_id: Type.String({ pattern: MODEL_REF_PATTERN, description: 'name:version, or a name (its newest version)' }) });
export type ModelIdParams = Static<typeof ModelIdParams>;

/** `POST /v1/models` (signed: the signer is the owner). The artifacts are uploaded first (POST /v1/artifacts). */
export const RegisterModelRequest = Type.Object(
  {
    name: Type.String({ pattern: MODEL_NAME_PATTERN }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    labels: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })),
    artifacts: ModelArtifacts,
    /** Whether the SRS is a local development one (default true: only say false for a real ceremony's SRS). */
    srs_unsafe: Type.Optional(Type.Boolean({ default: true })),
    /** The owner, if given, must be the signer. */
    owner: Type.Optional(Address()),
  },
  { additionalProperties: false },
);
export type RegisterModelRequest = Static<typeof RegisterModelRequest>;
