/**
 * The ledger's rules, pure: which accounts exist, and which balanced entries each economic event writes.
 * The store applies a movement atomically (all its entries or none) and refuses one that would take an
 * account below zero, so the planners here only say what should move; they never read balances themselves
 * except through their arguments.
 *
 * Money is `bigint` base units. Basis points (bps) are parts of 10,000.
 */
import type { ChainMovementKind } from './chain-mirror.ts';
import { invalid } from './errors.ts';

/** Where money can be. Addresses and ids are as the market stores them (addresses in lower case). */
export const accounts = {
  /** The world outside the market: deposits come from it, withdrawals go back to it. May go negative. */
  external: 'external',
  /** A participant's free funds. */
  balance: (who: string) => `balance:${who}`,
  /** A request's fee, held from its creation until it is settled or refunded. */
  escrow: (taskId: string) => `escrow:${taskId}`,
  /** A subscription's fee, released to its prover per proof or at the end of the period. */
  subscriptionEscrow: (subscriptionId: string) => `escrow:subscription:${subscriptionId}`,
  /** A container job's price, held from its funding until it is accepted (paid) or refunded. */
  jobEscrow: (jobId: string) => `escrow:job:${jobId}`,
  /** A prover's collateral, free to back new work. */
  stake: (proverId: string) => `stake:${proverId}`,
  /** Collateral locked behind assignments (each lock is a row of stake_locks). */
  locked: (proverId: string) => `locked:${proverId}`,
  /** Collateral on its way out: slashable until the unstake delay has passed. */
  unstaking: (proverId: string) => `unstaking:${proverId}`,
  /** What a prover earned for verified proofs, withdrawable by its owner. */
  earnings: (proverId: string) => `earnings:${proverId}`,
  /** Protocol fees. */
  treasury: 'treasury',
  /** Slashed collateral destroyed (kept as an account so every unit stays accounted for). */
  burned: 'burned',
} as const;

/**
 * An account in user words, for messages people read ("the earnings of prover p1", not "earnings:p1"); the
 * ids stay in the /v1 JSON fields documented as account ids.
 */
export function describeAccount(account: string): string {
  if (account.startsWith('chain:')) {
    const rest = account.slice('chain:'.length); // the chain mirror's accounts (domain/chain-mirror.ts)
    return `${rest.startsWith('job:') ? `the escrow of job ${rest.slice(4)}` : describeAccount(rest)} on chain`;
  }
  const [kind, ...rest] = account.split(':');
  const id = rest.join(':');
  if (kind === 'escrow') {
    if (id.startsWith('subscription:')) return `the escrow of subscription ${id.slice('subscription:'.length)}`;
    if (id.startsWith('job:')) return `the escrow of job ${id.slice('job:'.length)}`;
    return `the escrow of request ${id}`;
  }
  const words: Record<string, string> = {
    balance: `the balance of ${id}`,
    stake: `the free stake of prover ${id}`,
    locked: `the locked stake of prover ${id}`,
    unstaking: `the unstaking stake of prover ${id}`,
    earnings: `the earnings of prover ${id}`,
    external: 'the outside world',
    treasury: "the market's treasury",
    burned: 'the burned (slashed) collateral',
  };
  return words[kind!] ?? account;
}

export type MovementKind =
  | 'deposit'
  | 'faucet'
  | 'withdraw'
  | 'escrow'
  | 'settle'
  | 'refund'
  | 'stake'
  | 'unstake'
  | 'unstake_paid'
  | 'lock'
  | 'unlock'
  | 'slash'
  | 'slash_reversal'
  | 'subscription_fee'
  | 'subscription_release'
  | ChainMovementKind;

export interface Posting {
  account: string;
  /** Positive credits the account, negative debits it. */
  amount: bigint;
}

/** One atomic, balanced set of postings, with what caused it. */
export interface Movement {
  kind: MovementKind;
  cause_type: 'request' | 'prover' | 'account' | 'slash' | 'subscription' | 'unstake' | 'job';
  cause_id: string;
  /** Set for movements that must happen at most once (a settlement, a refund, a slash). */
  idempotency_key?: string;
  postings: Posting[];
}

/** The economic settings of a market. */
export interface EconomicsConfig {
  /** Protocol fee on each clearing price, to the treasury. */
  protocolFeeBps: number;
  /** Stake (free and locked) a prover must have to bid at all. */
  minStakeToBid: bigint;
  /** A prover may take a request if free stake ≥ min_stake + locked × overcommitBps / 10000. */
  overcommitBps: number;
  /** Share of the locked stake taken from a winner that missed its deadline. */
  slashBps: number;
  /** Share of a slash that is burned; the rest compensates the requester. */
  slashBurnBps: number;
  /** After the deadline, how long a missed assignment may still be slashed (a coordinator down longer only releases it). */
  slashWindowMs: number;
  /** How long unstaked collateral stays slashable before it is paid out. */
  unstakeDelayMs: number;
  /** Largest faucet grant (open/dev mode only). */
  faucetMax: bigint;
}

