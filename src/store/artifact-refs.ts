// What the database knows of the artifact store: the CIDs of a program's artifacts, a request's audit record,
// and the references an audit record gives for a settlement (the outbox event, the ledger movement).
import type { Queryable } from './db.ts';

export interface ProgramCids {
  wasm: string;
  zkey: string;
  vkey: string;
}

export async function getProgramCids(q: Queryable, programId: string): Promise<ProgramCids | undefined> {
  const rows = await q.query<{ wasm_cid: string | null; zkey_cid: string | null; vkey_cid: string | null }>(
    'SELECT wasm_cid, zkey_cid, vkey_cid FROM programs WHERE program_id = $1',
    [programId],
  );
  const r = rows[0];
  return r?.wasm_cid && r.zkey_cid && r.vkey_cid ? { wasm: r.wasm_cid, zkey: r.zkey_cid, vkey: r.vkey_cid } : undefined;
}

export async function setProgramCids(q: Queryable, programId: string, cids: ProgramCids): Promise<void> {
  await q.query('UPDATE programs SET wasm_cid = $2, zkey_cid = $3, vkey_cid = $4 WHERE program_id = $1', [programId, cids.wasm, cids.zkey, cids.vkey]);
}

/** Records a request's audit record once: a second writer (a retried result) keeps the first. */
export async function setAuditCid(q: Queryable, taskId: string, cid: string): Promise<void> {
  await q.query('UPDATE tasks SET audit_cid = $2 WHERE task_id = $1 AND audit_cid IS NULL', [taskId, cid]);
}

export async function getAuditCid(q: Queryable, taskId: string): Promise<string | null> {
  const rows = await q.query<{ audit_cid: string | null }>('SELECT audit_cid FROM tasks WHERE task_id = $1', [taskId]);
  return rows[0]?.audit_cid ?? null;
}

/** The settlement of a completed request: its `request.proof_verified` event and its payment movement, if any. */
export async function settlementRefs(q: Queryable, taskId: string): Promise<{ event_id: string | null; movement_id: string | null }> {
  const events = await q.query<{ id: string }>(
    `SELECT id::text AS id FROM events WHERE task_id = $1 AND kind = 'request.proof_verified' ORDER BY id DESC LIMIT 1`,
    [taskId],
  );
  const movements = await q.query<{ id: string }>(
    `SELECT id::text AS id FROM ledger_movements WHERE idempotency_key IN ($1, $2) ORDER BY id DESC LIMIT 1`,
    [`settle:${taskId}`, `subscription_release:${taskId}`],
  );
  return { event_id: events[0]?.id ?? null, movement_id: movements[0]?.id ?? null };
}
