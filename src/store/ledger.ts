import { MarketError } from '../domain/errors.ts';
import type { StakeLock } from '../domain/request.ts';
import { describeAccount, isBalanced, netPostings, type Movement } from '../domain/ledger.ts';
import type { Queryable } from './db.ts';

/** A movement was refused because it would take an account below zero. */
export class InsufficientFunds extends MarketError {
  constructor(readonly account: string, message: string) {
    super('payment_required', 'insufficient_funds', message);
  }
}

/**
 * Applies a movement in one statement (atomic even outside a transaction): the movement row, its entries and
 * the balances. The accounts that exist are locked in account order first, so two movements never wait on each
 * other's rows in opposite orders (no deadlock on PostgreSQL), and updated; the others are upserted with the
 * amount (on PostgreSQL another transaction may create the same account meanwhile: a credit then waits for it and
 * adds to its row instead of failing). A debit of an account this statement cannot see yet fails like any
 * overdraft (PostgreSQL checks the proposed row's balance before the conflict). Returns false, having written nothing, when a movement with the same idempotency key was already
 * applied. A balance that would go below zero fails the statement (the accounts_not_negative check) and raises
 * InsufficientFunds.
 */
export async function applyMovement(q: Queryable, m: Movement, at: Date): Promise<boolean> {
  if (!isBalanced(m.postings)) throw new Error(`unbalanced ${m.kind} movement for ${m.cause_id}`);
  const postings = netPostings(m.postings);
  if (postings.length === 0) return true;
  const names = postings.map((p) => p.account);
  try {
    const rows = await q.query<{ id: string }>(APPLY_MOVEMENT, [m.kind, m.cause_type, m.cause_id, m.idempotency_key ?? null, at, names, postings.map((p) => p.amount.toString())]);
    return rows.length === 1;
  } catch (err) {
    if ((err as { code?: string }).code === '23514') {
      const short = postings.find((p) => p.amount < 0n)?.account ?? 'an account';
      throw new InsufficientFunds(short, insufficientMessage(m, postings));
    }
    throw err;
  }
}

const APPLY_MOVEMENT = `WITH l AS (
    SELECT account FROM accounts WHERE account = ANY($6::text[]) ORDER BY account FOR UPDATE
  ), m AS (
    INSERT INTO ledger_movements (kind, cause_type, cause_id, idempotency_key, at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (idempotency_key) DO NOTHING RETURNING id
  ), p AS (
    SELECT * FROM unnest($6::text[], $7::numeric[]) AS p (account, amount)
  ), e AS (
    INSERT INTO ledger_entries (movement_id, account, amount) SELECT m.id, p.account, p.amount FROM m, p
  ), u AS (
    UPDATE accounts a SET balance = a.balance + p.amount FROM m, p WHERE a.account = p.account
  ), n AS (
    INSERT INTO accounts (account, balance) SELECT p.account, p.amount FROM m, p WHERE p.account NOT IN (SELECT account FROM l)
    ON CONFLICT (account) DO UPDATE SET balance = accounts.balance + EXCLUDED.balance
  )
  SELECT id::text FROM m`;

function insufficientMessage(m: Movement, postings: { account: string; amount: bigint }[]): string {
  const debits = postings.filter((p) => p.amount < 0n).map((p) => `${-p.amount} from ${describeAccount(p.account)}`);
  return `not enough funds for this ${m.kind.replace(/_/g, ' ')}: it needs ${debits.join(' and ')}`;
}

export async function balances(q: Queryable, names: readonly string[]): Promise<Map<string, bigint>> {
  const rows = await q.query<{ account: string; balance: string }>(`SELECT account, balance::text FROM accounts WHERE account = ANY($1::text[])`, [names]);
  const out = new Map<string, bigint>(names.map((n) => [n, 0n]));
  for (const r of rows) out.set(r.account, BigInt(r.balance));
  return out;
}

export async function balance(q: Queryable, name: string): Promise<bigint> {
  return (await balances(q, [name])).get(name)!;
}

/** Accounts whose name starts with `prefix` (e.g. `stake:`), with their balances. */
export async function accountsLike(q: Queryable, prefix: string): Promise<Map<string, bigint>> {
  const rows = await q.query<{ account: string; balance: string }>(`SELECT account, balance::text FROM accounts WHERE starts_with(account, $1) ORDER BY account`, [prefix]);
  return new Map(rows.map((r) => [r.account, BigInt(r.balance)]));
}