export const DEFAULT_ECONOMICS: EconomicsConfig = {
  protocolFeeBps: 100,
  minStakeToBid: 0n,
  overcommitBps: 10_000,
  slashBps: 10_000,
  slashBurnBps: 5_000,
  slashWindowMs: 7 * 24 * 3_600_000,
  unstakeDelayMs: 24 * 3_600_000,
  faucetMax: 1_000_000_000_000n,
};

export function bpsOf(amount: bigint, bps: number): bigint {
  return (amount * BigInt(bps)) / 10_000n;
}

/** True when the postings sum to zero and none is zero. */
export function isBalanced(postings: readonly Posting[]): boolean {
  return postings.reduce((s, p) => s + p.amount, 0n) === 0n;
}

/** Postings with one entry per account (amounts summed) and zero entries dropped, in account order. */
export function netPostings(postings: readonly Posting[]): Posting[] {
  const by = new Map<string, bigint>();
  for (const p of postings) by.set(p.account, (by.get(p.account) ?? 0n) + p.amount);
  return [...by].filter(([, a]) => a !== 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([account, amount]) => ({ account, amount }));
}

/** A payment to a prover: `amount` less the protocol fee to its earnings, the fee to the treasury. */
const paid = (proverId: string, amount: bigint, feeBps: number): Posting[] => {
  const fee = bpsOf(amount, feeBps);
  return [
    { account: accounts.earnings(proverId), amount: amount - fee },
    { account: accounts.treasury, amount: fee },
  ];
};

const move = (from: string, to: string, amount: bigint): Posting[] => [
  { account: from, amount: -amount },
  { account: to, amount },
];

function positive(amount: bigint, what: string): void {
  if (amount <= 0n) throw invalid('invalid_amount', `${what} must be a positive number of base units`);
}

