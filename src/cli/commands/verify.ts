import { readFileSync } from 'node:fs';
import * as snarkjs from 'snarkjs';
import { decodeProof, PROOF_SYSTEMS, type ProofEnvelope } from '../../proofs/envelope.ts';
import { canonicalJson, sha256Hex } from '../../proofs/canonical.ts';
import { loadBuiltinPrograms, systemOfVkey } from '../../proofs/programs.ts';
import { isSnarkjsSystem, loadBackends } from '../../proofs/backends/registry.ts';
import { externalVerify } from '../../proofs/backends/external.ts';
import { parse } from '../args.ts';
import { CliError, EXIT, usage, fileError } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, note, openContext, paint, positionalArgs, type Context } from '../context.ts';
import { terminateCurves } from '../shutdown.ts';

export const help = `proofmarket verify — check a proof offline, on this machine

Verifies a proof file (what proofmarket proof and request --wait save: {"system", "proof", "public_signals"})
with snarkjs against the program's verification key. No coordinator is needed: the key comes from
  - --vkey FILE, if given (a snarkjs verification key JSON); else
  - the built-in programs shipped with proofmarket (circuits/), found by program id or by name; else
  - the coordinator, only when --coordinator URL is given on the command line: the downloaded key is checked
    against the program id (which hashes it), so the coordinator cannot substitute another key.
Without any of these it fails and says so, rather than contacting a coordinator behind your back.

Options:
  --program ID           the program the proof is for: a program id, or a built-in program's name
                         (data-commitment, range-proof; the proof's system picks the variant) or name/system
                         (default: the program_id recorded in the proof file)
  --vkey FILE            the verification key to use

${GLOBAL_HELP}

Exit codes: 0 the proof is valid, 1 it is not (or cannot be checked here), 2 bad usage, 4 a file missing,
unreadable or not a proof.

Example:
  proofmarket verify proof.json --program data-commitment
  proofmarket verify proof.json --program <program_id> --vkey vkey.json`;

const OPTIONS = { ...GLOBAL_OPTIONS, program: { type: 'string' }, vkey: { type: 'string' } } as const;

interface Key {
  vkey: unknown;
  /** The program's proof system, when known from its record (else from the vkey). */
  system: string | undefined;
  program_id: string | null;
  name: string | null;
  source: 'file' | 'builtin' | 'coordinator';
  /** With --vkey. */
  file?: string;
}

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [file] = positionalArgs(positionals, ['proof.json'], 'verify');
  const { envelope, programId: recorded } = readProofFile(file!);
  const program = v.program ?? recorded;
  if (program === undefined && v.vkey === undefined) throw usage('--program is required (the proof file names no program_id), or give --vkey FILE');
  const ctx = await openContext(v, { signs: false });
  const key = await findKey(ctx, program, v.vkey, envelope.system);
  try {
    const expected = key.system ?? systemOfVkey(key.vkey);
    let valid: boolean;
    let reason: string | undefined;
    if (expected !== undefined && expected !== envelope.system) {
      valid = false;
      reason = `the program is proved with ${expected}, but this is a ${envelope.system} proof`;
    } else {
      ({ valid, reason } = await check(envelope, key.vkey));
    }
    const doc = {
      valid,
      ...(reason === undefined ? {} : { reason }),
      system: envelope.system,
      program_id: key.program_id,
      program_name: key.name,
      vkey_source: key.source,
      public_signals: envelope.public_signals,
    };
    const p = paint(ctx);
    emit(ctx, doc, () => {
      if (!valid) return ctx.quiet ? 'invalid' : `${p.red('invalid')}: ${reason}`;
      if (ctx.quiet) return 'valid';
      const what = key.source === 'file' ? `under the verification key in ${key.file}` : `for ${key.name} (${key.program_id}), key from ${key.source === 'builtin' ? 'the built-in programs' : ctx.coordinatorUrl}`;
      return `${p.green('valid')}: a ${envelope.system} proof ${what}\n  public signals: ${envelope.public_signals.join(', ') || '(none)'}`;
    });
    if (!valid) throw new CliError('proof_invalid', `the proof is not valid: ${reason}`);
  } finally {
    await terminateCurves();
  }
}

