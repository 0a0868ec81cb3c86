import { forbidden, invalid, notFound } from '../../domain/errors.ts';
import { artifactHashes, encodingOf } from '../../proofs/programs.ts';
import { sharedEngine } from '../../proofs/ezkl/engine.ts';
import { EZKL_BACKEND, EZKL_INPUT_ENCODING } from '../../proofs/ezkl/model-key.ts';
import { readModelSettings, registeredModelKey, weightsCommitment } from '../../proofs/ezkl/register.ts';
import { insertProgram } from '../../store/programs.ts';
import { getModel, insertModel, latestModel, type ModelCids, type ModelRecord } from '../../store/models.ts';
import { requireSignature } from './callers.ts';
import type { Caller, MarketDeps } from './deps.ts';

/** `POST /v1/models`, after schema validation. */
export interface RegisterModelParameters {
  name: string;
  description?: string;
  labels?: string[];
  /** The artifacts, uploaded before (POST /v1/artifacts), by CID. */
  artifacts: ModelCids;
  srs_unsafe?: boolean;
  owner?: string;
}
export type RegisterModelReturnType = ModelRecord;
/**
 * 401 signature_missing; 403 signer_mismatch (owner is not the signer), not_model_owner (the name is another's);
 * 400 invalid_model, invalid_cid; 404 cid_not_found.
 */
export type RegisterModelErrorCode = 'signature_missing' | 'signer_mismatch' | 'not_model_owner' | 'invalid_model' | 'invalid_cid' | 'cid_not_found';

/** An ONNX file, a compiled circuit, an SRS: large enough for a model a prover can prove. */
const MAX_ARTIFACT_BYTES = 512 << 20;

/**
 * Registers a new version of a model: the signer owns the name (the first to register it; later versions only
 * by the same key). The artifacts are read from the artifact store by CID (each hash checked there), the
 * visibility and logrows taken from ezkl's settings, and the weights commitment computed here by ezkl's own
 * witness of the compiled circuit: nothing the owner states about the circuit is taken on trust. The version is a
 * program (proof system ezkl), so its requests keep pointing at it when a newer version comes.
 */
export async function registerModel(deps: Pick<MarketDeps, 'db' | 'clock' | 'artifacts'>, input: RegisterModelParameters, caller: Caller): Promise<RegisterModelReturnType> {
  const owner = requireSignature(caller, 'registering a model');
  if (input.owner !== undefined && input.owner.toLowerCase() !== owner) throw forbidden('signer_mismatch', `owner ${input.owner} is not the signer ${owner}`);
  const latest = await latestModel(deps.db, input.name);
  if (latest && latest.owner !== owner) throw forbidden('not_model_owner', `model ${input.name} belongs to ${latest.owner ?? 'proofmarket (built in)'}; register yours under another name`);
  const read = (cid: string) => deps.artifacts.getBytes(cid, MAX_ARTIFACT_BYTES);
  const [settingsBytes, compiled, vk, srs] = [await read(input.artifacts.settings), await read(input.artifacts.compiled), await read(input.artifacts.vk), await read(input.artifacts.srs)];
  // The ONNX file is kept for whoever re-checks the model, not read here: it must only be stored.
  if (!(await deps.artifacts.has(input.artifacts.onnx))) throw notFound('cid_not_found', `no artifact ${input.artifacts.onnx} is stored here: upload the ONNX file first`);
  if (compiled.length === 0 || vk.length === 0 || srs.length === 0) throw invalid('invalid_model', 'the compiled circuit, the vk and the SRS must not be empty');
  const settings = readModelSettings(settingsBytes);
  const commitment = await weightsCommitment(sharedEngine(), compiled, settings);
  const version = (latest?.version ?? 0) + 1;
  const srs_unsafe = input.srs_unsafe ?? true;
  const description = input.description ?? `${input.name} (uploaded ONNX model)`;
  const vkey = registeredModelKey({ name: input.name, version, description, labels: input.labels, srs_unsafe, commitment }, settings, vk);
  const artifacts = { wasm: compiled, zkey: srs, vkey };
  const hashes = artifactHashes(artifacts);
  const now = deps.clock.now();
  const model: ModelRecord = {
    model_id: `${input.name}:${version}`, name: input.name, version, owner, program_id: hashes.program_id, commitment,
    visibility: settings.visibility, description, logrows: settings.logrows, srs_unsafe, cids: { ...input.artifacts }, created_at: now,
  };
  await deps.db.transaction(async (tx) => {
    await insertProgram(tx, { ...artifacts, ...hashes, name: input.name, proof_system: EZKL_BACKEND, input_encoding: EZKL_INPUT_ENCODING, description, max_input_bytes: encodingOf(EZKL_INPUT_ENCODING).maxBytes, builtin: false, created_at: now });
    // Two registrations of one name racing: the second finds the version taken and is told to retry.
    if (!(await insertModel(tx, model))) throw invalid('invalid_model', `model ${model.model_id} was registered meanwhile (or these artifacts already are a model): list the versions and retry`);
  });
  return (await getModel(deps.db, model.model_id))!;
}