export const plan = {
  deposit(address: string, amount: bigint, kind: 'deposit' | 'faucet' = 'deposit'): Movement {
    positive(amount, 'amount');
    return { kind, cause_type: 'account', cause_id: address, postings: move(accounts.external, accounts.balance(address), amount) };
  },
  withdraw(address: string, from: string, amount: bigint): Movement {
    positive(amount, 'amount');
    return { kind: 'withdraw', cause_type: 'account', cause_id: address, postings: move(from, accounts.external, amount) };
  },
  /** A new request's fee (its maximum price, or its re-auction ceiling) leaves the requester's balance. */
  escrow(taskId: string, requester: string, amount: bigint): Movement {
    return { kind: 'escrow', cause_type: 'request', cause_id: taskId, idempotency_key: `escrow:${taskId}`, postings: move(accounts.balance(requester), accounts.escrow(taskId), amount) };
  },
  /**
   * A verified proof: the prover gets the clearing price less the protocol fee, the treasury the fee, the
   * requester the rest of the escrow. `escrowed` is what the escrow account holds.
   */
  settle(s: { taskId: string; requester: string; proverId: string; escrowed: bigint; price: bigint; feeBps: number }): Movement {
    if (s.price > s.escrowed) throw new Error(`settle: price ${s.price} exceeds the escrow ${s.escrowed} of ${s.taskId}`);
    return {
      kind: 'settle',
      cause_type: 'request',
      cause_id: s.taskId,
      idempotency_key: `settle:${s.taskId}`,
      postings: [
        { account: accounts.escrow(s.taskId), amount: -s.escrowed },
        ...paid(s.proverId, s.price, s.feeBps),
        { account: accounts.balance(s.requester), amount: s.escrowed - s.price },
      ],
    };
  },
  /** The whole escrow back to the requester (expired, cancelled, no winner, too many failed proofs). */
  refund(taskId: string, requester: string, escrowed: bigint): Movement {
    return { kind: 'refund', cause_type: 'request', cause_id: taskId, idempotency_key: `refund:${taskId}`, postings: move(accounts.escrow(taskId), accounts.balance(requester), escrowed) };
  },
  stake(proverId: string, owner: string, amount: bigint): Movement {
    positive(amount, 'amount');
    return { kind: 'stake', cause_type: 'prover', cause_id: proverId, postings: move(accounts.balance(owner), accounts.stake(proverId), amount) };
  },
  unstake(proverId: string, amount: bigint): Movement {
    positive(amount, 'amount');
    return { kind: 'unstake', cause_type: 'prover', cause_id: proverId, postings: move(accounts.stake(proverId), accounts.unstaking(proverId), amount) };
  },
  unstakePaid(unstakeId: string, proverId: string, owner: string, amount: bigint): Movement {
    return { kind: 'unstake_paid', cause_type: 'unstake', cause_id: unstakeId, idempotency_key: `unstake_paid:${unstakeId}`, postings: move(accounts.unstaking(proverId), accounts.balance(owner), amount) };
  },
  lock(taskId: string, proverId: string, amount: bigint): Movement {
    return { kind: 'lock', cause_type: 'request', cause_id: taskId, postings: move(accounts.stake(proverId), accounts.locked(proverId), amount) };
  },
  unlock(taskId: string, proverId: string, amount: bigint, lockId: string): Movement {
    return { kind: 'unlock', cause_type: 'request', cause_id: taskId, idempotency_key: `unlock:${lockId}`, postings: move(accounts.locked(proverId), accounts.stake(proverId), amount) };
  },
  /**
   * A winner missed its deadline: `slashBps` of its lock is taken, `slashBurnBps` of that burned and the
   * rest paid to the requester; what is not slashed returns to the prover's free stake.
   */
  slash(s: { lockId: string; taskId: string; proverId: string; requester: string; locked: bigint; slashBps: number; burnBps: number }): Movement & { slashed: bigint; burned: bigint; toRequester: bigint } {
    const slashed = bpsOf(s.locked, s.slashBps);
    const burned = bpsOf(slashed, s.burnBps);
    const toRequester = slashed - burned;
    return {
      kind: 'slash',
      cause_type: 'request',
      cause_id: s.taskId,
      idempotency_key: `slash:${s.lockId}`,
      postings: [
        { account: accounts.locked(s.proverId), amount: -s.locked },
        { account: accounts.stake(s.proverId), amount: s.locked - slashed },
        { account: accounts.burned, amount: burned },
        { account: accounts.balance(s.requester), amount: toRequester },
      ],
      slashed,
      burned,
      toRequester,
    };
  },
  /**
   * The operator reverses a slash: the prover's stake gets the slashed amount back, from the burned account
   * and, for the requester's compensation (which may be spent already), from the treasury.
   */
  slashReversal(slashId: string, proverId: string, burned: bigint, toRequester: bigint): Movement {
    return {
      kind: 'slash_reversal',
      cause_type: 'slash',
      cause_id: slashId,
      idempotency_key: `slash_reversal:${slashId}`,
      postings: [
        { account: accounts.burned, amount: -burned },
        { account: accounts.treasury, amount: -toRequester },
        { account: accounts.stake(proverId), amount: burned + toRequester },
      ],
    };
  },
  /** A container job is funded: its price leaves the requester's balance for the job's escrow. */
  jobEscrow(jobId: string, requester: string, amount: bigint): Movement {
    return { kind: 'escrow', cause_type: 'job', cause_id: jobId, idempotency_key: `escrow:job:${jobId}`, postings: move(accounts.balance(requester), accounts.jobEscrow(jobId), amount) };
  },
  /**
   * A job's results are accepted: its provider's balance gets `price` less the protocol fee (a provider is an
   * address, which withdraws its balance with its key), the treasury the fee, the requester the rest.
   */
  jobSettle(s: { jobId: string; requester: string; provider: string; escrowed: bigint; price: bigint; feeBps: number }): Movement {
    if (s.price > s.escrowed) throw new Error(`jobSettle: price ${s.price} exceeds the escrow ${s.escrowed} of ${s.jobId}`);
    const fee = bpsOf(s.price, s.feeBps);
    return {
      kind: 'settle',
      cause_type: 'job',
      cause_id: s.jobId,
      idempotency_key: `settle:job:${s.jobId}`,
      postings: [
        { account: accounts.jobEscrow(s.jobId), amount: -s.escrowed },
        { account: accounts.balance(s.provider), amount: s.price - fee },
        { account: accounts.treasury, amount: fee },
        { account: accounts.balance(s.requester), amount: s.escrowed - s.price },
      ],
    };
  },
  /** A job's whole escrow back to its requester (cancelled, failed, expired). */
  jobRefund(jobId: string, requester: string, escrowed: bigint): Movement {
    return { kind: 'refund', cause_type: 'job', cause_id: jobId, idempotency_key: `refund:job:${jobId}`, postings: move(accounts.jobEscrow(jobId), accounts.balance(requester), escrowed) };
  },
  subscriptionFee(subscriptionId: string, requester: string, fee: bigint): Movement {
    return { kind: 'subscription_fee', cause_type: 'subscription', cause_id: subscriptionId, idempotency_key: `subscription_fee:${subscriptionId}`, postings: move(accounts.balance(requester), accounts.subscriptionEscrow(subscriptionId), fee) };
  },
  /** Part of a subscription's fee to its prover (less the protocol fee): per proof, or the rest at period end. */
  subscriptionRelease(s: { subscriptionId: string; proverId: string; amount: bigint; feeBps: number; key: string }): Movement {
    return {
      kind: 'subscription_release',
      cause_type: 'subscription',
      cause_id: s.subscriptionId,
      idempotency_key: s.key,
      postings: [
        { account: accounts.subscriptionEscrow(s.subscriptionId), amount: -s.amount },
        ...paid(s.proverId, s.amount, s.feeBps),
      ],
    };
  },
};

/**
 * Overcommit protection: may a prover with this free and locked stake take one more request that asks
 * `minStake`? Its free stake must cover the new lock plus `overcommitBps` of what it already has locked.
 */
export function coversNewLock(free: bigint, locked: bigint, minStake: bigint, overcommitBps: number): boolean {
  return free >= minStake + bpsOf(locked, overcommitBps);
}

/** Per-proof release of a subscription's fee: an even share of the quota (the rest at period end). */
export function subscriptionShare(fee: bigint, quota: number | null): bigint {
  return quota === null || quota <= 0 ? 0n : fee / BigInt(quota);
}
