/**
 * The built-in programs as the chain sees them: each (circuit, proof system) pair has a snarkjs-generated
 * verifier contract (contracts/verifiers/<Contract>.sol, written by scripts/export-verifiers.ts) and is
 * registered in ProofMarket under its program id (the same sha256 the coordinator uses, as bytes32).
 */
import { readFileSync } from 'node:fs';
import { builtinArtifactUrl, CIRCUITS_DIR } from '../proofs/programs.ts';
import type { SnarkjsSystem } from '../proofs/backends/registry.ts';

export const SYSTEM_CODES: Record<SnarkjsSystem, number> = { groth16: 0, plonk: 1, fflonk: 2 };

export interface ChainProgram {
  name: string;
  system: SnarkjsSystem;
  /** The generated verifier's contract name, e.g. RangeProofPlonkVerifier. */
  verifierContract: string;
  nPublic: number;
  vkey: Record<string, unknown>;
}

const pascal = (s: string) => s.split(/[^a-zA-Z0-9]/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');

export function verifierContractName(name: string, system: SnarkjsSystem): string {
  return `${pascal(name)}${pascal(system)}Verifier`;
}

/** Every shipped (circuit, system) pair of circuits/manifest.json. */
export function builtinChainPrograms(): ChainProgram[] {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', CIRCUITS_DIR), 'utf8')) as Array<{ name: string; systems: SnarkjsSystem[] }>;
  return manifest.flatMap((entry) =>
    entry.systems.map((system) => {
      const vkey = JSON.parse(readFileSync(builtinArtifactUrl(entry.name, system, 'vkey'), 'utf8')) as Record<string, unknown>;
      return { name: entry.name, system, verifierContract: verifierContractName(entry.name, system), nPublic: Number(vkey.nPublic), vkey };
    }),
  );
}

/**
 * A Groth16 verification key as the words Groth16BatchAdapter takes, in the order of snarkjs' generated
 * verifier: alpha (x, y); beta, gamma, delta each as (x1, x0, y1, y0), the precompile's G2 order; IC_0…IC_n.
 */
export function groth16KeyWords(vkey: Record<string, unknown>): bigint[] {
  const g1 = (p: string[]) => [BigInt(p[0]!), BigInt(p[1]!)];
  const g2 = (p: string[][]) => [BigInt(p[0]![1]!), BigInt(p[0]![0]!), BigInt(p[1]![1]!), BigInt(p[1]![0]!)];
  return [
    ...g1(vkey.vk_alpha_1 as string[]),
    ...g2(vkey.vk_beta_2 as string[][]),
    ...g2(vkey.vk_gamma_2 as string[][]),
    ...g2(vkey.vk_delta_2 as string[][]),
    ...(vkey.IC as string[][]).flatMap(g1),
  ];
}
