// The external-command path, with real proofs: the shipped snarkjs-cli backend runs snarkjs's own CLI in
// child processes. Small shell scripts stand in for badly behaved backends (silent, slow, chatty, crashing).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { terminateCurves } from '../curves.ts';
import { dataCommitment, dataCommitmentInput } from '../builtin/data-commitment.ts';
import { rangeProofInput } from '../builtin/range-proof.ts';
import { builtinArtifactUrl, withBackend } from '../programs.ts';
import { encodeProof, Verifier } from '../verifier.ts';
import { ProvingPool } from '../../prover/proving.ts';
import { Limiter } from './external.ts';
import { loadBackends } from './registry.ts';

const root = mkdtempSync(join(tmpdir(), 'pm-external-'));
after(async () => {
  rmSync(root, { recursive: true, force: true });
  await terminateCurves();
});

const path = (name: string, system: 'groth16' | 'plonk', kind: 'wasm' | 'zkey' | 'vkey') => fileURLToPath(builtinArtifactUrl(name, system, kind));
const vkeyOf = (name: string, system: 'groth16' | 'plonk') => JSON.parse(readFileSync(path(name, system, 'vkey'), 'utf8'));
const bytes = (system: string, proof: unknown, public_signals: string[]) => Uint8Array.from(encodeProof({ system, proof, public_signals }));

/** A registry with the shipped definitions plus shell-script backends: name → verify script body. */
function scriptBackends(scripts: Record<string, string>, extra: Record<string, Record<string, unknown>> = {}) {
  const dir = mkdtempSync(join(root, 'defs-'));
  const backends = Object.entries(scripts).map(([name, body]) => {
    writeFileSync(join(dir, `${name}.sh`), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, `${name}.sh`), 0o755);
    const cmd = { command: `./${name}.sh`, args: [], ...extra[name] };
    return { name, description: name, prove: cmd, verify: cmd, install_hint: `install ${name}` };
  });
  writeFileSync(join(dir, 'defs.json'), JSON.stringify({ backends }));
  return loadBackends({ files: [join(dir, 'defs.json')] });
}

