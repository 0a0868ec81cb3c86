// A model version from ezkl's artifacts as uploaded (POST /v1/models): its visibility, shapes and logrows read from
// ezkl's settings, its weights commitment computed here from the compiled circuit, and its model key (the program's vkey).
import { invalid } from '../../domain/errors.ts';
import type { EzklEngine } from './engine.ts';
import { leHexToDecimal, type EzklWitness, type ModelVisibility, type Visibility } from './felts.ts';
import type { ModelKey } from './model-key.ts';
import { modelKeyOf, type ModelManifest } from './models.ts';

const VISIBILITIES: readonly Visibility[] = ['public', 'hashed', 'private', 'fixed', 'polycommit'];

/** ezkl writes a visibility as "Public", or {"Hashed": {…}}: the name, lower case. */
function visibilityName(v: unknown, what: string): Visibility {
  const name = (typeof v === 'string' ? v : v && typeof v === 'object' ? Object.keys(v)[0] : undefined)?.toLowerCase();
  if (!name || !VISIBILITIES.includes(name as Visibility)) throw invalid('invalid_model', `settings.json: ${what} visibility ${JSON.stringify(v)} is not one ezkl writes`);
  return name as Visibility;
}

export interface ModelSettings {
  settings: Record<string, unknown>;
  visibility: ModelVisibility;
  logrows: number;
  ezkl_version: string;
  input_shape: number[];
  output_shape: number[];
}

const isShape = (s: unknown): s is number[] => Array.isArray(s) && s.length > 0 && s.every((d) => Number.isInteger(d) && d > 0);

/** What the market needs from ezkl's settings.json; 400 invalid_artifact when it is not one. */
export function readModelSettings(bytes: Uint8Array, shapes: { input_shape?: number[]; output_shape?: number[] } = {}): ModelSettings {
  let settings: Record<string, unknown>;
  try {
    settings = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>;
  } catch {
    throw invalid('invalid_model', 'settings.json is not JSON');
  }
  const run = settings?.run_args as Record<string, unknown> | undefined;
  if (!run || typeof run !== 'object' || !Number.isInteger(run.logrows)) throw invalid('invalid_model', 'settings.json has no run_args.logrows: is it ezkl\'s settings file?');
  const instances = Array.isArray(settings.model_instance_shapes) ? (settings.model_instance_shapes as unknown[]) : [];
  const input_shape = shapes.input_shape ?? instances[0];
  const output_shape = shapes.output_shape ?? instances[instances.length - 1];
  if (!isShape(input_shape) || !isShape(output_shape)) throw invalid('invalid_model', 'settings.json has no model_instance_shapes to take the input and output shapes from');
  return {
    settings,
    visibility: { input: visibilityName(run.input_visibility, 'input'), output: visibilityName(run.output_visibility, 'output'), params: visibilityName(run.param_visibility, 'params') },
    logrows: run.logrows as number,
    ezkl_version: typeof settings.version === 'string' ? settings.version : 'unknown',
    input_shape,
    output_shape,
  };
}

/**
 * The Poseidon hash of the quantized weights that ezkl puts among a proof's instances when params are hashed,
 * from ezkl's own witness of the compiled circuit on a zero input (the hash does not depend on the input);
 * null when params are not hashed. 400 invalid_artifact when the circuit does not run.
 */
export async function weightsCommitment(engine: EzklEngine, compiled: Uint8Array, s: ModelSettings): Promise<string | null> {
  if (s.visibility.params !== 'hashed') return null;
  const n = s.input_shape.reduce((a, b) => a * b, 1);
  let witness: EzklWitness;
  try {
    witness = (await engine.witness(compiled, { input_data: [new Array<number>(n).fill(0)] })) as EzklWitness;
  } catch (err) {
    throw invalid('invalid_model', `the compiled circuit does not run on an input of shape ${s.input_shape.join('x')}: ${(err as Error).message}`.slice(0, 300));
  }
  const hash = witness.processed_params?.poseidon_hash?.[0];
  if (!hash) throw invalid('invalid_model', 'the compiled circuit hashes no params although settings.json says params are hashed');
  return leHexToDecimal(hash);
}

/** The model key (the program's vkey) of a registered version. */
export function registeredModelKey(m: { name: string; version: number; description: string; labels?: string[]; srs_unsafe: boolean; commitment: string | null }, s: ModelSettings, vk: Uint8Array): ModelKey {
  const manifest: ModelManifest = {
    name: m.name,
    version: m.version,
    description: m.description,
    ...(m.labels ? { labels: m.labels } : {}),
    ezkl_version: s.ezkl_version,
    logrows: s.logrows,
    visibility: s.visibility,
    input_shape: s.input_shape,
    output_shape: s.output_shape,
    commitment: { kind: 'poseidon(weights)', value: m.commitment },
    srs: { file: 'kzg.srs', unsafe: m.srs_unsafe, note: '' },
    files: {},
  };
  return modelKeyOf(manifest, s.settings, vk);
}
