// Re-checking a settled request from content ids alone (`proofmarket audit`): fetch each piece by CID, check its
// hash, check the pieces agree, and verify the proof again through the proof-system backends (src/proofs), so
// any backend the registry knows (snarkjs's, external ones, ezkl) is re-verified the same way. The coordinator is
// trusted for availability only: every byte it serves is hashed here.
import { Value } from '@sinclair/typebox/value';
import { AuditRecord } from '../api/artifacts.ts';
import { sha256Hex } from '../proofs/canonical.ts';
import { decodeProof, type ProofEnvelope } from '../proofs/envelope.ts';
import type { VerifyJob, VerifyOutcome } from '../proofs/verifier.ts';
import { cidOfBytes } from './cid.ts';
import { checkModel } from './audit-model.ts';

export interface AuditCheck {
  check: string;
  ok: boolean;
  detail: string;
}

export interface AuditReport {
  verdict: 'PASS' | 'FAIL';
  audit_cid: string;
  request_id: string | null;
  checks: AuditCheck[];
}

export interface AuditSources {
  /** The bytes a coordinator serves for a CID, unchecked (this module checks them). */
  fetch(cid: string): Promise<Uint8Array>;
  /** Verification through the backends (a `Verifier`'s verifyRaw). */
  verify(job: VerifyJob): Promise<VerifyOutcome>;
  /** The proof systems the backends know (to decode the envelope). */
  systems: readonly string[];
}

const text = (b: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(b);
const sameSignals = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((s, i) => s === b[i]);

/** Audits the record at `auditCid`; `requestId`, when given, must be the record's. Never throws for bad data. */
export async function auditByCid(auditCid: string, src: AuditSources, requestId?: string): Promise<AuditReport> {
  const checks: AuditCheck[] = [];
  const note = (check: string, ok: boolean, detail: string) => (checks.push({ check, ok, detail }), ok);
  const report = (): AuditReport => ({ verdict: checks.every((c) => c.ok) && checks.length > 0 ? 'PASS' : 'FAIL', audit_cid: auditCid, request_id: record?.request_id ?? null, checks });
  let record: AuditRecord | undefined;

  /** A piece by CID, its bytes hashed here; undefined (and a failed check) when unavailable or not those bytes. */
  const piece = async (name: string, cid: string): Promise<Uint8Array | undefined> => {
    let bytes: Uint8Array;
    try {
      bytes = await src.fetch(cid);
    } catch (err) {
      return void note(name, false, `${cid} could not be fetched: ${(err as Error).message}`);
    }
    const actual = await cidOfBytes(bytes);
    return note(name, actual === cid, actual === cid ? `${cid} (${bytes.length} bytes, hash checked)` : `${cid} was served as bytes that hash to ${actual}`) ? bytes : undefined;
  };

  const recordBytes = await piece('audit record', auditCid);
  if (!recordBytes) return report();
  try {
    const doc: unknown = JSON.parse(text(recordBytes));
    if (!Value.Check(AuditRecord, doc)) throw new Error([...Value.Errors(AuditRecord, doc)].slice(0, 2).map((e) => `${e.path} ${e.message}`).join('; '));
    record = doc;
  } catch (err) {
    note('audit record format', false, `not an audit record: ${(err as Error).message}`);
    return report();
  }
  note('audit record format', true, record.format);
  if (requestId !== undefined) note('request', record.request_id === requestId, `the record is of request ${record.request_id}`);

  const program = await checkProgram(record, piece, note);
  const envelope = await checkProof(record, src, piece, note);
  if (program && envelope) await reverify(record, program, envelope, src, note);
  if (program && record.model) await checkModel(record, program, piece, note);
  note('verdict recorded', record.verdict.result === 'Pass', `the coordinator recorded ${record.verdict.result} at ${record.verdict.verified_at}`);
  return report();
}

type Piece = (name: string, cid: string) => Promise<Uint8Array | undefined>;
type Note = (check: string, ok: boolean, detail: string) => boolean;

/** The program's artifacts by CID, the vk among them, and the program id recomputed from them. */
async function checkProgram(r: AuditRecord, piece: Piece, note: Note): Promise<Map<string, Uint8Array> | undefined> {
  const artifacts = new Map<string, Uint8Array>();
  for (const [kind, cid] of Object.entries(r.program.artifacts)) {
    const bytes = await piece(`program ${kind}`, cid);
    if (bytes) artifacts.set(kind, bytes);
  }
  const vk = artifacts.get('vkey');
  if (!note('verification key', r.vk_cid === r.program.artifacts.vkey && vk !== undefined, `vk ${r.vk_cid} ${r.vk_cid === r.program.artifacts.vkey ? 'is' : 'is not'} the program's vkey`)) return undefined;
  const wasm = artifacts.get('wasm');
  const zkey = artifacts.get('zkey');
  if (!wasm || !zkey) return void note('program id', false, 'the program\'s wasm and zkey are needed to recompute its id');
  const id = sha256Hex(sha256Hex(wasm) + sha256Hex(zkey) + sha256Hex(vk!));
  return note('program id', id === r.program.program_id, `sha256(sha256(wasm) ‖ sha256(zkey) ‖ sha256(vkey)) = ${id}`) ? artifacts : undefined;
}

/** The proof envelope and the public signals, each by CID, and the record's own copy: all three must agree. */
async function checkProof(r: AuditRecord, src: AuditSources, piece: Piece, note: Note): Promise<ProofEnvelope | undefined> {
  const proofBytes = await piece('proof', r.proof_cid);
  const signalBytes = await piece('public signals', r.public_signals_cid);
  if (!proofBytes || !signalBytes) return undefined;
  const decoded = decodeProof(proofBytes, src.systems);
  if (!note('proof envelope', decoded.ok && decoded.envelope.system === r.program.proof_system, decoded.ok ? `a ${decoded.envelope.system} proof (the program's system: ${r.program.proof_system})` : decoded.reason)) return undefined;
  const envelope = (decoded as { envelope: ProofEnvelope }).envelope;
  let stored: unknown;
  try {
    stored = JSON.parse(text(signalBytes));
  } catch {
    stored = undefined;
  }
  const agree = Array.isArray(stored) && sameSignals(stored as string[], r.public_signals) && sameSignals(envelope.public_signals, r.public_signals);
  return note('signals agree', agree, agree ? `${r.public_signals.length} signals: the record's, the stored ones and the proof's agree` : 'the record, the stored public signals and the proof disagree') ? envelope : undefined;
}

async function reverify(r: AuditRecord, artifacts: Map<string, Uint8Array>, envelope: ProofEnvelope, src: AuditSources, note: Note): Promise<void> {
  let vkey: unknown;
  try {
    vkey = JSON.parse(text(artifacts.get('vkey')!));
  } catch {
    return void note('proof verifies', false, 'the verification key is not JSON');
  }
  const artifact = async (kind: string) => {
    const bytes = artifacts.get(kind);
    if (!bytes) throw new Error(`the record names no ${kind} artifact`);
    return bytes;
  };
  const outcome = await src.verify({ system: envelope.system, vkey, publicSignals: r.public_signals, proof: envelope.proof, artifact });
  note('proof verifies', outcome.pass, outcome.pass ? `${envelope.system} verification passed here, in ${outcome.ms.toFixed(0)} ms` : `verification failed: ${outcome.reason ?? 'invalid proof'}`);
}
