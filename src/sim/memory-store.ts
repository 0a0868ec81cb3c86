import type { Plan, StakeStep } from '../domain/kernel/plan.ts';
import { accounts, isBalanced, type Movement } from '../domain/ledger.ts';
import type { ReputationObservation, StakeLock } from '../domain/request.ts';

/**
 * What src/store/plans.ts applyPlan does to PostgreSQL, done to maps: the same optimistic check on the request's
 * row, the ledger movements (balanced, no account but `external` below zero, each idempotency key once), the
 * stake lock, the observation and the event. The simulation holds only live requests; an ended one is dropped
 * by the engine once its plan is applied.
 */
export class MemoryStore {
  readonly balances = new Map<string, bigint>();
  readonly #keys = new Set<string>();
  readonly locks = new Map<string, StakeLock>();
  #lockSeq = 0;
  /** Outbox events written, by kind. */
  readonly events = new Map<string, number>();
  /** Movements applied, by kind, and the sum moved out of `external` (deposits). */
  readonly movements = new Map<string, number>();
  slashes = 0;
  slashedAmount = 0n;
  burned = 0n;

  constructor(readonly onObservation: (o: ReputationObservation) => void) {}

  balance(account: string): bigint {
    return this.balances.get(account) ?? 0n;
  }

  /** One movement, all or nothing, as store/ledger applyMovement. Throws on an unbalanced or overdrawing one. */
  applyMovement(m: Movement): void {
    if (!isBalanced(m.postings)) throw new Error(`unbalanced movement ${m.kind} for ${m.cause_id}`);
    if (m.idempotency_key !== undefined) {
      if (this.#keys.has(m.idempotency_key)) return;
      // settlement, refund and unlock keys are per request: the request is dropped once ended, so its keys may go
      if (!/^(settle|refund|escrow|unlock):/.test(m.idempotency_key)) this.#keys.add(m.idempotency_key);
    }
    for (const p of m.postings) {
      const after = this.balance(p.account) + p.amount;
      if (after < 0n && p.account !== accounts.external) throw new Error(`movement ${m.kind} for ${m.cause_id} would take ${p.account} to ${after}`);
    }
    for (const p of m.postings) {
      const after = this.balance(p.account) + p.amount;
      if (after === 0n && p.account.startsWith('escrow:')) this.balances.delete(p.account);
      else this.balances.set(p.account, after);
    }
    this.movements.set(m.kind, (this.movements.get(m.kind) ?? 0) + 1);
  }

  /**
   * Applies a plan whose request row is `current` (the engine's copy). False, with nothing written, when the row
   * no longer holds what the plan was computed from: the same condition as the UPDATE's WHERE in applyPlan.
   */
  applyPlan(current: Plan['request'] | undefined, plan: Plan): boolean {
    if (plan.op === 'move') {
      const was = plan.request;
      if (!current || current.status !== was.status || current.assigned_prover !== was.assigned_prover || current.attempts !== was.attempts) return false;
      if ((current.assigned_at?.getTime() ?? null) !== (was.assigned_at?.getTime() ?? null)) return false;
      if (current.excluded_provers.join('\u0000') !== was.excluded_provers.join('\u0000')) return false;
    } else if (current) return false;
    for (const m of plan.ledger) this.applyMovement(m);
    if (plan.stake) this.#applyStake(plan.stake, plan.request.task_id);
    if (plan.observation) this.onObservation(plan.observation);
    this.events.set(plan.event.kind, (this.events.get(plan.event.kind) ?? 0) + 1);
    return true;
  }

  /** The request's open stake lock (none without min_stake), as lockOf reads it. */
  lockOf(taskId: string): StakeLock | null {
    return this.locks.get(taskId) ?? null;
  }

  stakeOf(proverId: string): { free: bigint; locked: bigint } {
    return { free: this.balance(accounts.stake(proverId)), locked: this.balance(accounts.locked(proverId)) };
  }

  #applyStake(s: StakeStep, taskId: string): void {
    switch (s.kind) {
      case 'lock':
        this.applyMovement(s.movement);
        this.locks.set(taskId, { lock_id: `lock-${++this.#lockSeq}`, task_id: taskId, prover_id: s.prover_id, amount: s.amount, locked_at: new Date(0), state: 'locked' });
        return;
      case 'release':
        if (this.locks.get(taskId)?.lock_id !== s.lock.lock_id) return;
        this.locks.delete(taskId);
        this.applyMovement(s.movement);
        return;
      case 'slash':
        if (this.locks.get(taskId)?.lock_id !== s.lock.lock_id) return; // slashed or released already: never twice
        this.locks.delete(taskId);
        this.applyMovement(s.movement);
        this.slashes++;
        this.slashedAmount += s.amount;
        this.burned += s.burned;
        return;
    }
  }

  /** Σ of every account: 0 when no unit was created or destroyed (`external` is minus what came in). */
  total(): bigint {
    let t = 0n;
    for (const v of this.balances.values()) t += v;
    return t;
  }
}
