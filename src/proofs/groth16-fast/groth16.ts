// Groth16 verification on mcl-wasm, one proof or a batch, for keys and proofs in snarkjs' JSON.
//
// A proof (A, B, C) with public signals s is valid when  e(A, B) = e(α, β) · e(X, γ) · e(C, δ),  X = IC₀ + Σ sⱼ·ICⱼ.
// A batch of k proofs is checked with one random linear combination (rᵢ fresh, 128 bits, from the CSPRNG):
//   ∏ e(rᵢ·Aᵢ, Bᵢ) · e(−(Σrᵢ)·α, β) · e(−Σ rᵢ·Xᵢ, γ) · e(−Σ rᵢ·Cᵢ, δ) = 1
// and a failing batch is split in halves, down to single proofs, which are checked exactly.
import { randomBytes } from 'node:crypto';
import { canonicalG1, canonicalG2, frFrom, g1From, g2From, initMcl, mcl, millerLoopVec, R } from './mcl.ts';

/** What a key costs once: its points parsed and checked, e(α, β), and the G2 points prepared for Miller loops. */
export interface PreparedKey {
  nPublic: number;
  ic: mcl.G1[];
  alpha: mcl.G1;
  alphaBeta: mcl.GT;
  beta: mcl.PrecomputedG2;
  gamma: mcl.PrecomputedG2;
  delta: mcl.PrecomputedG2;
}

/** A proof whose points are on their curves, in their subgroups, and whose signals are below r. */
export interface ParsedProof {
  a: mcl.G1;
  b: mcl.G2;
  c: mcl.G1;
  signals: bigint[];
}

export type ParseResult =
  | { kind: 'parsed'; proof: ParsedProof }
  | { kind: 'invalid'; reason: string }
  /** Not in the canonical shape this verifier reads (e.g. hex, a z other than 1): the reference decides. */
  | { kind: 'reference'; reason: string };

/**
 * The key prepared for the fast verifier, or undefined when it is not a bn128 Groth16 key in snarkjs' canonical
 * form with every point valid (the program then stays on snarkjs).
 */
export async function prepareKey(vkey: unknown): Promise<PreparedKey | undefined> {
  await initMcl();
  if (typeof vkey !== 'object' || vkey === null) return undefined;
  const k = vkey as Record<string, unknown>;
  if (k.protocol !== 'groth16' || k.curve !== 'bn128' || !Array.isArray(k.IC)) return undefined;
  const nPublic = Number(k.nPublic);
  if (!Number.isSafeInteger(nPublic) || nPublic < 0 || k.IC.length !== nPublic + 1) return undefined;
  const ic = k.IC.map((p) => parseG1(p));
  const alpha = parseG1(k.vk_alpha_1);
  const [beta, gamma, delta] = [k.vk_beta_2, k.vk_gamma_2, k.vk_delta_2].map((p) => parseG2(p));
  if (!alpha || !beta || !gamma || !delta || ic.some((p) => !p)) return undefined;
  return {
    nPublic,
    ic: ic as mcl.G1[],
    alpha,
    alphaBeta: mcl.pairing(alpha, beta),
    beta: new mcl.PrecomputedG2(beta),
    gamma: new mcl.PrecomputedG2(gamma),
    delta: new mcl.PrecomputedG2(delta),
  };
}

/** Frees the prepared G2 points (they live in mcl's WebAssembly heap). */
export function releaseKey(key: PreparedKey): void {
  key.beta.destroy();
  key.gamma.destroy();
  key.delta.destroy();
}

function parseG1(v: unknown): mcl.G1 | undefined {
  const c = canonicalG1(v);
  const p = c && g1From(c);
  return p && !p.isZero() ? p : undefined;
}

function parseG2(v: unknown): mcl.G2 | undefined {
  const c = canonicalG2(v);
  const q = c && g2From(c);
  return q && !q.isZero() ? q : undefined;
}

/**
 * Every input checked before any pairing: the number of signals, each signal below r, A and C on G1, B on the
 * twist and in the order-r subgroup, none of them the point at infinity.
 */
