// Differential test: thousands of valid, tampered and malformed Groth16 proofs through snarkjs (the reference)
// and through the mcl-wasm verifier, one at a time and in random batches; any disagreement fails the test.
// PROOFMARKET_DIFF_PROOFS sets how many cases (default 1000, split over the built-in Groth16 programs).
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { terminateCurves } from '../curves.ts';
import { Groth16Gates, type ProofItem } from './gate.ts';
import { parseProof, prepareKey, verifyOne, type PreparedKey } from './groth16.ts';
import { P, R } from './mcl.ts';
import { g2OutsideSubgroup, rerandomise, sampleGroth16Programs, type Groth16Proof, type SampleProgram } from './variants.ts';

const CASES = Number(process.env.PROOFMARKET_DIFF_PROOFS ?? 1000);

interface Case extends ProofItem {
  kind: string;
  /** snarkjs' verdict (a throw is a Fail). */
  expected?: boolean;
}

const reference = async (vkey: unknown, item: ProofItem) => {
  try {
    return { pass: await snarkjs.groth16.verify(vkey as object, item.publicSignals, item.proof as object) };
  } catch {
    return { pass: false };
  }
};

let programs: SampleProgram[] = [];
let outside: string[][][] = [];

before(async () => {
  programs = await sampleGroth16Programs();
  outside = await Promise.all([0, 1, 2].map(() => g2OutsideSubgroup()));
});
after(() => terminateCurves());

const pick = <T>(xs: readonly T[]): T => xs[randomInt(xs.length)]!;
const randomDecimal = () => BigInt(`0x${randomBytes(randomInt(1, 33)).toString('hex')}`).toString();
/** A random element of Fp, as a canonical decimal (random bytes reduced mod p). */
const randomFp = () => (BigInt(`0x${randomBytes(32).toString('hex')}`) % P).toString();
const bump = (v: string, by: bigint, mod = P) => ((BigInt(v) + by) % mod).toString();

/** Every kind of case, derived from a valid proof `base` (itself fresh from re-randomisation). */
function variants(s: SampleProgram, base: Groth16Proof, other: SampleProgram): Array<[string, () => ProofItem]> {
  const sig = s.publicSignals;
  const withProof = (proof: unknown): ProofItem => ({ proof, publicSignals: sig });
  const withSignals = (publicSignals: string[]): ProofItem => ({ proof: base, publicSignals });
  const [a, b, c] = [base.pi_a, base.pi_b, base.pi_c];
  return [
    ['valid', () => withProof(base)],
    ['signal + 1', () => withSignals(sig.map((x, i) => (i === sig.length - 1 ? bump(x, 1n, R) : x)))],
    ['signal = r', () => withSignals(sig.map((x, i) => (i === 0 ? R.toString() : x)))],
    ['signal + r', () => withSignals(sig.map((x, i) => (i === 0 ? (BigInt(x) + R).toString() : x)))],
    ['signal >= p', () => withSignals(sig.map((x, i) => (i === 0 ? (P + BigInt(randomInt(1000))).toString() : x)))],
    ['signal random', () => withSignals(sig.map(() => randomDecimal()))],
    ['one signal too many', () => withSignals([...sig, '1'])],
    ['one signal short', () => withSignals(sig.slice(0, -1))],
    ['A negated', () => withProof({ ...base, pi_a: [a[0], (P - BigInt(a[1]!)).toString(), '1'] })],
    ['A and C swapped', () => withProof({ ...base, pi_a: c, pi_c: a })],
    ['B coordinates swapped', () => withProof({ ...base, pi_b: [b[1], b[0], b[2]] })],
    ['B Fp2 halves swapped', () => withProof({ ...base, pi_b: [[b[0]![1], b[0]![0]], [b[1]![1], b[1]![0]], b[2]] })],
    ['A off the curve', () => withProof({ ...base, pi_a: [a[0], bump(a[1]!, 1n), '1'] })],
    ['C off the curve', () => withProof({ ...base, pi_c: [bump(c[0]!, 1n), c[1], '1'] })],
    ['B off the twist', () => withProof({ ...base, pi_b: [b[0], [b[1]![0], bump(b[1]![1]!, 1n)], b[2]] })],
    ['B outside the subgroup', () => withProof({ ...base, pi_b: pick(outside) })],
    ['random coordinates', () => withProof({ ...base, pi_a: [randomFp(), randomFp(), '1'], pi_c: [randomFp(), randomFp(), '1'] })],
    ['random B', () => withProof({ ...base, pi_b: [[randomFp(), randomFp()], [randomFp(), randomFp()], ['1', '0']] })],
    ['random big coordinates', () => withProof({ ...base, pi_a: [randomDecimal(), randomDecimal(), '1'] })],
    ['A at infinity', () => withProof({ ...base, pi_a: ['0', '1', '0'] })],
    ['coordinate + p', () => withProof({ ...base, pi_c: [(BigInt(c[0]!) + P).toString(), c[1], '1'] })],
    ['hex coordinate', () => withProof({ ...base, pi_a: [`0x${BigInt(a[0]!).toString(16)}`, a[1], '1'] })],
    ['random bytes', () => withProof(JSON.parse(JSON.stringify({ pi_a: randomBytes(8).toString('base64'), pi_b: [randomBytes(4).toString('hex')], pi_c: null })))],
    ['empty proof', () => withProof({})],
    ['proof of another program', () => ({ proof: other.proof, publicSignals: sig.length === other.publicSignals.length ? other.publicSignals : sig })],
  ];
}

