import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import * as snarkjs from 'snarkjs';
import { terminateCurves } from '../curves.ts';
import { builtinArtifactUrl } from '../programs.ts';
import { Verifier } from '../verifier.ts';
import { Groth16Gates, type ProofItem } from './gate.ts';
import { rerandomise, sampleGroth16Programs, type SampleProgram } from './variants.ts';

let programs: SampleProgram[] = [];
before(async () => {
  programs = await sampleGroth16Programs();
});
after(() => terminateCurves());

const snarkjsVerdict = async (vkey: unknown, item: ProofItem) => {
  try {
    return { pass: await snarkjs.groth16.verify(vkey as object, item.publicSignals, item.proof as object) };
  } catch {
    return { pass: false };
  }
};

test('gate: a key moves to mcl after its first valid proof agrees with snarkjs, and a tampered copy is refused by both', { timeout: 120_000 }, async () => {
  const [s] = programs;
  const gates = new Groth16Gates(snarkjsVerdict);
  const wrong = { proof: s!.proof, publicSignals: s!.publicSignals.map(() => '7') };
  assert.deepEqual(await gates.verify(s!.vkey, [wrong]), [{ pass: false }]);
  assert.equal(await gates.modeOf(s!.vkey), 'checking', 'an invalid proof alone does not clear the self-check');
  assert.deepEqual(await gates.verify(s!.vkey, [{ proof: s!.proof, publicSignals: s!.publicSignals }]), [{ pass: true }]);
  assert.equal(await gates.modeOf(s!.vkey), 'fast');
});

test('gate: a key whose self-check disagrees with the reference stays on the reference', { timeout: 120_000 }, async () => {
  const [s] = programs;
  // a reference that refuses everything: mcl accepts the valid proof, so they disagree
  const calls: number[] = [];
  const gates = new Groth16Gates(async () => (calls.push(1), { pass: false, reason: 'no' }));
  await gates.verify(s!.vkey, [{ proof: s!.proof, publicSignals: s!.publicSignals }]);
  assert.equal(await gates.modeOf(s!.vkey), 'reference');
  assert.match((await gates.whyReference(s!.vkey))!, /disagreed/);
  await gates.verify(s!.vkey, [{ proof: s!.proof, publicSignals: s!.publicSignals }]);
  assert.equal(calls.length, 2, 'every later proof goes to the reference');
});

test('gate: keys that are not canonical bn128 Groth16 keys stay on the reference', { timeout: 60_000 }, async () => {
  const gates = new Groth16Gates(snarkjsVerdict);
  const plonk = JSON.parse(readFileSync(builtinArtifactUrl('range-proof', 'plonk', 'vkey'), 'utf8')) as Record<string, unknown>;
  const groth = programs[0]!.vkey;
  for (const vkey of [plonk, { ...groth, IC: (groth.IC as unknown[]).slice(1) }, { ...groth, curve: 'bls12381' }, { ...groth, vk_alpha_1: ['1', '3', '1'] }, null]) {
    assert.equal(await gates.modeOf(vkey), 'reference');
  }
});

test('Verifier: Groth16 proofs of two programs, valid and tampered, submitted together, each gets its own verdict', { timeout: 300_000 }, async () => {
  const verifier = new Verifier({ threads: 1, batching: { delayMs: 5, maxBatch: 8 } });
  try {
    const jobs = [];
    for (const s of programs) {
      for (let i = 0; i < 12; i++) {
        const proof = await rerandomise(s.vkey, s.proof);
        const valid = i % 3 !== 1;
        jobs.push({ valid, run: () => verifier.verifyRaw({ system: 'groth16', vkey: s.vkey, proof, publicSignals: valid ? s.publicSignals : s.publicSignals.map((x) => (BigInt(x) + 1n).toString()) }) });
      }
    }
    const outcomes = await Promise.all(jobs.map((j) => j.run()));
    assert.deepEqual(outcomes.map((o) => o.pass), jobs.map((j) => j.valid));
    for (const o of outcomes.filter((x) => !x.pass)) assert.match(o.reason!, /does not verify/);
    const malformed = await verifier.verifyRaw({ system: 'groth16', vkey: programs[0]!.vkey, proof: { pi_a: ['1', '2', '1'], pi_b: 'x' }, publicSignals: programs[0]!.publicSignals });
    assert.equal(malformed.pass, false);
  } finally {
    await verifier.close();
  }
});
