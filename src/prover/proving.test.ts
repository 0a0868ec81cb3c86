import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { terminateCurves } from '../proofs/curves.ts';
import { dataCommitmentInput } from '../proofs/builtin/data-commitment.ts';
import { rangeProofInput } from '../proofs/builtin/range-proof.ts';
import { loadBackends } from '../proofs/backends/registry.ts';
import { ArtifactError, ProveError } from './errors.ts';
import { BackendUnavailableError, ProvingPool, type ProveJob } from './proving.ts';
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

test('a worker keeps a program prepared between proofs, and reads a replaced artifact again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-prove-cache-'));
  const job: ProveJob = { ...rangeJob('groth16'), zkeyPath: join(dir, 'key.zkey') };
  const vkey = JSON.parse(readFileSync(path('range-proof/groth16.vkey.json'), 'utf8'));
  const pool = new ProvingPool({ size: 1, timeoutMs: 60_000 });
  try {
    writeFileSync(job.zkeyPath, readFileSync(path('range-proof/groth16.zkey')));
    for (const value of ['42', '100', '18']) {
      const out = await pool.prove({ ...job, input: rangeProofInput({ value, min: '18', max: '150' }) });
      assert.equal(await snarkjs.groth16.verify(vkey, out.publicSignals, out.proof as object), true, `value ${value} from the prepared program`);
    }
    // Another key at the same path: the worker must not prove with the one it kept.
    writeFileSync(job.zkeyPath, readFileSync(path('range-proof/plonk.zkey')));
    await assert.rejects(pool.prove(job), (e: unknown) => e instanceof ProveError && /not groth16/.test(e.message));
    writeFileSync(job.zkeyPath, readFileSync(path('range-proof/groth16.zkey')));
    const again = await pool.prove(job);
    assert.equal(await snarkjs.groth16.verify(vkey, again.publicSignals, again.proof as object), true);
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
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

test('external backends: real snarkjs-cli proofs; failures are ProveErrors; a missing backend is not retried', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-proving-'));
  const script = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
    return { name, description: name, prove: { command: `./${name}`, args: [] }, verify: { command: `./${name}`, args: [] }, install_hint: `install ${name}` };
  };
  writeFileSync(join(dir, 'defs.json'), JSON.stringify([
    script('garbage', 'cat > /dev/null; echo not-json'),
    script('sleepy', 'sleep 60'),
    script('nosignals', 'cat > /dev/null; printf \'{"proof": {"x": 1}, "public_signals": [1]}\''),
  ]));
  const pool = new ProvingPool({ size: 2, timeoutMs: 60_000, backends: loadBackends({ files: [join(dir, 'defs.json')] }) });
  const short = new ProvingPool({ size: 1, timeoutMs: 400, backends: loadBackends({ files: [join(dir, 'defs.json')] }) });
  try {
    const ext = { ...rangeJob('groth16'), system: 'snarkjs-cli' };
    const [viaCli, inProcess] = await Promise.all([pool.prove(ext), pool.prove(rangeJob('groth16'))]);
    assert.deepEqual(viaCli.publicSignals, ['18', '150']);
    assert.deepEqual(inProcess.publicSignals, ['18', '150']);
    const vkey = JSON.parse(readFileSync(path('range-proof/groth16.vkey.json'), 'utf8'));
    assert.equal(await snarkjs.groth16.verify(vkey, viaCli.publicSignals, viaCli.proof as object), true);

    await assert.rejects(pool.prove({ ...ext, input: { value: '1', min: '18', max: '150' } }), (e: unknown) => e instanceof ProveError && /snarkjs-cli prove exited with code 1: snarkjs groth16 fullprove failed/.test(e.message));
    await assert.rejects(pool.prove({ ...ext, system: 'garbage' }), (e: unknown) => e instanceof ProveError && /printed no JSON/.test(e.message));
    await assert.rejects(pool.prove({ ...ext, system: 'nosignals' }), (e: unknown) => e instanceof ProveError && /public_signals/.test(e.message));
    await assert.rejects(short.prove({ ...ext, system: 'sleepy' }), (e: unknown) => e instanceof ProveError && /timed out after 400 ms/.test(e.message));
    await assert.rejects(pool.prove({ ...ext, system: 'koalabear' }), (e: unknown) => e instanceof BackendUnavailableError && e instanceof ArtifactError && /cargo-pico not found/.test(e.message));
    await assert.rejects(pool.prove({ ...ext, system: 'halo2' }), (e: unknown) => e instanceof BackendUnavailableError && /unknown proof system/.test(e.message));
    assert.equal(pool.busy, 0);
  } finally {
    await Promise.all([pool.close(), short.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the advertised speed scales with the workers that can run at once', () => {
  assert.equal(advertisedSpeed(2, 1, 8), 2);
  assert.equal(advertisedSpeed(2, 4, 2), 4);
  assert.equal(advertisedSpeed(1 / 3, 3, 8), 1);
  assert.equal(advertisedSpeed(0.123456, 1, 1), 0.123);
});
