import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { terminateCurves } from '../cli/shutdown.ts';
import { dataCommitmentInput } from '../proofs/builtin/data-commitment.ts';
import { rangeProofInput } from '../proofs/builtin/range-proof.ts';
import { ProveError } from './errors.ts';
import { ProvingPool, type ProveJob } from './proving.ts';
import { advertisedSpeed } from './speed.ts';

after(terminateCurves);

const circuits = new URL('../../circuits/', import.meta.url);
const path = (p: string) => fileURLToPath(new URL(p, circuits));
const rangeJob = (system: ProveJob['system']): ProveJob => ({
  system,
  input: rangeProofInput({ value: '42', min: '18', max: '150' }),
  wasmPath: path('range-proof/range-proof.wasm'),
  zkeyPath: path(`range-proof/${system}.zkey`),
});

test('proves in worker threads with each proof system; the proofs verify', async () => {
  const pool = new ProvingPool({ size: 2, timeoutMs: 60_000 });
  try {
    const outs = await Promise.all((['groth16', 'plonk', 'fflonk'] as const).map((s) => pool.prove(rangeJob(s))));
    for (const [i, system] of (['groth16', 'plonk', 'fflonk'] as const).entries()) {
      const out = outs[i]!;
      assert.deepEqual(out.publicSignals, ['18', '150']);
      const vkey = JSON.parse(readFileSync(path(`range-proof/${system}.vkey.json`), 'utf8'));
      assert.equal(await snarkjs[system].verify(vkey, out.publicSignals, out.proof as object), true, system);
    }
  } finally {
    await pool.close();
  }
});

test('a bad input or a missing file is a ProveError for that job only', async () => {
  const pool = new ProvingPool({ size: 1, timeoutMs: 60_000 });
  try {
    await assert.rejects(pool.prove({ ...rangeJob('groth16'), input: { value: '1', min: '18', max: '150' } }), ProveError);
    await assert.rejects(pool.prove({ ...rangeJob('groth16'), zkeyPath: '/nonexistent.zkey' }), ProveError);
    assert.deepEqual((await pool.prove(rangeJob('groth16'))).publicSignals, ['18', '150']);
  } finally {
    await pool.close();
  }
});

test('a proof that overruns the timeout kills its worker, which is replaced', async () => {
  // A 10k-gate PLONK proof takes several seconds on any CPU; a small groth16 proof a few hundred ms.
  const pool = new ProvingPool({ size: 1, timeoutMs: 1_500 });
  try {
    const slow: ProveJob = {
      system: 'plonk',
      input: dataCommitmentInput(new Uint8Array([1, 2, 3])),
      wasmPath: path('data-commitment/data-commitment.wasm'),
      zkeyPath: path('data-commitment/plonk.zkey'),
    };
    await assert.rejects(pool.prove(slow), (e: unknown) => e instanceof ProveError && /timed out/.test(e.message));
    assert.equal(pool.replacedWorkers, 1);
    await new Promise((r) => setTimeout(r, 2_000)); // let the new worker load its modules outside the job's budget
    assert.deepEqual((await pool.prove(rangeJob('groth16'))).publicSignals, ['18', '150']);
  } finally {
    await pool.close();
  }
});

test('the advertised speed scales with the workers that can run at once', () => {
  assert.equal(advertisedSpeed(2, 1, 8), 2);
  assert.equal(advertisedSpeed(2, 4, 2), 4);
  assert.equal(advertisedSpeed(1 / 3, 3, 8), 1);
  assert.equal(advertisedSpeed(0.123456, 1, 1), 0.123);
});
