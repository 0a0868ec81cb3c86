import { readFile } from 'node:fs/promises';
import { artifactHashes } from '../../proofs/programs.ts';
import { builtinModelNames, modelDirUrl, modelFileUrl, readModelArtifacts } from '../../proofs/ezkl/models.ts';
import { insertModel, type ModelCids } from '../../store/models.ts';
import type { MarketDeps } from './deps.ts';

/**
 * The models shipped under models/ as version rows of the registry (owner null), their files put in the artifact
 * store so that each has its CIDs like an uploaded model. After the built-in programs are registered; idempotent
 * (replicas starting together insert once).
 */
export async function registerBuiltinModels(deps: Pick<MarketDeps, 'db' | 'artifacts'>, now: Date): Promise<void> {
  for (const name of builtinModelNames()) {
    const { manifest, artifacts } = readModelArtifacts(modelDirUrl(name));
    const put = async (file: Parameters<typeof modelFileUrl>[1]) => (await deps.artifacts.put(await readFile(modelFileUrl(name, file)))).cid;
    const cids: ModelCids = { onnx: await put('model.onnx'), compiled: await put('model.compiled'), settings: await put('settings.json'), vk: await put('vk.key'), srs: await put('kzg.srs') };
    await insertModel(deps.db, {
      model_id: `${manifest.name}:${manifest.version}`,
      name: manifest.name,
      version: manifest.version,
      owner: null,
      program_id: artifactHashes(artifacts).program_id,
      commitment: manifest.commitment.value,
      visibility: manifest.visibility,
      description: manifest.description,
      logrows: manifest.logrows,
      srs_unsafe: manifest.srs.unsafe,
      cids,
      created_at: now,
    });
  }
}
