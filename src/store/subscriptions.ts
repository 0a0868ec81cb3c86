import type { Queryable } from './db.ts';

export interface SubscriptionRecord {
  subscription_id: string;
  requester: string;
  prover_id: string;
  period: 'monthly' | 'annual';
  fee: bigint;
  /** Proofs per period; null = unlimited. */
  quota: number | null;
  used: number;
  starts_at: Date;
  ends_at: Date;
  created_at: Date;
}

type Row = Omit<SubscriptionRecord, 'fee'> & { fee: string };
const fromRow = (r: Row): SubscriptionRecord => ({ ...r, fee: BigInt(r.fee) });
const COLUMNS = 'subscription_id, requester, prover_id, period, fee::text AS fee, quota, used, starts_at, ends_at, created_at';

export async function insertSubscription(q: Queryable, s: SubscriptionRecord): Promise<void> {
  await q.query(
    `INSERT INTO subscriptions (subscription_id, requester, prover_id, period, fee, quota, used, starts_at, ends_at, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [s.subscription_id, s.requester, s.prover_id, s.period, s.fee.toString(), s.quota, s.used, s.starts_at, s.ends_at, s.created_at],
  );
}

export async function getSubscription(q: Queryable, id: string, lock = false): Promise<SubscriptionRecord | undefined> {
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM subscriptions WHERE subscription_id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] && fromRow(rows[0]);
}

export async function useSubscription(q: Queryable, id: string): Promise<void> {
  await q.query(`UPDATE subscriptions SET used = used + 1 WHERE subscription_id = $1`, [id]);
}

/** Subscriptions whose period has ended with part of their fee still in escrow (the sweep releases it to the prover). */
export async function lockEndedWithEscrow(q: Queryable, now: Date, limit = 100): Promise<SubscriptionRecord[]> {
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM subscriptions s
     JOIN accounts a ON a.account = 'escrow:subscription:' || s.subscription_id
     WHERE s.ends_at <= $1 AND a.balance > 0 ORDER BY s.ends_at LIMIT $2 FOR UPDATE OF s SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(fromRow);
}
