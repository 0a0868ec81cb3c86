import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { encodeProof } from '../../src/proofs/envelope.ts';
import type { ProofSystem } from '../../src/store/programs.ts';

const CIRCUITS = new URL('../../circuits/', import.meta.url);

/** A real proof from the shipped artifacts of a built-in program, encoded as the seed API's bytes. */
export async function proveBuiltin(program: string, system: ProofSystem, input: Record<string, unknown>): Promise<{ bytes: number[]; proof: any; publicSignals: string[] }> {
  const wasm = readFileSync(new URL(`${program}/${program}.wasm`, CIRCUITS));
  const zkey = readFileSync(new URL(`${program}/${system}.zkey`, CIRCUITS));
  const { proof, publicSignals } = await snarkjs[system].fullProve(input, wasm, zkey);
  return { bytes: encodeProof({ system, proof, public_signals: publicSignals }), proof, publicSignals };
}
