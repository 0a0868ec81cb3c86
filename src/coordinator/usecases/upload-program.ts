import { invalid } from '../../domain/errors.ts';
import type { ProgramRecord } from '../../domain/programs.ts';
import { artifactHashes, encodingOf, validateArtifacts, withBackend } from '../../proofs/programs.ts';
import { getProgram, insertProgram } from '../../store/programs.ts';
import { EZKL_BACKEND, EZKL_INPUT_ENCODING } from '../../proofs/ezkl/model-key.ts';
import type { MarketDeps } from './deps.ts';

/** `POST /programs`, after schema validation, with wasm and zkey decoded from base64. */
export interface UploadProgramParameters {
  name: string;
  /** A snarkjs system, or an external backend this coordinator has installed. */
  proof_system: string;
  /** Default `json`. */
  input_encoding?: string;
  description?: string;
  /** For an external backend, the backend's own files (the program, a proving key that may be empty). */
  wasm: Uint8Array;
  zkey: Uint8Array;
  /** snarkjs' verification key JSON, or an external backend's JSON object. */
  vkey: unknown;
}
/** The program as stored: the same artifacts give the same program_id (idempotent). */
export type UploadProgramReturnType = ProgramRecord;
/** 400 unknown_backend, backend_not_installed, invalid_artifact, unknown_encoding. */
export type UploadProgramErrorCode = 'unknown_backend' | 'backend_not_installed' | 'invalid_artifact' | 'unknown_encoding';

/**
 * Registers a program with its artifacts, checked before it is stored: a snarkjs program's vkey must belong
 * to its zkey; an external backend's artifacts are opaque unless it declares snarkjs ones, and its stored
 * vkey gets `"backend": "<proof_system>"`, so the program id binds the backend.
 */
export async function uploadProgram(deps: Pick<MarketDeps, 'db' | 'clock' | 'backends'>, input: UploadProgramParameters): Promise<UploadProgramReturnType> {
  // A program nobody here can verify would only collect proofs that all fail.
  deps.backends.requireVerifier(input.proof_system);
  const artifacts = { wasm: input.wasm, zkey: input.zkey, vkey: withBackend(input.proof_system, input.vkey) };
  if (deps.backends.isSnarkjs(input.proof_system) && (artifacts.wasm.length === 0 || artifacts.zkey.length === 0)) {
    throw invalid('invalid_artifact', 'wasm and zkey must not be empty');
  }
  await validateArtifacts(input.proof_system, artifacts, deps.backends);
  const hashes = artifactHashes(artifacts);
  const ezkl = input.proof_system === EZKL_BACKEND;
  const encoding = input.input_encoding ?? (ezkl ? EZKL_INPUT_ENCODING : 'json');
  if (ezkl !== (encoding === EZKL_INPUT_ENCODING)) throw invalid('invalid_artifact', 'the ezkl input encoding goes with ezkl models, and ezkl models with it');
  await insertProgram(deps.db, {
    ...artifacts,
    ...hashes,
    name: input.name,
    proof_system: input.proof_system,
    input_encoding: encoding,
    description: input.description ?? '',
    max_input_bytes: encodingOf(encoding).maxBytes,
    builtin: false,
    created_at: deps.clock.now(),
  });
  return (await getProgram(deps.db, hashes.program_id))!;
}