test('snarkjs-cli: a real data-commitment proof from the snarkjs CLI passes the verifier; tampered ones fail', async () => {
  const pool = new ProvingPool({ size: 1, timeoutMs: 120_000 });
  const verifier = new Verifier({ threads: 1 });
  try {
    const data = new TextEncoder().encode('proofmarket external backend');
    const out = await pool.prove({
      system: 'snarkjs-cli',
      input: dataCommitmentInput(data),
      wasmPath: path('data-commitment', 'groth16', 'wasm'),
      zkeyPath: path('data-commitment', 'groth16', 'zkey'),
    });
    const expected = [dataCommitment(data).toString()];
    assert.deepEqual(out.publicSignals, expected);
    const vkey = vkeyOf('data-commitment', 'groth16');
    assert.equal(await snarkjs.groth16.verify(vkey, out.publicSignals, out.proof as object), true, 'in-process snarkjs agrees');

    const target = { system: 'snarkjs-cli', vkey: withBackend('snarkjs-cli', vkey), expectedPublicSignals: expected };
    assert.deepEqual(await verifier.verify(bytes('snarkjs-cli', out.proof, out.publicSignals), target).then((v) => v.pass), true);

    const p = out.proof as { pi_a: string[] };
    const tampered = { ...p, pi_a: [p.pi_a[1], p.pi_a[0], p.pi_a[2]] };
    const bad = await verifier.verify(bytes('snarkjs-cli', tampered, out.publicSignals), target);
    assert.equal(bad.pass, false);
    assert.match(bad.reason!, /does not verify.*snarkjs-cli/);

    // Other data's commitment: the envelope check refuses it, and the verify command would too.
    const other = ['12345'];
    assert.match((await verifier.verify(bytes('snarkjs-cli', out.proof, other), target)).reason!, /not the task's own/);
    const raw = await verifier.verifyRaw({ system: 'snarkjs-cli', vkey: target.vkey, proof: out.proof, publicSignals: other });
    assert.equal(raw.pass, false);
    assert.match(raw.reason!, /invalid proof/);

    const malformed = await verifier.verify(bytes('snarkjs-cli', {}, out.publicSignals), target);
    assert.equal(malformed.pass, false);
    assert.match(malformed.reason!, /could not check the proof/);
    const wrongSystem = await verifier.verify(bytes('groth16', out.proof, out.publicSignals), target);
    assert.match(wrongSystem.reason!, /proved with snarkjs-cli, not groth16/);
  } finally {
    await Promise.all([pool.close(), verifier.close()]);
  }
});

test('snarkjs-cli picks the system from the program keys: a range-proof PLONK proof round-trips', async () => {
  const pool = new ProvingPool({ size: 1, timeoutMs: 120_000 });
  const verifier = new Verifier({ threads: 1 });
  try {
    const out = await pool.prove({
      system: 'snarkjs-cli',
      input: rangeProofInput({ value: '42', min: '18', max: '150' }),
      wasmPath: path('range-proof', 'plonk', 'wasm'),
      zkeyPath: path('range-proof', 'plonk', 'zkey'),
    });
    assert.deepEqual(out.publicSignals, ['18', '150']);
    assert.ok('A' in (out.proof as object), 'a PLONK proof');
    const target = { system: 'snarkjs-cli', vkey: withBackend('snarkjs-cli', vkeyOf('range-proof', 'plonk')), expectedPublicSignals: ['18', '150'] };
    assert.equal((await verifier.verify(bytes('snarkjs-cli', out.proof, out.publicSignals), target)).pass, true);
    // The same proof under the groth16 key of the same circuit: a real verifier says no.
    const crossed = await verifier.verifyRaw({ system: 'snarkjs-cli', vkey: vkeyOf('range-proof', 'groth16'), proof: out.proof, publicSignals: out.publicSignals });
    assert.equal(crossed.pass, false);
  } finally {
    await Promise.all([pool.close(), verifier.close()]);
  }
});

test('a backend that is not installed is a Fail verdict that says so, never a throw', async () => {
  const verifier = new Verifier({ threads: 1 });
  try {
    const v = await verifier.verify(bytes('koalabear', { any: 1 }, ['1']), { system: 'koalabear', vkey: {}, expectedPublicSignals: ['1'] });
    assert.equal(v.pass, false);
    assert.match(v.reason!, /cannot verify: the verifier of backend "koalabear" is not installed here: pico-proofmarket-verify not found/);
    const unknown = await verifier.verify(bytes('halo2', {}, ['1']), { system: 'halo2', vkey: {}, expectedPublicSignals: ['1'] });
    assert.match(unknown.reason!, /unknown proof system "halo2"/);
  } finally {
    await verifier.close();
  }
});

test('the verdict protocol: only exit 0 with {"valid": true} passes; 1 is invalid; anything else is a verifier error', async () => {
  const backends = scriptBackends({
    yes: 'cat > /dev/null; printf \'{"valid": true}\'',
    silent: 'cat > /dev/null; exit 0',
    no: 'cat > /dev/null; printf \'{"valid": false, "reason": "pairing check failed"}\'; exit 1',
    crash: 'cat > /dev/null; echo "segfault-ish trouble" >&2; exit 3',
    chatty: 'cat > /dev/null; head -c 2000000 /dev/zero | tr "\\0" "x"',
    ignores_stdin: 'printf \'{"valid": true}\'',
  });
  const verifier = new Verifier({ threads: 2, backends });
  const run = (system: string) => verifier.verify(bytes(system, { p: 1 }, ['7']), { system, vkey: { k: 1 }, expectedPublicSignals: ['7'] });
  try {
    assert.deepEqual((await run('yes')).pass, true);
    assert.deepEqual((await run('ignores_stdin')).pass, true, 'a command need not read stdin');
    assert.match((await run('silent')).reason!, /verifier error: silent verify exited 0 without printing \{"valid": true\}/);
    assert.match((await run('no')).reason!, /does not verify.*: pairing check failed/);
    assert.match((await run('crash')).reason!, /verifier error: crash verify exited with code 3: segfault-ish trouble/);
    assert.match((await run('chatty')).reason!, /verifier error: chatty verify printed more than the output limit/);
  } finally {
    await verifier.close();
  }
});

test('verify commands run in a private work dir with a small environment, and get what they need as files', async () => {
  process.env.PM_SECRET_TEST = 'do-not-pass';
  process.env.PM_PASS_TEST = 'passed';
  const report = 'doc=$(cat); printf \'{"valid": false, "reason": "cwd=%s tmp=%s secret=%s pass=%s op=%s wasm=%s"}\' "$PWD" "$TMPDIR" "${PM_SECRET_TEST:-none}" "${PM_PASS_TEST:-none}" "$PROOFMARKET_OP" "$(cat program.wasm 2>/dev/null)"; exit 1';
  const backends = scriptBackends({ envcheck: report }, { envcheck: { env: ['PM_PASS_TEST'], needs: ['wasm'] } });
  const verifier = new Verifier({ threads: 1, backends });
  try {
    const target = { system: 'envcheck', vkey: {}, expectedPublicSignals: ['7'] };
    const missing = await verifier.verify(bytes('envcheck', 1, ['7']), target);
    assert.match(missing.reason!, /needs the program's wasm, which the caller did not provide/);
    const v = await verifier.verify(bytes('envcheck', 1, ['7']), { ...target, artifact: async (kind) => new TextEncoder().encode(`the-${kind}`) });
    const m = /cwd=(\S+) tmp=(\S+) secret=(\S+) pass=(\S+) op=(\S+) wasm=(\S+)/.exec(v.reason!)!;
    assert.ok(m, v.reason);
    assert.match(m[1]!, /\/pm-envcheck-/);
    assert.equal(m[2], m[1], 'TMPDIR is the work dir');
    assert.equal(m[3], 'none', "the coordinator's environment is not passed on");
    assert.equal(m[4], 'passed', "but what the definition's env lists is");
    assert.equal(m[5], 'verify');
    assert.equal(m[6], 'the-wasm');
    assert.equal(existsSync(m[1]!), false, 'the work dir is removed');
  } finally {
    delete process.env.PM_SECRET_TEST;
    delete process.env.PM_PASS_TEST;
    await verifier.close();
  }
});

test('a verify command past its time limit is killed with everything it started', async () => {
  const pidFile = join(root, 'grandchild.pid');
  const backends = scriptBackends({ slow: `sleep 60 & echo $! > ${pidFile}; wait` }, { slow: { timeout_ms: 500 } });
  const verifier = new Verifier({ threads: 1, backends });
  try {
    const started = Date.now();
    const v = await verifier.verify(bytes('slow', 1, ['7']), { system: 'slow', vkey: {}, expectedPublicSignals: ['7'] });
    assert.match(v.reason!, /verifier error: slow verify timed out after 500 ms/);
    assert.ok(Date.now() - started < 5_000);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // Dead means gone or a zombie (state Z) waiting for init to reap it.
    const alive = () => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 20 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(), false, 'the sleep it started is gone too');
  } finally {
    await verifier.close();
  }
});

test('Limiter: never more than its size at once', async () => {
  const limiter = new Limiter(2);
  let running = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 7 }, () => limiter.run(async () => {
    peak = Math.max(peak, ++running);
    await new Promise((r) => setTimeout(r, 10));
    running--;
  })));
  assert.equal(peak, 2);
  assert.equal(limiter.running, 0);
});

