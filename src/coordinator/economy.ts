import type { Clock } from '../domain/clock.ts';
import { conflict, forbidden, invalid, notFound } from '../domain/errors.ts';
import { accounts, coversNewLock, plan, subscriptionShare, type EconomicsConfig } from '../domain/ledger.ts';
import type { Db, Queryable } from '../store/db.ts';
import * as ledger from '../store/ledger.ts';
import * as provers from '../store/provers.ts';
import type { TaskRecord } from '../store/tasks.ts';
import type { SubscriptionRecord } from '../store/subscriptions.ts';
import { insertAudit } from '../store/audit.ts';

/**
 * The market's money, by rule: escrow when a request is made, a lock of the winner's stake when it is
 * assigned, payment only for a verified proof, refunds, unstaking with a delay, and slashes for missed
 * deadlines. Every method that is part of a task transition takes the caller's transaction, so the money
 * moves with the status change or not at all. The plans are pure (src/domain/ledger.ts); this class reads
 * what they need and applies them.
 */
export class Economy {
  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly config: EconomicsConfig,
  ) {}

  // ── accounts ─────────────────────────────────────────────────────────────────────────────────────

  async deposit(address: string, amount: bigint, kind: 'deposit' | 'faucet' = 'deposit'): Promise<void> {
    if (kind === 'faucet' && amount > this.config.faucetMax) throw invalid('faucet_limit', `the faucet grants at most ${this.config.faucetMax} per call`);
    await ledger.applyMovement(this.db, plan.deposit(address, amount, kind), this.clock.now());
  }

  /**
   * Withdraws from `address`'s balance, or from a prover's earnings when `proverId` is given: its owner only
   * (`signer`; undefined for an unsigned call in --open mode).
   */
  async withdraw(address: string, amount: bigint, proverId: string | undefined, signer: string | undefined): Promise<void> {
    let from = accounts.balance(address);
    if (proverId !== undefined) {
      await this.requireOwner(this.db, proverId, signer);
      from = accounts.earnings(proverId);
    }
    await ledger.applyMovement(this.db, plan.withdraw(address, from, amount), this.clock.now());
  }

  async account(address: string) {
    const owned = await this.db.query<{ prover_id: string }>(`SELECT prover_id FROM provers WHERE owner = $1 OR (owner IS NULL AND prover_id = $1) ORDER BY prover_id`, [address]);
    const names = [accounts.balance(address), ...owned.flatMap(({ prover_id: p }) => proverAccounts(p))];
    const b = await ledger.balances(this.db, names);
    return {
      address,
      balance: b.get(accounts.balance(address))!.toString(),
      provers: owned.map(({ prover_id: p }) => ({ prover_id: p, ...proverBalances(b, p) })),
      entries: (await ledger.entriesOf(this.db, names, 50)).map((e) => ({ ...e, at: e.at.toISOString() })),
    };
  }

  // ── stake ────────────────────────────────────────────────────────────────────────────────────────

  /** The account a prover's stake comes from and returns to: its owner's, or (registered unsigned, --open) its own id's. */
  static ownerOf(p: { prover_id: string; owner: string | null }): string {
    return p.owner ?? p.prover_id;
  }

  async requireOwner(q: Queryable, proverId: string, actor: string | undefined): Promise<provers.ProverRecord> {
    const p = await provers.getProver(q, proverId);
    if (!p) throw notFound('prover_not_found', `no prover with id "${proverId}"`);
    // Unsigned calls reach here only in --open mode, where they act for the prover itself.
    if (actor !== undefined && actor !== Economy.ownerOf(p)) throw forbidden('not_owner', `only the owner of prover "${proverId}" may do this`);
    return p;
  }

  async stake(proverId: string, actor: string | undefined, amount: bigint): Promise<StakeView> {
    const p = await this.requireOwner(this.db, proverId, actor);
    await ledger.applyMovement(this.db, plan.stake(proverId, Economy.ownerOf(p), amount), this.clock.now());
    return this.stakeView(proverId);
  }

  /** Moves free stake to unstaking; the scheduler pays it to the owner once the delay has passed. */
  async unstake(proverId: string, actor: string | undefined, amount: bigint): Promise<StakeView> {
    await this.requireOwner(this.db, proverId, actor);
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await ledger.applyMovement(tx, plan.unstake(proverId, amount), now);
      await ledger.insertUnstake(tx, proverId, amount, now, new Date(now.getTime() + this.config.unstakeDelayMs));
    });
    return this.stakeView(proverId);
  }

  async stakeView(proverId: string): Promise<StakeView> {
    const b = await ledger.balances(this.db, proverAccounts(proverId));
    return {
      prover_id: proverId,
      ...proverBalances(b, proverId),
      min_stake_to_bid: this.config.minStakeToBid.toString(),
      locks: (await ledger.openLocksOf(this.db, proverId)).map((l) => ({ lock_id: l.lock_id, request_id: l.task_id, amount: l.amount.toString(), locked_at: l.locked_at.toISOString() })),
      unstakes: (await ledger.unstakesOf(this.db, proverId)).map((u) => ({ ...u, requested_at: u.requested_at.toISOString(), available_at: u.available_at.toISOString(), paid_at: u.paid_at?.toISOString() ?? null })),
    };
  }

  /** Pays out unstakes whose delay has passed (the scheduler's sweep). */
  async payDueUnstakes(tx: Queryable, now: Date): Promise<number> {
    const due = await ledger.lockDueUnstakes(tx, now);
    for (const u of due) {
      const p = await provers.getProver(tx, u.prover_id);
      await ledger.applyMovement(tx, plan.unstakePaid(u.unstake_id, u.prover_id, Economy.ownerOf({ prover_id: u.prover_id, owner: p?.owner ?? null }), BigInt(u.amount)), now);
      await ledger.markUnstakePaid(tx, u.unstake_id, now);
    }
    return due.length;
  }

  /**
   * May this prover act in auctions for a request asking `minStake`? It needs the market's minimum stake to
   * bid (free plus locked) and free stake covering the request (overcommit protection). Answers the reason
   * it may not, or null.
   */
  async stakeProblem(q: Queryable, proverId: string, minStake: bigint): Promise<'stake_below_minimum' | 'stake_insufficient' | null> {
    if (this.config.minStakeToBid === 0n && minStake === 0n) return null;
    const b = await ledger.balances(q, [accounts.stake(proverId), accounts.locked(proverId)]);
    const free = b.get(accounts.stake(proverId))!;
    const locked = b.get(accounts.locked(proverId))!;
    if (free + locked < this.config.minStakeToBid) return 'stake_below_minimum';
    if (minStake > 0n && !coversNewLock(free, locked, minStake, this.config.overcommitBps)) return 'stake_insufficient';
    return null;
  }

  // ── a request's money, inside its transitions ──────────────────────────────────────────────────────

  /** Escrows a new request's fee from its requester's balance (402 insufficient_funds if it cannot). */
  async escrow(tx: Queryable, taskId: string, requester: string, amount: bigint, now: Date): Promise<void> {
    if (amount > 0n) await ledger.applyMovement(tx, plan.escrow(taskId, requester, amount), now);
  }

  /** The winner's stake is locked for this assignment (overcommit-checked again, under the caller's transaction). */
  async lockStake(tx: Queryable, task: TaskRecord, proverId: string, now: Date): Promise<void> {
    if (task.min_stake === 0n) return;
    const problem = await this.stakeProblem(tx, proverId, task.min_stake);
    if (problem) throw conflict(problem, `prover "${proverId}" has not enough free stake to take request "${task.task_id}" (it asks ${task.min_stake})`);
    await ledger.applyMovement(tx, plan.lock(task.task_id, proverId, task.min_stake), now);
    await ledger.insertLock(tx, task.task_id, proverId, task.min_stake, now);
  }

  /** The assignment ended without a missed deadline (delivered, handed back, lapsed): its stake is free again. */
  async releaseStake(tx: Queryable, task: { task_id: string; min_stake: bigint }, now: Date): Promise<void> {
    if (task.min_stake === 0n) return; // nothing was locked for it
    const taskId = task.task_id;
    const lock = await ledger.openLockOf(tx, taskId);
    if (!lock) return;
    await ledger.closeLock(tx, lock.lock_id, 'released', now);
    await ledger.applyMovement(tx, plan.unlock(taskId, lock.prover_id, lock.amount, lock.lock_id), now);
  }

  /**
   * The holder missed its deadline (`deadline`: when it had to deliver). Slashed once, and only after the
   * deadline and within the slash window; outside the window the lock is only released.
   */
  async slashStake(tx: Queryable, task: TaskRecord, deadline: Date, now: Date): Promise<ledger.Slash | undefined> {
    if (task.min_stake === 0n) return undefined;
    const lock = await ledger.openLockOf(tx, task.task_id);
    if (!lock) return undefined;
    const late = now.getTime() - deadline.getTime();
    if (late < 0 || late > this.config.slashWindowMs) {
      await this.releaseStake(tx, task, now);
      return undefined;
    }
    const m = plan.slash({ lockId: lock.lock_id, taskId: task.task_id, proverId: lock.prover_id, requester: task.requester, locked: lock.amount, slashBps: this.config.slashBps, burnBps: this.config.slashBurnBps });
    const slash = await ledger.insertSlash(tx, { lock_id: lock.lock_id, task_id: task.task_id, prover_id: lock.prover_id, amount: m.slashed, to_requester: m.toRequester, burned: m.burned, at: now });
    if (!slash) return undefined; // already slashed: never twice
    await ledger.closeLock(tx, lock.lock_id, 'slashed', now);
    await ledger.applyMovement(tx, m, now);
    return slash;
  }

  /** A verified proof: pay the winner its price less the fee, refund the rest, free its stake. */
  async settle(tx: Queryable, task: TaskRecord, proverId: string, price: bigint, now: Date): Promise<void> {
    const escrowed = await ledger.balance(tx, accounts.escrow(task.task_id));
    if (escrowed > 0n || price > 0n) {
      await ledger.applyMovement(tx, plan.settle({ taskId: task.task_id, requester: task.requester, proverId, escrowed, price: price > escrowed ? escrowed : price, feeBps: this.config.protocolFeeBps }), now);
    }
    await this.releaseStake(tx, task, now);
  }

  /** The request ended unfulfilled: the whole escrow back to its requester. Answers the amount. */
  async refund(tx: Queryable, task: TaskRecord, now: Date): Promise<bigint> {
    const escrowed = await ledger.balance(tx, accounts.escrow(task.task_id));
    if (escrowed > 0n) await ledger.applyMovement(tx, plan.refund(task.task_id, task.requester, escrowed), now);
    return escrowed;
  }

  // ── subscriptions ────────────────────────────────────────────────────────────────────────────────

  async chargeSubscription(tx: Queryable, sub: SubscriptionRecord, now: Date): Promise<void> {
    if (sub.fee > 0n) await ledger.applyMovement(tx, plan.subscriptionFee(sub.subscription_id, sub.requester, sub.fee), now);
  }

  /** One proof under a subscription: its even share of the fee to the prover. */
  async releaseSubscriptionShare(tx: Queryable, sub: SubscriptionRecord, taskId: string, now: Date): Promise<void> {
    const share = subscriptionShare(sub.fee, sub.quota);
    const left = await ledger.balance(tx, accounts.subscriptionEscrow(sub.subscription_id));
    const amount = share > left ? left : share;
    if (amount > 0n) await ledger.applyMovement(tx, plan.subscriptionRelease({ subscriptionId: sub.subscription_id, proverId: sub.prover_id, amount, feeBps: this.config.protocolFeeBps, key: `subscription_release:${taskId}` }), now);
  }

  /** At the end of its period, whatever is left of a subscription's fee goes to its prover. */
  async closeSubscription(tx: Queryable, sub: SubscriptionRecord, now: Date): Promise<void> {
    const left = await ledger.balance(tx, accounts.subscriptionEscrow(sub.subscription_id));
    if (left > 0n) await ledger.applyMovement(tx, plan.subscriptionRelease({ subscriptionId: sub.subscription_id, proverId: sub.prover_id, amount: left, feeBps: this.config.protocolFeeBps, key: `subscription_end:${sub.subscription_id}` }), now);
  }

  // ── the operator ─────────────────────────────────────────────────────────────────────────────────

  async reverseSlash(slashId: string, operator: string, reason: string): Promise<ledger.Slash> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const s = await ledger.getSlash(tx, slashId, true);
      if (!s) throw notFound('slash_not_found', `no slash with id "${slashId}"`);
      if (s.reversed_at) throw conflict('slash_already_reversed', `slash ${slashId} was reversed at ${s.reversed_at.toISOString()}`);
      await ledger.applyMovement(tx, plan.slashReversal(s.slash_id, s.prover_id, BigInt(s.burned), BigInt(s.to_requester)), now);
      await ledger.markSlashReversed(tx, s.slash_id, operator, reason, now);
      await insertAudit(tx, { at: now, actor: operator, action: 'reverse_slash', target: s.slash_id, reason, detail: { prover_id: s.prover_id, amount: s.amount } });
      return (await ledger.getSlash(tx, slashId))!;
    });
  }
}

/** A prover's four accounts: free stake, locked stake, unstaking, earnings. */
const proverAccounts = (p: string) => [accounts.stake(p), accounts.locked(p), accounts.unstaking(p), accounts.earnings(p)];

function proverBalances(b: Map<string, bigint>, p: string) {
  return {
    stake: b.get(accounts.stake(p))!.toString(),
    locked: b.get(accounts.locked(p))!.toString(),
    unstaking: b.get(accounts.unstaking(p))!.toString(),
    earnings: b.get(accounts.earnings(p))!.toString(),
  };
}

export interface StakeView {
  prover_id: string;
  stake: string;
  locked: string;
  unstaking: string;
  earnings: string;
  min_stake_to_bid: string;
  locks: Array<{ lock_id: string; request_id: string; amount: string; locked_at: string }>;
  unstakes: Array<Record<string, unknown>>;
}
