import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { encodeProof } from '../../src/proofs/envelope.ts';
import { builtinArtifactUrl } from '../../src/proofs/programs.ts';

/** A real proof from the shipped artifacts of a built-in program, encoded as the seed API's bytes. */
export async function proveBuiltin(program: string, system: 'groth16' | 'plonk' | 'fflonk', input: Record<string, unknown>): Promise<{ bytes: number[]; proof: any; publicSignals: string[] }> {
  const wasm = readFileSync(builtinArtifactUrl(program, system, 'wasm'));
  const zkey = readFileSync(builtinArtifactUrl(program, system, 'zkey'));
  const { proof, publicSignals } = await snarkjs[system].fullProve(input, wasm, zkey);
  return { bytes: encodeProof({ system, proof, public_signals: publicSignals }), proof, publicSignals };
}