/** The proof envelope from a file: the envelope itself, or a POST /tasks/result body (proof as bytes). */
function readProofFile(file: string): { envelope: ProofEnvelope; programId: string | undefined } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (err) {
    throw fileError(`the proof file ${file}`, err);
  }
  const obj = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const bytes = Array.isArray(obj.proof) && obj.proof.every((b) => Number.isInteger(b)) ? Uint8Array.from(obj.proof as number[]) : new TextEncoder().encode(JSON.stringify(doc));
  const systems = [...PROOF_SYSTEMS, ...loadBackends().names().filter((n) => !isSnarkjsSystem(n))];
  const decoded = decodeProof(bytes, systems);
  if (!decoded.ok) throw new CliError('invalid_file', `${file} is not a proof file: ${decoded.reason}`, EXIT.file);
  return { envelope: decoded.envelope, programId: typeof obj.program_id === 'string' ? obj.program_id : undefined };
}

async function findKey(ctx: Context, program: string | undefined, vkeyFile: string | undefined, system: string): Promise<Key> {
  if (vkeyFile !== undefined) {
    let vkey: unknown;
    try {
      vkey = JSON.parse(readFileSync(vkeyFile, 'utf8'));
    } catch (err) {
      throw fileError(`the verification key ${vkeyFile}`, err);
    }
    if (typeof vkey !== 'object' || vkey === null || Array.isArray(vkey)) throw new CliError('invalid_file', `${vkeyFile} is not a verification key (a JSON object)`, EXIT.file);
    return { vkey, system: undefined, program_id: program && /^[0-9a-f]{64}$/.test(program) ? program : null, name: null, source: 'file', file: vkeyFile };
  }
  const id = program!;
  const [name, variant] = id.split('/');
  const builtins = loadBuiltinPrograms(new Date());
  const builtin = /^[0-9a-f]{64}$/.test(id)
    ? builtins.find((b) => b.program_id === id)
    : builtins.find((b) => b.name === name && b.proof_system === (variant ?? system));
  if (builtin) return { vkey: builtin.vkey, system: builtin.proof_system, program_id: builtin.program_id, name: builtin.name, source: 'builtin' };
  if (!/^[0-9a-f]{64}$/.test(id)) {
    const names = [...new Set(builtins.map((b) => b.name))].join(', ');
    throw usage(`--program ${id} is neither a program id (64 hex digits) nor a built-in program with a ${variant ?? system} variant (built in: ${names})`);
  }
  if (!ctx.coordinatorExplicit) {
    throw new CliError('no_verification_key', `program ${id} is not built in, so its verification key is not on this machine: give it with --vkey FILE, or let verify download it (checked against the program id) with --coordinator URL`);
  }
  note(ctx, `program ${id} is not built in: fetching its verification key from ${ctx.coordinatorUrl}`);
  return guard(async () => {
    const meta = await ctx.client.getProgram(id);
    const vkey = JSON.parse(new TextDecoder().decode(await ctx.client.downloadArtifact(id, 'vkey'))) as unknown;
    // program_id = sha256(sha256(wasm) ‖ sha256(zkey) ‖ sha256(canonical vkey)): only the genuine key gives it.
    if (sha256Hex(meta.artifacts.wasm.sha256 + meta.artifacts.zkey.sha256 + sha256Hex(canonicalJson(vkey))) !== id) {
      throw new CliError('vkey_mismatch', `the verification key ${ctx.coordinatorUrl} sent for program ${id} does not hash to the program id: refusing to use it`);
    }
    return { vkey, system: meta.proof_system, program_id: id, name: meta.name, source: 'coordinator' as const };
  });
}

/** snarkjs throws on malformed proofs rather than answering false: that is an invalid proof here too. */
async function check(envelope: ProofEnvelope, vkey: unknown): Promise<{ valid: boolean; reason?: string }> {
  const { system } = envelope;
  if (!isSnarkjsSystem(system)) {
    const r = await externalVerify(loadBackends(), { backend: system, vkey, proof: envelope.proof, publicSignals: envelope.public_signals }, 60_000);
    if (!r.pass && r.reason?.startsWith('cannot verify')) throw new CliError('verifier_missing', `${r.reason} (offline verification of ${system} proofs needs its verifier installed here)`);
    return r.pass ? { valid: true } : { valid: false, reason: r.reason ?? 'rejected by the verifier' };
  }
  try {
    const ok = await snarkjs[system].verify(vkey as object, envelope.public_signals, envelope.proof as object);
    return ok ? { valid: true } : { valid: false, reason: "the proof does not verify under the program's verification key" };
  } catch (err) {
    return { valid: false, reason: `the proof is malformed: ${(err as Error).message ?? String(err)}`.slice(0, 300) };
  }
}
