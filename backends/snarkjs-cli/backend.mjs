#!/usr/bin/env node
// proofmarket external backend over snarkjs's own command-line tool (node_modules/.bin/snarkjs): real
// `snarkjs <groth16|plonk|fflonk> fullprove` and `verify` runs. Usage: backend.mjs prove|verify, with the
// protocol's JSON document on stdin (src/proofs/backends/README.md).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SNARKJS = fileURLToPath(new URL('../../node_modules/.bin/snarkjs', import.meta.url));
const ZKEY_PROTOCOLS = { 1: 'groth16', 2: 'plonk', 10: 'fflonk' };

/** Exit 2: the backend itself failed (not a verdict on the proof). */
function error(message) {
  process.stderr.write(`snarkjs-cli: ${message}\n`);
  process.exit(2);
}

/** The proof system a zkey is for: section 1 of the file holds its protocol id. */
function zkeyProtocol(path) {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    if (head.toString('latin1', 0, 4) !== 'zkey') error(`${path} is not a snarkjs zkey`);
    const sections = head.readUInt32LE(8);
    let pos = 12;
    const sec = Buffer.alloc(16);
    for (let i = 0; i < sections; i++) {
      readSync(fd, sec, 0, 16, pos);
      const type = sec.readUInt32LE(0);
      const size = Number(sec.readBigUInt64LE(4));
      if (type === 1) return ZKEY_PROTOCOLS[sec.readUInt32LE(12)] ?? error(`unknown zkey protocol ${sec.readUInt32LE(12)}`);
      pos += 12 + size;
    }
    return error(`${path} has no header section`);
  } finally {
    closeSync(fd);
  }
}

/** Runs the snarkjs CLI; it exits 1 both for an invalid proof and for any error it throws. */
function snarkjs(args, cwd) {
  const r = spawnSync(process.execPath, [SNARKJS, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) error(`cannot run snarkjs: ${r.error.message}`);
  const output = `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  return { code: r.status, output, last: output.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '' };
}

let doc;
try {
  doc = JSON.parse(readFileSync(0, 'utf8'));
} catch (err) {
  error(`stdin is not a JSON document: ${err.message}`);
}
if (doc.protocol !== 1) error(`unsupported protocol version ${JSON.stringify(doc.protocol)}`);
const dir = doc.work_dir;
const op = process.argv[2];

if (op === 'prove') {
  const system = zkeyProtocol(doc.program.zkey_path);
  writeFileSync(join(dir, 'input.json'), JSON.stringify(doc.input));
  const r = snarkjs([system, 'fullprove', 'input.json', doc.program.wasm_path, doc.program.zkey_path, 'proof.json', 'public.json'], dir);
  if (r.code !== 0) {
    process.stderr.write(`snarkjs ${system} fullprove failed: ${r.last}\n`);
    process.exit(1);
  }
  const proof = JSON.parse(readFileSync(join(dir, 'proof.json'), 'utf8'));
  const publicSignals = JSON.parse(readFileSync(join(dir, 'public.json'), 'utf8'));
  process.stdout.write(JSON.stringify({ proof, public_signals: publicSignals.map(String) }));
} else if (op === 'verify') {
  let vkey;
  try {
    vkey = JSON.parse(readFileSync(doc.program.vkey_path, 'utf8'));
  } catch (err) {
    error(`cannot read the verification key: ${err.message}`);
  }
  const system = vkey.protocol;
  if (!['groth16', 'plonk', 'fflonk'].includes(system)) error(`the verification key is not a snarkjs key (protocol ${JSON.stringify(system)})`);
  writeFileSync(join(dir, 'proof.json'), JSON.stringify(doc.proof));
  writeFileSync(join(dir, 'public.json'), JSON.stringify(doc.public_signals));
  const r = snarkjs([system, 'verify', doc.program.vkey_path, 'public.json', 'proof.json'], dir);
  if (r.code === 0) {
    process.stdout.write(JSON.stringify({ valid: true }));
    process.exit(0);
  }
  // The key was read above, so what snarkjs could not parse is the proof or its signals: invalid, not an error.
  const thrown = r.output.split('\n').find((l) => l.includes('[ERROR]'))?.replace(/^.*snarkJS:\s*/, '');
  const reason = /invalid proof/i.test(r.output) ? `snarkjs ${system} verify: invalid proof` : `snarkjs ${system} verify could not check the proof: ${thrown ?? r.last}`;
  process.stdout.write(JSON.stringify({ valid: false, reason: reason.slice(0, 300) }));
  process.exit(1);
} else {
  error('usage: backend.mjs prove|verify < protocol document');
}
