import type { Queryable } from './db.ts';

/** One act of the market operator: who, what, on what, and why. */
export interface AuditEntry {
  at: Date;
  actor: string;
  action: 'seed_reputation' | 'suspend_prover' | 'reinstate_prover' | 'reverse_slash';
  target: string;
  reason: string | null;
  detail: Record<string, unknown> | null;
}

export async function insertAudit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(`INSERT INTO audit_log (at, actor, action, target, reason, detail) VALUES ($1, $2, $3, $4, $5, $6)`, [
    e.at, e.actor, e.action, e.target, e.reason, e.detail === null ? null : JSON.stringify(e.detail),
  ]);
}

export async function listAudit(q: Queryable, limit = 100): Promise<Array<AuditEntry & { id: string }>> {
  return q.query(`SELECT id::text, at, actor, action, target, reason, detail FROM audit_log ORDER BY id DESC LIMIT $1`, [limit]);
}
