import type { VerdictRow } from '../domain/market-series.ts';
import type { Queryable } from './db.ts';

/** The verifier's verdicts on proofs submitted in `[from, to]` (at most 200,000, the latest). */
export async function verdictsIn(q: Queryable, w: { from: Date; to: Date }): Promise<VerdictRow[]> {
  const rows = await q.query<{ at: Date; pass: boolean }>(
    `SELECT submitted_at AS at, verification_result = 'Pass' AS pass FROM proofs
     WHERE submitted_at >= $1 AND submitted_at <= $2 ORDER BY submitted_at DESC LIMIT 200000`,
    [w.from, w.to],
  );
  return rows;
}