export interface EntryView {
  movement_id: string;
  kind: string;
  cause_type: string | null;
  cause_id: string | null;
  at: Date;
  account: string;
  amount: string;
}

/** The newest entries touching these accounts. */
export async function entriesOf(q: Queryable, names: readonly string[], limit = 50): Promise<EntryView[]> {
  return q.query<EntryView>(
    `SELECT m.id::text AS movement_id, m.kind, m.cause_type, m.cause_id, m.at, e.account, e.amount::text AS amount
     FROM ledger_entries e JOIN ledger_movements m ON m.id = e.movement_id
     WHERE e.account = ANY($1::text[]) ORDER BY e.id DESC LIMIT $2`,
    [names, limit],
  );
}

/** Movements with their entries, for one cause (a request's escrow, settlement and refund). */
export async function movementsFor(q: Queryable, causeType: string, causeId: string): Promise<Array<{ id: string; kind: string; at: Date; entries: Array<{ account: string; amount: string }> }>> {
  const rows = await q.query<{ id: string; kind: string; at: Date; account: string; amount: string }>(
    `SELECT m.id::text AS id, m.kind, m.at, e.account, e.amount::text AS amount
     FROM ledger_movements m JOIN ledger_entries e ON e.movement_id = m.id
     WHERE m.cause_type = $1 AND m.cause_id = $2 ORDER BY m.id, e.id`,
    [causeType, causeId],
  );
  const out: Array<{ id: string; kind: string; at: Date; entries: Array<{ account: string; amount: string }> }> = [];
  for (const r of rows) {
    let last = out[out.length - 1];
    if (last?.id !== r.id) out.push((last = { id: r.id, kind: r.kind, at: r.at, entries: [] }));
    last.entries.push({ account: r.account, amount: r.amount });
  }
  return out;
}

/**
 * The ledger's self-check: every movement balanced, every balance the sum of its entries, no negative
 * account but `external`, and the market's accounts summing to deposits minus withdrawals.
 */
