// Programs (circuits) and their artifacts.
import { Type, type Static } from '@sinclair/typebox';
import { BACKEND_NAME_PATTERN, Nullable, ProofSystemName, StringEnum, Timestamp, type ProofSystem } from './common.ts';

/** How a program reads its input bytes (as proofs/programs.ts's INPUT_ENCODINGS, checked by a test). */
export const INPUT_ENCODING_NAMES = ['data-commitment', 'range-proof', 'json', 'ezkl'] as const;

export const PROGRAM_ID_PATTERN = '^[0-9a-f]{64}$';
export const ProgramIdParams = Type.Object({ program_id: Type.String({ pattern: PROGRAM_ID_PATTERN }) });
export type ProgramIdParams = Static<typeof ProgramIdParams>;

export const ARTIFACT_KINDS = ['wasm', 'zkey', 'vkey'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];
export const ArtifactParams = Type.Object({ program_id: Type.String({ pattern: PROGRAM_ID_PATTERN }), kind: StringEnum(ARTIFACT_KINDS) });
export type ArtifactParams = Static<typeof ArtifactParams>;

export const ArtifactRef = Type.Object({ sha256: Type.String(), url: Type.String() });
export type ArtifactRef = Static<typeof ArtifactRef>;

export const Program = Type.Object({
  program_id: Type.String(),
  name: Type.String(),
  proof_system: ProofSystemName(),
  input_encoding: Type.String(),
  description: Type.String(),
  max_input_bytes: Nullable(Type.Integer()),
  builtin: Type.Boolean(),
  n_public: Type.Integer(),
  artifacts: Type.Object({ wasm: ArtifactRef, zkey: ArtifactRef, vkey: ArtifactRef }),
  created_at: Timestamp(),
});
export type Program = Static<typeof Program>;

const base64 = () => Type.String({ pattern: '^[A-Za-z0-9+/]*={0,2}$' });

/** `POST /programs` */
export const RegisterProgramRequest = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
    proof_system: Type.Unsafe<ProofSystem>({ type: 'string', pattern: BACKEND_NAME_PATTERN }),
    input_encoding: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: [...INPUT_ENCODING_NAMES], default: 'json' })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    /** base64 */
    wasm: base64(),
    /** base64 */
    zkey: base64(),
    vkey: Type.Unsafe<object>({ type: 'object' }),
  },
  { additionalProperties: false },
);
export type RegisterProgramRequest = Static<typeof RegisterProgramRequest>;
