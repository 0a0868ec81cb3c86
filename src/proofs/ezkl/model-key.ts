// A model's program: ezkl's artifacts in the market's three program fields. `wasm` is the compiled circuit,
// `zkey` the SRS, and `vkey` this JSON document (ezkl's vk inside, base64), so the program id binds the model,
// its settings, its weights commitment and its keys. The proving key is derived from the vk at first use.
import type { ModelVisibility } from './felts.ts';

export const EZKL_BACKEND = 'ezkl';
export const EZKL_INPUT_ENCODING = 'ezkl';
export const MODEL_KEY_FORMAT = 'proofmarket-ezkl/1';

export interface ModelKey {
  backend: typeof EZKL_BACKEND;
  format: typeof MODEL_KEY_FORMAT;
  model: string;
  version: number;
  description: string;
  labels: string[] | null;
  ezkl_version: string;
  visibility: ModelVisibility;
  /** Poseidon hash of the quantized weights (a public instance when params are hashed), decimal; null otherwise. */
  commitment: string | null;
  input_shape: number[];
  output_shape: number[];
  output_scale: number;
  /** ezkl's settings.json. */
  settings: Record<string, unknown>;
  /** ezkl's vk.key, base64. */
  vk: string;
  srs: { logrows: number; unsafe: boolean };
}

export function isModelKey(vkey: unknown): vkey is ModelKey {
  const k = vkey as Partial<ModelKey> | null;
  return typeof k === 'object' && k !== null && k.backend === EZKL_BACKEND && k.format === MODEL_KEY_FORMAT
    && typeof k.vk === 'string' && typeof k.settings === 'object' && k.settings !== null && typeof k.visibility === 'object';
}

/** The number of values in the model's output (the product of its shape). */
export function outputLength(k: Pick<ModelKey, 'output_shape'>): number {
  return k.output_shape.reduce((a, b) => a * b, 1);
}

export function inputLength(k: Pick<ModelKey, 'input_shape'>): number {
  return k.input_shape.reduce((a, b) => a * b, 1);
}

/**
 * A request's input for a model: `{"input_data": [[…numbers]]}` (ezkl's input file) or a bare array of numbers,
 * flattened; its length must be the model's input size. Returns ezkl's input document.
 */
export function modelInput(value: unknown, key: Pick<ModelKey, 'input_shape' | 'model'>): { input_data: number[][] } {
  const raw = Array.isArray(value) ? value : (value as { input_data?: unknown })?.input_data;
  if (!Array.isArray(raw)) throw new RangeError('a model input is {"input_data": [[numbers…]]} or an array of numbers');
  const flat = (raw as unknown[]).flat(8);
  if (!flat.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new RangeError('a model input holds finite numbers only');
  const n = inputLength(key);
  if (flat.length !== n) throw new RangeError(`model ${key.model} takes ${n} numbers (shape ${key.input_shape.join('x')}), got ${flat.length}`);
  return { input_data: [flat as number[]] };
}