export async function audit(q: Queryable): Promise<LedgerAudit> {
  const [totals] = await q.query<{ total: string; external: string; negative: number; accounts: number }>(
    `SELECT COALESCE(sum(balance) FILTER (WHERE account <> 'external'), 0)::text AS total,
            COALESCE(sum(balance) FILTER (WHERE account = 'external'), 0)::text AS external,
            count(*) FILTER (WHERE balance < 0 AND account <> 'external')::int AS negative,
            count(*)::int AS accounts
     FROM accounts`,
  );
  const [flows] = await q.query<{ deposits: string; withdrawals: string }>(
    `SELECT COALESCE(-sum(e.amount) FILTER (WHERE m.kind IN ('deposit', 'faucet', 'chain_deposit', 'chain_job_deposit')), 0)::text AS deposits,
            COALESCE(sum(e.amount) FILTER (WHERE m.kind IN ('withdraw', 'chain_withdraw', 'chain_job_release')), 0)::text AS withdrawals
     FROM ledger_entries e JOIN ledger_movements m ON m.id = e.movement_id WHERE e.account = 'external'`,
  );
  const [unbalanced] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT movement_id FROM ledger_entries GROUP BY movement_id HAVING sum(amount) <> 0) u`,
  );
  const [drift] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM accounts a
     LEFT JOIN (SELECT account, sum(amount) AS s FROM ledger_entries GROUP BY account) e ON e.account = a.account
     WHERE a.balance <> COALESCE(e.s, 0)`,
  );
  const [orphanLocks] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM stake_locks l JOIN tasks t ON t.task_id = l.task_id
     WHERE l.state = 'locked' AND (t.status NOT IN ('assigned', 'in_progress') OR t.assigned_prover IS DISTINCT FROM l.prover_id)`,
  );
  const [unbacked] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tasks t
     WHERE t.status IN ('assigned', 'in_progress') AND t.min_stake > 0
       AND NOT EXISTS (SELECT 1 FROM stake_locks l WHERE l.task_id = t.task_id AND l.state = 'locked' AND l.prover_id = t.assigned_prover)`,
  );
  const [lockSums] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT p.prover_id FROM provers p
       LEFT JOIN (SELECT prover_id, sum(amount) AS s FROM stake_locks WHERE state = 'locked' GROUP BY prover_id) l ON l.prover_id = p.prover_id
       LEFT JOIN accounts a ON a.account = 'locked:' || p.prover_id
       WHERE COALESCE(l.s, 0) <> COALESCE(a.balance, 0)) x`,
  );
  // a job's locks (migration 011) live while the job is matched or running, and back every such job that asks stake
  const [jobLocks] = await q.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM stake_locks l JOIN jobs j ON j.job_id = l.job_id WHERE l.state = 'locked' AND j.status NOT IN ('MATCHED', 'RUNNING'))
          + (SELECT count(*) FROM jobs j WHERE j.status IN ('MATCHED', 'RUNNING') AND j.min_stake > 0 AND j.provider IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM stake_locks l WHERE l.job_id = j.job_id AND l.prover_id = j.provider AND l.state = 'locked')) AS n`,
  );
  const deposits = BigInt(flows!.deposits);
  const withdrawals = BigInt(flows!.withdrawals);
  const total = BigInt(totals!.total);
  const problems: string[] = [];
  if (total !== deposits - withdrawals) problems.push(`the accounts hold ${total}, but deposits minus withdrawals is ${deposits - withdrawals}`);
  if (total + BigInt(totals!.external) !== 0n) problems.push('the balances do not sum to zero');
  if (totals!.negative > 0) problems.push(`${totals!.negative} account(s) below zero`);
  if (unbalanced!.n > 0) problems.push(`${unbalanced!.n} unbalanced movement(s)`);
  if (drift!.n > 0) problems.push(`${drift!.n} balance(s) differ from the sum of their entries`);
  if (orphanLocks!.n > 0) problems.push(`${orphanLocks!.n} stake lock(s) without a live assignment`);
  if (unbacked!.n > 0) problems.push(`${unbacked!.n} assignment(s) whose stake is not locked`);
  if (Number(jobLocks!.n) > 0) problems.push(`${jobLocks!.n} job stake lock(s) without a live job, or matched job(s) whose stake is not locked`);
  if (lockSums!.n > 0) problems.push(`${lockSums!.n} prover(s) whose locked account differs from their open locks`);
  return { ok: problems.length === 0, problems, total: total.toString(), deposits: deposits.toString(), withdrawals: withdrawals.toString(), accounts: totals!.accounts };
}

export interface LedgerAudit {
  ok: boolean;
  problems: string[];
  total: string;
  deposits: string;
  withdrawals: string;
  accounts: number;
}

// ── stake locks, unstakes, slashes ──────────────────────────────────────────────────────────────────

export type { StakeLock };

type LockRow = Omit<StakeLock, 'amount'> & { amount: string };
const lockOf = (r: LockRow): StakeLock => ({ ...r, amount: BigInt(r.amount) });

export async function insertLock(q: Queryable, taskId: string, proverId: string, amount: bigint, at: Date): Promise<StakeLock> {
  const [row] = await q.query<LockRow>(
    `INSERT INTO stake_locks (task_id, prover_id, amount, locked_at, state) VALUES ($1, $2, $3, $4, 'locked')
     RETURNING lock_id::text, task_id, prover_id, amount::text, locked_at, state`,
    [taskId, proverId, amount.toString(), at],
  );
  return lockOf(row!);
}

/** The open lock of a request, locked for update. */
export async function openLockOf(q: Queryable, taskId: string): Promise<StakeLock | undefined> {
  const [row] = await q.query<LockRow>(
    `SELECT lock_id::text, task_id, prover_id, amount::text, locked_at, state FROM stake_locks WHERE task_id = $1 AND state = 'locked' FOR UPDATE`,
    [taskId],
  );
  return row && lockOf(row);
}

export async function closeLock(q: Queryable, lockId: string, state: 'released' | 'slashed', at: Date): Promise<boolean> {
  const rows = await q.query(`UPDATE stake_locks SET state = $2, closed_at = $3 WHERE lock_id = $1 AND state = 'locked' RETURNING lock_id`, [lockId, state, at]);
  return rows.length === 1;
}

