// Proofs derived from real ones without a witness, for the differential test and the verify bench.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { useSingleThreadedCurve } from '../snark-thread.ts';
import { builtinArtifactUrl } from '../programs.ts';
import { dataCommitmentInput } from '../builtin/data-commitment.ts';
import { batchScalar } from './groth16.ts';
import { canonicalG1, canonicalG2, frFrom, g1From, g1ToJson, g2From, g2ToJson, initMcl, mcl, P, R } from './mcl.ts';

export interface Groth16Proof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
  protocol: string;
  curve: string;
}

export interface SampleProgram {
  name: string;
  vkey: Record<string, unknown>;
  proof: Groth16Proof;
  publicSignals: string[];
}

/** One real proof of each built-in Groth16 program (proved here, in this thread, with snarkjs). */
export async function sampleGroth16Programs(): Promise<SampleProgram[]> {
  await useSingleThreadedCurve();
  const inputs: Record<string, Record<string, unknown>> = {
    'range-proof': { value: '42', min: '18', max: '150' },
    'data-commitment': dataCommitmentInput(new TextEncoder().encode('proofmarket differential sample')),
  };
  const out: SampleProgram[] = [];
  for (const [name, input] of Object.entries(inputs)) {
    const wasm = fileURLToPath(builtinArtifactUrl(name, 'groth16', 'wasm'));
    const zkey = fileURLToPath(builtinArtifactUrl(name, 'groth16', 'zkey'));
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input as never, wasm, zkey);
    const vkey = JSON.parse(readFileSync(builtinArtifactUrl(name, 'groth16', 'vkey'), 'utf8')) as Record<string, unknown>;
    out.push({ name, vkey, proof: proof as unknown as Groth16Proof, publicSignals });
  }
  return out;
}

/**
 * Another valid proof of the same statement: (A, B, C) → (A/θ, θ·(B + ρ·δ), C + ρ·A), for random θ, ρ.
 * e(A/θ, θB + θρδ) = e(A, B)·e(ρA, δ), which the ρ·A added to C balances.
 */
export async function rerandomise(vkey: Record<string, unknown>, proof: Groth16Proof): Promise<Groth16Proof> {
  await initMcl();
  const a = g1From(canonicalG1(proof.pi_a)!)!;
  const b = g2From(canonicalG2(proof.pi_b)!)!;
  const c = g1From(canonicalG1(proof.pi_c)!)!;
  const delta = g2From(canonicalG2(vkey.vk_delta_2)!)!;
  const theta = frFrom(batchScalar());
  const rho = frFrom(batchScalar());
  const b1 = mcl.add(b, mcl.mul(delta, rho));
  return {
    ...proof,
    pi_a: g1ToJson(mcl.mul(a, mcl.inv(theta))),
    pi_b: g2ToJson(mcl.mul(b1, theta)),
    pi_c: g1ToJson(mcl.add(c, mcl.mul(a, rho))),
  };
}

/** A point on the twist that is not in the order-r subgroup (x drawn at random until x³ + b' is a square). */
export async function g2OutsideSubgroup(): Promise<string[][]> {
  await initMcl();
  // b' = 3 / (9 + u), the twist's constant
  const nine = new mcl.Fp2();
  nine.setInt(9, 1);
  const three = new mcl.Fp2();
  three.setInt(3, 0);
  const bTwist = mcl.div(three, nine);
  for (;;) {
    const x = new mcl.Fp2();
    const [x0, x1] = [new mcl.Fp(), new mcl.Fp()];
    x0.setByCSPRNG();
    x1.setByCSPRNG();
    x.set_a(x0);
    x.set_b(x1);
    const [isSquare, y] = mcl.squareRoot(mcl.add(mcl.mul(mcl.mul(x, x), x), bTwist));
    if (!isSquare) continue;
    mcl.verifyOrderG2(false);
    try {
      const q = new mcl.G2();
      q.setStr(`1 ${x.get_a().getStr(10)} ${x.get_b().getStr(10)} ${y.get_a().getStr(10)} ${y.get_b().getStr(10)}`, 10);
      if (q.isValid() && !q.isValidOrder()) return g2ToJson(q);
    } finally {
      mcl.verifyOrderG2(true);
    }
  }
}

/** Public-signal and coordinate values that are out of range. */
export const OUT_OF_RANGE = { p: P.toString(), r: R.toString(), pPlusOne: (P + 1n).toString(), twoTo256: (1n << 256n).toString() };
