import { AUDIT_FORMAT, type AuditRecord } from '../../api/artifacts.ts';
import { canonicalJson, sha256Hex } from '../../proofs/canonical.ts';
import { decodeProof } from '../../proofs/envelope.ts';
import { getTask } from '../../store/tasks.ts';
import { setAuditCid, settlementRefs } from '../../store/artifact-refs.ts';
import { modelOfProgram } from '../../store/models.ts';
import type { MarketDeps } from './deps.ts';

/** The verification that settled the request, as the audit record states it. */
export interface SettledVerdict {
  verified_at: Date;
  verify_ms: number;
  quality_score: number;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/**
 * Writes a settled request's audit record (api/artifacts.ts AuditRecord) to the artifact store, with the pieces it
 * names — the proof as sent, its public signals, the program's artifacts — and records its CID on the request.
 * Answers the audit CID. Idempotent: the same settlement gives the same record, and the first CID recorded stays.
 */
export async function recordAudit(deps: Pick<MarketDeps, 'db' | 'programs' | 'artifacts' | 'backends'>, requestId: string, proof: Uint8Array, verdict: SettledVerdict): Promise<string> {
  const task = await getTask(deps.db, requestId);
  if (!task || task.status !== 'completed' || !task.assigned_prover) throw new Error(`request ${requestId} is not settled with a verified proof`);
  const program = await deps.programs.get(task.program_id);
  const decoded = decodeProof(proof, deps.backends.proofSystems());
  if (!decoded.ok) throw new Error(`the settled proof of ${requestId} does not decode: ${decoded.reason}`);
  const signals = decoded.envelope.public_signals;
  const artifacts = await deps.programs.artifactCids(program.program_id, deps.artifacts);
  const settlement = await settlementRefs(deps.db, requestId);
  const record: AuditRecord = {
    format: AUDIT_FORMAT,
    request_id: task.task_id,
    requester: task.requester,
    prover_id: task.assigned_prover,
    program: { program_id: program.program_id, proof_system: program.proof_system, input_encoding: program.input_encoding, artifacts: { ...artifacts } },
    vk_cid: artifacts.vkey,
    input: { sha256: sha256Hex(task.circuit_data), size: task.circuit_data.length },
    public_signals: signals,
    public_signals_cid: (await deps.artifacts.put(utf8(JSON.stringify(signals)))).cid,
    proof_cid: (await deps.artifacts.put(proof)).cid,
    verdict: { result: 'Pass', verified_at: verdict.verified_at.toISOString(), verify_ms: verdict.verify_ms, quality_score: verdict.quality_score },
    settlement: { ...settlement, price: task.price?.toString() ?? null },
    model: await modelOf(deps, program.program_id),
  };
  const { cid } = await deps.artifacts.put(utf8(canonicalJson(record)));
  await setAuditCid(deps.db, requestId, cid);
  return cid;
}

/** A zkML request's model version: its id, weights commitment and artifacts by CID; null for circuits. */
async function modelOf(deps: Pick<MarketDeps, 'db'>, programId: string): Promise<AuditRecord['model']> {
  const m = await modelOfProgram(deps.db, programId);
  return m ? { id: m.model_id, commitment: m.commitment, artifacts: { ...m.cids } } : null;
}