export async function openLocksOf(q: Queryable, proverId: string): Promise<StakeLock[]> {
  const rows = await q.query<LockRow>(
    `SELECT lock_id::text, COALESCE(task_id, job_id) AS task_id, prover_id, amount::text, locked_at, state FROM stake_locks WHERE prover_id = $1 AND state = 'locked' ORDER BY lock_id`,
    [proverId],
  );
  return rows.map(lockOf);
}

export interface Slash {
  slash_id: string;
  lock_id: string;
  task_id: string;
  prover_id: string;
  amount: string;
  to_requester: string;
  burned: string;
  at: Date;
  reversed_at: Date | null;
  reversed_by: string | null;
  reversal_reason: string | null;
}

const SLASH_COLUMNS = `slash_id::text, lock_id::text, task_id, prover_id, amount::text, to_requester::text, burned::text, at, reversed_at, reversed_by, reversal_reason`;

export async function insertSlash(q: Queryable, s: { lock_id: string; task_id: string; prover_id: string; amount: bigint; to_requester: bigint; burned: bigint; at: Date }): Promise<Slash | undefined> {
  const [row] = await q.query<Slash>(
    `INSERT INTO slashes (lock_id, task_id, prover_id, amount, to_requester, burned, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (lock_id) DO NOTHING RETURNING ${SLASH_COLUMNS}`,
    [s.lock_id, s.task_id, s.prover_id, s.amount.toString(), s.to_requester.toString(), s.burned.toString(), s.at],
  );
  return row;
}

export async function getSlash(q: Queryable, slashId: string, forUpdate = false): Promise<Slash | undefined> {
  if (!/^\d{1,18}$/.test(slashId)) return undefined;
  const [row] = await q.query<Slash>(`SELECT ${SLASH_COLUMNS} FROM slashes WHERE slash_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [slashId]);
  return row;
}

export async function listSlashes(q: Queryable, f: { prover_id?: string; limit?: number } = {}): Promise<Slash[]> {
  return q.query<Slash>(
    `SELECT ${SLASH_COLUMNS} FROM slashes WHERE ($1::text IS NULL OR prover_id = $1) ORDER BY slash_id DESC LIMIT $2`,
    [f.prover_id ?? null, f.limit ?? 100],
  );
}

export async function markSlashReversed(q: Queryable, slashId: string, by: string, reason: string, at: Date): Promise<boolean> {
  const rows = await q.query(`UPDATE slashes SET reversed_at = $2, reversed_by = $3, reversal_reason = $4 WHERE slash_id = $1 AND reversed_at IS NULL RETURNING slash_id`, [slashId, at, by, reason]);
  return rows.length === 1;
}

export interface Unstake {
  unstake_id: string;
  prover_id: string;
  amount: string;
  requested_at: Date;
  available_at: Date;
  state: 'pending' | 'paid';
  paid_at: Date | null;
}

const UNSTAKE_COLUMNS = `unstake_id::text, prover_id, amount::text, requested_at, available_at, state, paid_at`;

export async function insertUnstake(q: Queryable, proverId: string, amount: bigint, at: Date, availableAt: Date): Promise<Unstake> {
  const [row] = await q.query<Unstake>(
    `INSERT INTO unstakes (prover_id, amount, requested_at, available_at, state) VALUES ($1, $2, $3, $4, 'pending') RETURNING ${UNSTAKE_COLUMNS}`,
    [proverId, amount.toString(), at, availableAt],
  );
  return row!;
}

/** Unstakes whose delay has passed, locked (SKIP LOCKED: one coordinator pays each). */
export async function lockDueUnstakes(q: Queryable, now: Date, limit = 100): Promise<Unstake[]> {
  return q.query<Unstake>(
    `SELECT ${UNSTAKE_COLUMNS} FROM unstakes WHERE state = 'pending' AND available_at <= $1 ORDER BY available_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
}

export async function markUnstakePaid(q: Queryable, unstakeId: string, at: Date): Promise<void> {
  await q.query(`UPDATE unstakes SET state = 'paid', paid_at = $2 WHERE unstake_id = $1`, [unstakeId, at]);
}

export async function unstakesOf(q: Queryable, proverId: string): Promise<Unstake[]> {
  return q.query<Unstake>(`SELECT ${UNSTAKE_COLUMNS} FROM unstakes WHERE prover_id = $1 ORDER BY unstake_id DESC LIMIT 50`, [proverId]);
}
