import type { Clock } from '../domain/clock.ts';
import { conflict, forbidden, invalid, notFound } from '../domain/errors.ts';
import { accounts, plan, type EconomicsConfig } from '../domain/ledger.ts';
import { stakeProblem } from '../domain/kernel/transitions.ts';
import { stakeOf } from './transitions.ts';
import type { Db, Queryable } from '../store/db.ts';
import * as ledger from '../store/ledger.ts';
import * as provers from '../store/provers.ts';
import type { SubscriptionRecord } from '../store/subscriptions.ts';
import { insertAudit } from '../store/audit.ts';

/**
 * The market's money outside a request's transitions: deposits, withdrawals, stake and unstaking with a
 * delay, subscriptions' fees, the operator's slash reversals, and the stake rules bidders are held to. (A
 * request's own money — escrow, stake locks, settlement, refunds, slashes — moves in its transitions' plans:
 * src/domain/kernel.) The movements are pure (src/domain/ledger.ts); this class reads what they need and
 * applies them.
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
    const owned = await provers.ownedBy(this.db, address);
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
    if (this.config.minStakeToBid === 0n && minStake === 0n) return null; // nothing asked: no balance to read
    return stakeProblem(await stakeOf(q, proverId), minStake, this.config);
  }

  // ── subscriptions ────────────────────────────────────────────────────────────────────────────────

  async chargeSubscription(tx: Queryable, sub: SubscriptionRecord, now: Date): Promise<void> {
    if (sub.fee > 0n) await ledger.applyMovement(tx, plan.subscriptionFee(sub.subscription_id, sub.requester, sub.fee), now);
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
