import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactHashes, withBackend } from '../proofs/programs.ts';
import { ArtifactCache, checkArtifacts } from './artifacts.ts';
import { ArtifactError } from './errors.ts';

const dir = new URL('../../circuits/range-proof/', import.meta.url);
const wasm = readFileSync(new URL('range-proof.wasm', dir));
const zkey = readFileSync(new URL('groth16.zkey', dir));
const vkeyText = readFileSync(new URL('groth16.vkey.json', dir), 'utf8');
const programId = artifactHashes({ wasm, zkey, vkey: JSON.parse(vkeyText) }).program_id;

function fakeClient(files: { wasm: Uint8Array; zkey: Uint8Array; vkey: string }) {
  const calls: string[] = [];
  return {
    calls,
    async downloadArtifact(id: string, kind: 'wasm' | 'zkey' | 'vkey') {
      calls.push(`${id.slice(0, 4)}:${kind}`);
      return kind === 'vkey' ? new TextEncoder().encode(files.vkey) : files[kind];
    },
  };
}

test('checkArtifacts accepts the program\'s own artifacts, whatever the vkey formatting', () => {
  assert.deepEqual(checkArtifacts(programId, wasm, zkey, vkeyText), { ok: true, system: 'groth16' });
  assert.equal(checkArtifacts(programId, wasm, zkey, JSON.stringify(JSON.parse(vkeyText))).ok, true);
});

test('checkArtifacts refuses one changed byte in any artifact', () => {
  const tweaked = Uint8Array.from(zkey);
  tweaked[100]! ^= 1;
  const r = checkArtifacts(programId, wasm, tweaked, vkeyText);
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, /hash to program/);
  assert.equal(checkArtifacts(programId, wasm, zkey, vkeyText.replace('"groth16"', '"plonk"')).ok, false);
  assert.equal(checkArtifacts(programId, wasm, zkey, '{not json').ok, false);
});

test('the cache downloads once, then serves from disk (also in a new process)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pm-artifacts-'));
  try {
    const client = fakeClient({ wasm, zkey, vkey: vkeyText });
    const cache = new ArtifactCache(root, client);
    const [a, b] = await Promise.all([cache.get(programId), cache.get(programId)]);
    assert.equal(a, b);
    assert.equal(a.system, 'groth16');
    assert.deepEqual(readFileSync(a.zkeyPath), zkey);
    assert.equal(client.calls.length, 3, 'concurrent gets share one download');
    const again = new ArtifactCache(root, client);
    await again.get(programId);
    assert.equal(client.calls.length, 3, 'a fresh cache reuses the files on disk');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a tampered download is an ArtifactError and is never written or used', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pm-artifacts-'));
  try {
    const bad = Uint8Array.from(wasm);
    bad[bad.length - 1]! ^= 0xff;
    const cache = new ArtifactCache(root, fakeClient({ wasm: bad, zkey, vkey: vkeyText }));
    await assert.rejects(cache.get(programId), (e: unknown) => e instanceof ArtifactError && /rejected/.test(e.message));
    assert.equal(existsSync(join(root, programId)), false);
    await assert.rejects(cache.get('../../etc'), ArtifactError);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an external program: its system is the backend its hashed vkey names, whatever its artifacts are', async () => {
  const vkey = withBackend('snarkjs-cli', JSON.parse(vkeyText));
  const extId = artifactHashes({ wasm, zkey, vkey }).program_id;
  assert.notEqual(extId, programId, 'the same circuit files under another backend are another program');
  assert.deepEqual(checkArtifacts(extId, wasm, zkey, JSON.stringify(vkey)), { ok: true, system: 'snarkjs-cli' });
  // A zkVM program: an ELF, no proving key, a vkey that is not a snarkjs key.
  const elf = new TextEncoder().encode('\x7fELF…');
  const picoVkey = withBackend('koalabear', { elf_sha256: 'ab' });
  const picoId = artifactHashes({ wasm: elf, zkey: new Uint8Array(), vkey: picoVkey }).program_id;
  assert.deepEqual(checkArtifacts(picoId, elf, new Uint8Array(), JSON.stringify(picoVkey)), { ok: true, system: 'koalabear' });
  const noSystem = { elf_sha256: 'ab' };
  const r = checkArtifacts(artifactHashes({ wasm: elf, zkey: new Uint8Array(), vkey: noSystem }).program_id, elf, new Uint8Array(), JSON.stringify(noSystem));
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, /names no known proof system/);

  const root = mkdtempSync(join(tmpdir(), 'pm-artifacts-'));
  try {
    const got = await new ArtifactCache(root, fakeClient({ wasm: elf, zkey: new Uint8Array(), vkey: JSON.stringify(picoVkey) })).get(picoId);
    assert.equal(got.system, 'koalabear');
    assert.deepEqual(JSON.parse(readFileSync(got.vkeyPath, 'utf8')), picoVkey);
    assert.equal(readFileSync(got.zkeyPath).length, 0);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a damaged file on disk is dropped and downloaded again', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pm-artifacts-'));
  try {
    const client = fakeClient({ wasm, zkey, vkey: vkeyText });
    const first = await new ArtifactCache(root, client).get(programId);
    writeFileSync(first.zkeyPath, 'garbage');
    const second = await new ArtifactCache(root, client).get(programId);
    assert.equal(client.calls.length, 6);
    assert.deepEqual(readFileSync(second.zkeyPath), zkey);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
