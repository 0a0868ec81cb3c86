#!/usr/bin/env node
// proofmarket prove command for Pico (Brevis's RISC-V zkVM): translates the external protocol
// (src/proofs/backends/README.md) into a `cargo pico prove` run. Usage: prove.mjs --field kb|bb.
//
// The program's "wasm" artifact is the guest's ELF (built with `cargo pico build`). The guest's stdin is
// `input.stdin_hex` (hex bytes) when the circuit input has it, else the UTF-8 JSON of the input.
// Output: proof = {format, field, embed_proofs (Pico's proof.json)}, public_signals = the guest's public
// values stream (Pico's pv_file), one decimal string per byte.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function error(message) {
  process.stderr.write(`pico: ${message}\n`);
  process.exit(2);
}

const i = process.argv.indexOf('--field');
const field = i > 0 ? process.argv[i + 1] : undefined;
if (field !== 'kb' && field !== 'bb') error('usage: prove.mjs --field kb|bb < protocol document');

let doc;
try {
  doc = JSON.parse(readFileSync(0, 'utf8'));
} catch (err) {
  error(`stdin is not a JSON document: ${err.message}`);
}
if (doc.protocol !== 1 || doc.op !== 'prove') error('expected a protocol 1 prove document');
const dir = doc.work_dir;
const elf = doc.program?.wasm_path;
if (!elf || !existsSync(elf)) error('the program file (ELF) is missing');

const hex = doc.input?.stdin_hex;
let stdin;
if (typeof hex === 'string') {
  const digits = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) error('input.stdin_hex is not hex bytes');
  stdin = Buffer.from(digits, 'hex');
} else {
  stdin = Buffer.from(JSON.stringify(doc.input ?? {}), 'utf8');
}
const stdinPath = join(dir, 'stdin.bin');
writeFileSync(stdinPath, stdin);

// `cargo pico prove` reads the Cargo package of its working directory even with --elf and --output, so it
// runs in a scratch package of its own (an empty [workspace] keeps it out of any enclosing workspace).
const pkg = join(dir, 'pkg');
mkdirSync(join(pkg, 'src'), { recursive: true });
writeFileSync(join(pkg, 'Cargo.toml'), '[package]\nname = "proofmarket-pico-job"\nversion = "0.0.0"\nedition = "2021"\n\n[workspace]\n');
writeFileSync(join(pkg, 'src', 'lib.rs'), '');
const out = join(dir, 'pico_out');
mkdirSync(out, { recursive: true });

const r = spawnSync('cargo', ['pico', 'prove', '--elf', elf, '--input', stdinPath, '--field', field, '--output', out], {
  cwd: pkg,
  encoding: 'utf8',
  maxBuffer: 256 << 20,
});
if (r.error) error(`cannot run cargo pico: ${r.error.message}`);
if (r.status !== 0) {
  const last = `${r.stdout}\n${r.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean).at(-1) ?? '';
  process.stderr.write(`cargo pico prove --field ${field} failed (exit ${r.status}): ${last}\n`);
  process.exit(1);
}
const proofFile = join(out, 'proof.json');
if (!existsSync(proofFile)) error('cargo pico prove wrote no proof.json');
const embedProofs = JSON.parse(readFileSync(proofFile, 'utf8'));
const pvFile = join(out, 'pv_file');
const pvHex = existsSync(pvFile) ? readFileSync(pvFile, 'utf8').trim().replace(/^0x/, '') : '';
const publicSignals = [...Buffer.from(pvHex, 'hex')].map(String);
process.stdout.write(JSON.stringify({ proof: { format: 'pico-embed-proof/1', field, embed_proofs: embedProofs }, public_signals: publicSignals }));