/** Half the cases valid (re-randomisations), the other half spread over every tampered and malformed kind. */
async function casesFor(s: SampleProgram, other: SampleProgram, n: number): Promise<Case[]> {
  const cases: Case[] = [];
  // re-randomising costs a G2 multiplication: a pool of fresh bases, reused across the variants
  const bases = await Promise.all(Array.from({ length: Math.min(n, 48) }, () => rerandomise(s.vkey, s.proof)));
  for (let i = 0; i < n; i++) {
    const all = variants(s, bases[i % bases.length]!, other);
    const [kind, make] = i % 2 === 0 ? all[0]! : all[1 + ((i >> 1) % (all.length - 1))]!;
    cases.push({ kind, ...make() });
  }
  for (const c of cases) c.expected = (await reference(s.vkey, c)).pass;
  return cases;
}

/** Kinds whose input is not canonical: the fast verifier hands them to snarkjs (and so cannot disagree). */
const LEFT_TO_SNARKJS = new Set(['random big coordinates', 'A at infinity', 'coordinate + p', 'hex coordinate', 'random bytes', 'empty proof']);

function fastSingle(key: PreparedKey, c: Case): boolean | 'reference' {
  const parsed = parseProof(key, c.proof, c.publicSignals);
  if (parsed.kind === 'reference') return 'reference';
  return parsed.kind === 'parsed' && verifyOne(key, parsed.proof);
}

test(`differential: ${CASES} valid, tampered and malformed proofs, snarkjs against mcl-wasm, singly and in batches`, { timeout: 600_000 }, async () => {
  const disagreements: string[] = [];
  for (const [i, s] of programs.entries()) {
    const other = programs[(i + 1) % programs.length]!;
    const key = (await prepareKey(s.vkey))!;
    assert.ok(key, `${s.name}: its key prepares`);
    const cases = await casesFor(s, other, Math.ceil(CASES / programs.length));
    assert.ok(cases.filter((c) => c.kind === 'valid').every((c) => c.expected), 'snarkjs accepts every re-randomised proof');
    assert.ok(cases.some((c) => !c.expected), 'there are invalid cases');

    for (const c of cases) {
      const fast = fastSingle(key, c);
      if (fast === 'reference') assert.ok(LEFT_TO_SNARKJS.has(c.kind), `${s.name}: "${c.kind}" was left to snarkjs, but its shape is canonical`);
      else if (fast !== c.expected) disagreements.push(`${s.name} single "${c.kind}": snarkjs ${c.expected}, mcl ${fast}`);
    }

    // In production the gate decides; its first valid proof runs the self-check and moves the key to mcl.
    const gates = new Groth16Gates(reference);
    await gates.verify(s.vkey, [cases.find((c) => c.kind === 'valid')!]);
    assert.equal(await gates.modeOf(s.vkey), 'fast', `${s.name}: the key passed its self-check`);
    for (let at = 0; at < cases.length; ) {
      const size = Math.min(cases.length - at, pick([1, 2, 3, 7, 16, 33, 64]));
      const batch = cases.slice(at, at + size);
      at += size;
      const verdicts = await gates.verify(s.vkey, batch);
      verdicts.forEach((v, j) => {
        if (v.pass !== batch[j]!.expected) disagreements.push(`${s.name} batch of ${size} "${batch[j]!.kind}": snarkjs ${batch[j]!.expected}, mcl ${v.pass}`);
      });
    }
    const valid = cases.filter((c) => c.kind === 'valid').slice(0, 64);
    assert.ok((await gates.verify(s.vkey, valid)).every((v) => v.pass), `${s.name}: a batch of ${valid.length} valid proofs passes`);
  }
  assert.deepEqual(disagreements, [], `${disagreements.length} disagreements`);
});
