// ezkl's field elements and public instances, as pure functions: ezkl writes a BN254 scalar as 64 hex digits,
// little-endian; the proof envelope carries public signals as decimal strings.

/** The BN254 scalar field's modulus (ezkl's and circom's field). */
export const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const HEX64 = /^[0-9a-f]{64}$/;

export function leHexToBigInt(hex: string): bigint {
  if (!HEX64.test(hex)) throw new RangeError(`not a field element (64 hex digits, little-endian): ${JSON.stringify(hex).slice(0, 80)}`);
  let be = '';
  for (let i = 62; i >= 0; i -= 2) be += hex.slice(i, i + 2);
  return BigInt(`0x${be}`);
}

export function leHexToDecimal(hex: string): string {
  return leHexToBigInt(hex).toString();
}

/** A field element as a signed fixed-point number: values above p/2 are negative. */
export function feltToFloat(value: bigint, scale: number): number {
  const signed = value > FIELD / 2n ? value - FIELD : value;
  return Number(signed) / 2 ** scale;
}

export type Visibility = 'public' | 'hashed' | 'private' | 'fixed' | 'polycommit';

export interface ModelVisibility {
  input: Visibility;
  output: Visibility;
  params: Visibility;
}

/** The parts of ezkl's witness file (gen_witness) that the instances are made of. */
export interface EzklWitness {
  inputs: string[][];
  outputs: string[][];
  processed_inputs?: { poseidon_hash?: string[] | null } | null;
  processed_params?: { poseidon_hash?: string[] | null } | null;
  processed_outputs?: { poseidon_hash?: string[] | null } | null;
}

/**
 * The public instances of a proof of this witness, in ezkl's order: the Poseidon hashes of whatever is
 * `hashed` (input, params, output), then the public inputs, then the public outputs.
 */
export function expectedInstances(w: EzklWitness, v: ModelVisibility): string[] {
  const out: string[] = [];
  if (v.input === 'hashed') out.push(...(w.processed_inputs?.poseidon_hash ?? []));
  if (v.params === 'hashed') out.push(...(w.processed_params?.poseidon_hash ?? []));
  if (v.output === 'hashed') out.push(...(w.processed_outputs?.poseidon_hash ?? []));
  if (v.input === 'public') out.push(...w.inputs.flat());
  if (v.output === 'public') out.push(...w.outputs.flat());
  return out.map(leHexToDecimal);
}

/** The single instance column of an ezkl proof, as decimal strings (or a reason it has none). */
export function proofInstances(proof: unknown): { ok: true; signals: string[] } | { ok: false; reason: string } {
  const instances = (proof as { instances?: unknown })?.instances;
  if (!Array.isArray(instances) || instances.length !== 1 || !Array.isArray(instances[0])) {
    return { ok: false, reason: 'the ezkl proof must carry one instance column' };
  }
  try {
    return { ok: true, signals: (instances[0] as unknown[]).map((x) => leHexToDecimal(String(x))) };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/**
 * Where the model's output sits among the public signals (public outputs are last), decoded as numbers at the
 * model's output scale. Null when the output is not public.
 */
export function outputOf(publicSignals: string[], v: ModelVisibility, outputLength: number, scale: number): number[] | null {
  if (v.output !== 'public' || publicSignals.length < outputLength) return null;
  return publicSignals.slice(publicSignals.length - outputLength).map((s) => feltToFloat(BigInt(s), scale));
}
