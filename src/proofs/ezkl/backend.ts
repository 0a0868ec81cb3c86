// The ezkl backend's market logic: a request's expected public instances, and the verdict on a proof.
import { invalid } from '../../domain/errors.ts';
import { expectedInstances, proofInstances, type EzklWitness } from './felts.ts';
import { isModelKey, modelInput, type ModelKey } from './model-key.ts';
import type { EzklEngine } from './engine.ts';
import { MODEL_INPUT_MAX_BYTES } from './models.ts';

/** A request's bytes as a model input: UTF-8 JSON, checked against the model's input shape. */
export function parseModelInput(data: Uint8Array, key: ModelKey): { input_data: number[][] } {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw invalid('invalid_input', 'a model input is the UTF-8 JSON {"input_data": [[numbers…]]} or an array of numbers');
  }
  try {
    return modelInput(value, key);
  } catch (err) {
    throw invalid('invalid_input', (err as Error).message);
  }
}

function requireModelKey(vkey: unknown): ModelKey {
  if (!isModelKey(vkey)) throw invalid('invalid_artifact', 'this program\'s key is not an ezkl model key');
  return vkey;
}

/**
 * The public instances a correct proof of this input must carry: the model's weights commitment (params hashed),
 * the input (or its hash), and the output, all computed here from ezkl's own witness (in an engine thread).
 * A proof for another model, another input or another output has other instances and Fails.
 */
export async function ezklExpectedSignals(engine: EzklEngine, data: Uint8Array, program: { wasm: () => Promise<Uint8Array>; vkey?: unknown }): Promise<string[]> {
  const key = requireModelKey(program.vkey);
  const input = parseModelInput(data, key);
  let witness: EzklWitness;
  try {
    witness = (await engine.witness(await program.wasm(), input)) as EzklWitness;
  } catch (err) {
    throw invalid('invalid_input', `the model's circuit rejects this input: ${(err as Error).message}`.slice(0, 300));
  }
  const signals = expectedInstances(witness, key.visibility);
  // The commitment the model was registered with must be the one ezkl computes from the compiled weights.
  if (key.visibility.params === 'hashed' && key.commitment !== null && signals[key.visibility.input === 'hashed' ? 1 : 0] !== key.commitment) {
    throw invalid('invalid_artifact', `the compiled circuit's weights hash is not the model's registered commitment ${key.commitment.slice(0, 16)}…`);
  }
  return signals;
}

export const ezklEncoding = (engine: () => EzklEngine) => ({
  maxBytes: MODEL_INPUT_MAX_BYTES,
  circuitInput(data: Uint8Array): Record<string, unknown> {
    try {
      const value = JSON.parse(new TextDecoder().decode(data)) as unknown;
      return Array.isArray(value) ? { input_data: [value.flat(8)] } : (value as Record<string, unknown>);
    } catch {
      throw invalid('invalid_input', 'a model input is the UTF-8 JSON {"input_data": [[numbers…]]} or an array of numbers');
    }
  },
  expectedPublicSignals: (data: Uint8Array, program: { wasm: () => Promise<Uint8Array>; nPublic: number; vkey?: unknown }) => ezklExpectedSignals(engine(), data, program),
});

/**
 * The verdict on an ezkl proof whose envelope already carries the request's public signals: the proof's own
 * instance column must be those signals, and ezkl must accept it under the model's vk, settings and SRS.
 */
export async function ezklVerify(engine: EzklEngine, job: { vkey: unknown; proof: unknown; publicSignals: string[]; srs: () => Promise<Uint8Array> }): Promise<{ pass: boolean; reason?: string; ms: number }> {
  if (!isModelKey(job.vkey)) return { pass: false, reason: 'the program\'s key is not an ezkl model key', ms: 0 };
  const inst = proofInstances(job.proof);
  if (!inst.ok) return { pass: false, reason: inst.reason, ms: 0 };
  if (inst.signals.length !== job.publicSignals.length || inst.signals.some((s, i) => s !== BigInt(job.publicSignals[i]!).toString())) {
    return { pass: false, reason: 'the ezkl proof\'s instances are not the public signals it claims', ms: 0 };
  }
  return engine.verify({ proof: job.proof, vk: job.vkey.vk, settings: job.vkey.settings, srs: await job.srs() });
}
