// The example models shipped under models/ (built by scripts/compile-models), as built-in programs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ProgramArtifacts, ProgramRecord } from '../../domain/programs.ts';
import type { ModelVisibility } from './felts.ts';
import { EZKL_BACKEND, EZKL_INPUT_ENCODING, MODEL_KEY_FORMAT, type ModelKey } from './model-key.ts';

export const MODELS_DIR = new URL('../../../models/', import.meta.url);

/** The model's input JSON is small: a few thousand numbers at most. */
export const MODEL_INPUT_MAX_BYTES = 1 << 16;

/** What scripts/compile-models writes next to the artifacts. */
export interface ModelManifest {
  name: string;
  version: number;
  description: string;
  labels?: string[];
  ezkl_version: string;
  logrows: number;
  visibility: ModelVisibility;
  input_shape: number[];
  output_shape: number[];
  commitment: { kind: string; value: string | null };
  srs: { file: string; unsafe: boolean; note: string };
  files: Record<string, string>;
}

export function modelDirUrl(name: string): URL {
  return new URL(`${name}/`, MODELS_DIR);
}

export function modelFileUrl(name: string, file: 'model.compiled' | 'kzg.srs' | 'vk.key' | 'settings.json' | 'manifest.json' | 'input.json' | 'model.onnx'): URL {
  return new URL(`${name}/${file}`, MODELS_DIR);
}

/** The model key (the program's vkey) from a manifest, ezkl's settings and vk bytes. */
export function modelKeyOf(m: ModelManifest, settings: Record<string, unknown>, vk: Uint8Array): ModelKey {
  const scales = settings.model_output_scales as number[] | undefined;
  return {
    backend: EZKL_BACKEND,
    format: MODEL_KEY_FORMAT,
    model: m.name,
    version: m.version,
    description: m.description,
    labels: m.labels ?? null,
    ezkl_version: m.ezkl_version,
    visibility: m.visibility,
    commitment: m.commitment.value,
    input_shape: m.input_shape,
    output_shape: m.output_shape,
    output_scale: scales?.[0] ?? 0,
    settings,
    vk: Buffer.from(vk).toString('base64'),
    srs: { logrows: m.logrows, unsafe: m.srs.unsafe },
  };
}

/** A model folder's program artifacts: the compiled circuit (wasm), the SRS (zkey) and the model key (vkey). */
export function readModelArtifacts(dir: URL | string): { manifest: ModelManifest; artifacts: ProgramArtifacts } {
  const at = (f: string) => (typeof dir === 'string' ? `${dir.replace(/\/$/, '')}/${f}` : new URL(f, dir.href.endsWith('/') ? dir : `${dir.href}/`));
  const manifest = JSON.parse(readFileSync(at('manifest.json'), 'utf8')) as ModelManifest;
  const settings = JSON.parse(readFileSync(at('settings.json'), 'utf8')) as Record<string, unknown>;
  const vkey = modelKeyOf(manifest, settings, readFileSync(at('vk.key')));
  return { manifest, artifacts: { wasm: readFileSync(at('model.compiled')), zkey: readFileSync(at(manifest.srs.file)), vkey } };
}

/** The names of the shipped models (folders of models/ with a manifest). */
export function builtinModelNames(): string[] {
  if (!existsSync(MODELS_DIR)) return [];
  return readdirSync(MODELS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/manifest.json`, MODELS_DIR)))
    .map((d) => d.name)
    .sort();
}

/** The shipped models as built-in programs (`proof_system` ezkl, `input_encoding` ezkl). */
export function loadBuiltinModels(now: Date, hashes: (a: ProgramArtifacts) => Pick<ProgramRecord, 'program_id' | 'wasm_sha256' | 'zkey_sha256' | 'vkey_sha256'>): Array<ProgramRecord & ProgramArtifacts> {
  return builtinModelNames().map((name) => {
    const { manifest, artifacts } = readModelArtifacts(modelDirUrl(name));
    return {
      ...artifacts,
      ...hashes(artifacts),
      name: manifest.name,
      proof_system: EZKL_BACKEND,
      input_encoding: EZKL_INPUT_ENCODING,
      description: `${manifest.description} (zkML, ezkl${manifest.srs.unsafe ? '; development SRS, unsafe' : ''})`,
      max_input_bytes: MODEL_INPUT_MAX_BYTES,
      builtin: true,
      created_at: now,
    };
  });
}