test('the Pico prove wrapper drives `cargo pico prove` as the Pico CLI documents it', () => {
  // Pico cannot be installed here, so a recording `cargo` stands in for it: this checks our translation of
  // the protocol (arguments, scratch package, reading proof.json and pv_file), not Pico.
  const bin = join(root, 'fake-bin');
  mkdirSync(bin, { recursive: true });
  const log = join(root, 'cargo.log');
  writeFileSync(join(bin, 'cargo'), `#!/bin/sh
echo "$PWD|$*" > ${log}
test -f Cargo.toml || { echo "no Cargo.toml in $PWD" >&2; exit 101; }
while [ $# -gt 0 ]; do case "$1" in --output) out="$2"; shift;; --input) input="$2"; shift;; esac; shift; done
cp "$input" ${log}.stdin
printf '[{"commitments":"x"}]' > "$out/proof.json"
printf '2a00ff' > "$out/pv_file"
`);
  chmodSync(join(bin, 'cargo'), 0o755);
  const work = mkdtempSync(join(root, 'pico-work-'));
  const elf = join(root, 'guest.elf');
  writeFileSync(elf, 'ELF');
  const doc = { protocol: 1, op: 'prove', backend: 'koalabear', work_dir: work, program: { id: null, wasm_path: elf, zkey_path: '/dev/null', vkey_path: null }, input: { stdin_hex: '0x0a000000' } };
  const wrapper = fileURLToPath(new URL('../../../backends/pico/prove.mjs', import.meta.url));
  const r = spawnSync(wrapper, ['--field', 'kb'], { cwd: work, input: JSON.stringify(doc), encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}` } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { proof: { format: 'pico-embed-proof/1', field: 'kb', embed_proofs: [{ commitments: 'x' }] }, public_signals: ['42', '0', '255'] });
  const [cwd, args] = readFileSync(log, 'utf8').trim().split('|');
  assert.equal(cwd, join(work, 'pkg'));
  assert.equal(args, `pico prove --elf ${elf} --input ${join(work, 'stdin.bin')} --field kb --output ${join(work, 'pico_out')}`);
  assert.deepEqual([...readFileSync(`${log}.stdin`)], [10, 0, 0, 0]);
  const usage = spawnSync(wrapper, ['--field', 'm31'], { input: '{}', encoding: 'utf8' });
  assert.equal(usage.status, 2);
});
