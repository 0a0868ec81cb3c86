/**
 * A snarkjs proof as ProofMarket takes it: the proof's words in the generated verifier's calldata order (from
 * snarkjs' own exportSolidityCallData, so Groth16's swapped G2 coordinates and FFLONK's argument order are
 * snarkjs' business), and the public signals as uint256. The request's commitment is keccak256 of the signals.
 */
import * as snarkjs from 'snarkjs';
import { concatHex, encodePacked, keccak256, numberToHex, type Hex } from 'viem';
import type { SnarkjsSystem } from '../proofs/backends/registry.ts';

/** Words of proof before the public signals in exportSolidityCallData's output. */
const PROOF_WORDS: Record<SnarkjsSystem, number> = { groth16: 8, plonk: 24, fflonk: 24 };

export interface ChainProof {
  proof: Hex;
  publicSignals: bigint[];
}

export async function chainProof(system: SnarkjsSystem, proof: object, publicSignals: readonly string[]): Promise<ChainProof> {
  const text = system === 'fflonk'
    ? await snarkjs.fflonk.exportSolidityCallData(publicSignals, proof)
    : await snarkjs[system].exportSolidityCallData(proof, publicSignals);
  const words = (text.match(/0x[0-9a-fA-F]+/g) ?? []).map((w) => BigInt(w));
  const k = PROOF_WORDS[system];
  if (words.length !== k + publicSignals.length) throw new Error(`snarkjs gave ${words.length} calldata words for a ${system} proof with ${publicSignals.length} public signals`);
  return { proof: concatHex(words.slice(0, k).map((w) => numberToHex(w, { size: 32 }))), publicSignals: words.slice(k) };
}

/** What a request commits to: keccak256 of its public signals as 32-byte big-endian words. */
export function signalsCommitment(publicSignals: readonly (bigint | string)[]): Hex {
  return keccak256(encodePacked(['uint256[]'], [publicSignals.map((s) => BigInt(s))]));
}
