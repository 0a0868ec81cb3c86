// A job's stake locks: rows of stake_locks naming the job (migration 011), applied from a JobPlan's stake steps.
import type { JobStakeStep } from '../domain/jobs/stake.ts';
import type { StakeLock } from '../domain/request.ts';
import type { Queryable } from './db.ts';
import { applyMovement, closeLock, insertSlash } from './ledger.ts';

type LockRow = Omit<StakeLock, 'amount'> & { amount: string };
const LOCK_COLUMNS = `lock_id::text, job_id AS task_id, prover_id, amount::text, locked_at, state`;
const lockOf = (r: LockRow): StakeLock => ({ ...r, amount: BigInt(r.amount) });

/** A provider's open lock behind a job (its `task_id` is the job id), locked for update. */
export async function openJobLock(q: Queryable, jobId: string, provider: string): Promise<StakeLock | null> {
  const [row] = await q.query<LockRow>(`SELECT ${LOCK_COLUMNS} FROM stake_locks WHERE job_id = $1 AND prover_id = $2 AND state = 'locked' FOR UPDATE`, [jobId, provider]);
  return row ? lockOf(row) : null;
}

/** Every open lock behind a job (the runs of a redundant job), locked for update. */
export async function openJobLocks(q: Queryable, jobId: string): Promise<StakeLock[]> {
  const rows = await q.query<LockRow>(`SELECT ${LOCK_COLUMNS} FROM stake_locks WHERE job_id = $1 AND state = 'locked' ORDER BY lock_id FOR UPDATE`, [jobId]);
  return rows.map(lockOf);
}

export async function applyJobStake(q: Queryable, jobId: string, steps: readonly JobStakeStep[], at: Date): Promise<void> {
  for (const s of steps) {
    switch (s.kind) {
      case 'lock':
        await applyMovement(q, s.movement, at);
        await q.query(`INSERT INTO stake_locks (job_id, prover_id, amount, locked_at, state) VALUES ($1, $2, $3, $4, 'locked')`, [jobId, s.provider, s.amount.toString(), at]);
        break;
      case 'release':
        if (await closeLock(q, s.lock.lock_id, 'released', at)) await applyMovement(q, s.movement, at);
        break;
      case 'slash': {
        const slash = await insertSlash(q, { lock_id: s.lock.lock_id, task_id: jobId, prover_id: s.lock.prover_id, amount: s.amount, to_requester: s.to_requester, burned: s.burned, at });
        if (!slash) break; // slashed already: never twice
        await closeLock(q, s.lock.lock_id, 'slashed', at);
        await applyMovement(q, s.movement, at);
        break;
      }
    }
  }
}