export function parseProof(key: PreparedKey, proof: unknown, publicSignals: unknown): ParseResult {
  if (!Array.isArray(publicSignals) || !publicSignals.every((s) => typeof s === 'string' && /^[0-9]{1,80}$/.test(s))) {
    return { kind: 'reference', reason: 'public signals are not decimal strings' };
  }
  if (publicSignals.length !== key.nPublic) return { kind: 'invalid', reason: `the key takes ${key.nPublic} public signals, not ${publicSignals.length}` };
  const signals = publicSignals.map((s) => BigInt(s));
  if (signals.some((s) => s >= R)) return { kind: 'invalid', reason: 'a public signal is not below the scalar field modulus' };
  if (typeof proof !== 'object' || proof === null) return { kind: 'reference', reason: 'the proof is not an object' };
  const { pi_a, pi_b, pi_c } = proof as Record<string, unknown>;
  const [ca, cb, cc] = [canonicalG1(pi_a), canonicalG2(pi_b), canonicalG1(pi_c)];
  if (!ca || !cb || !cc) return { kind: 'reference', reason: 'the proof is not in canonical affine decimal form' };
  const a = g1From(ca);
  const c = g1From(cc);
  if (!a || !c) return { kind: 'invalid', reason: 'pi_a or pi_c is not a point of G1' };
  const b = g2From(cb);
  if (!b) return { kind: 'invalid', reason: 'pi_b is not a point of G2 (off the twist, or outside the order-r subgroup)' };
  if (a.isZero() || b.isZero() || c.isZero()) return { kind: 'invalid', reason: 'a proof point is the point at infinity' };
  return { kind: 'parsed', proof: { a, b, c, signals } };
}

/** X = IC₀·w₀ + Σ ICⱼ·wⱼ for Fr weights given as bigints below r. */
function icCombination(key: PreparedKey, weights: bigint[]): mcl.G1 {
  return mcl.mulVec(key.ic, weights.map(frFrom));
}

/** The exact check of one proof: e(A, B) · e(−X, γ) · e(−C, δ) = e(α, β). */
export function verifyOne(key: PreparedKey, p: ParsedProof): boolean {
  const x = icCombination(key, [1n, ...p.signals]);
  const ml = mcl.mul(mcl.millerLoop(p.a, p.b), mcl.precomputedMillerLoop2(mcl.neg(x), key.gamma, mcl.neg(p.c), key.delta));
  return mcl.finalExp(ml).isEqual(key.alphaBeta);
}

/** A fresh nonzero scalar of 128 bits from the CSPRNG. */
export function batchScalar(): bigint {
  for (;;) {
    const r = BigInt(`0x${randomBytes(16).toString('hex')}`);
    if (r !== 0n) return r;
  }
}

/** One random linear combination of the proofs' equations: true when it holds (all valid, but for < 2⁻¹²⁷). */
export function batchHolds(key: PreparedKey, proofs: ParsedProof[]): boolean {
  if (proofs.length === 1) return verifyOne(key, proofs[0]!);
  const rs = proofs.map(() => batchScalar());
  const frs = rs.map(frFrom);
  const weights = new Array<bigint>(key.nPublic + 1).fill(0n);
  proofs.forEach((p, i) => {
    weights[0] = weights[0]! + rs[i]!;
    p.signals.forEach((s, j) => (weights[j + 1] = (weights[j + 1]! + rs[i]! * s) % R));
  });
  weights[0] = weights[0]! % R;
  const x = icCombination(key, weights);
  const c = mcl.mulVec(proofs.map((p) => p.c), frs);
  const alpha = mcl.mul(key.alpha, frFrom(weights[0]!));
  const ml = millerLoopVec(proofs.map((p, i) => mcl.mul(p.a, frs[i]!)), proofs.map((p) => p.b));
  const keyPart = mcl.mul(mcl.precomputedMillerLoop2(mcl.neg(x), key.gamma, mcl.neg(c), key.delta), mcl.precomputedMillerLoop(mcl.neg(alpha), key.beta));
  return mcl.finalExp(mcl.mul(ml, keyPart)).isOne();
}

/**
 * The verdict of each proof of a batch. When the combination fails, the batch is halved (fresh scalars each
 * time) down to single proofs checked exactly, so a bad proof never passes and never fails a good one.
 */
export function verifyBatch(key: PreparedKey, proofs: ParsedProof[]): boolean[] {
  const verdicts = new Array<boolean>(proofs.length).fill(false);
  const settle = (from: number, to: number): void => {
    const part = proofs.slice(from, to);
    if (part.length === 0) return;
    if (batchHolds(key, part)) {
      verdicts.fill(true, from, to);
    } else if (part.length > 1) {
      const mid = (from + to) >> 1;
      settle(from, mid);
      settle(mid, to);
    }
  };
  settle(0, proofs.length);
  return verdicts;
}
