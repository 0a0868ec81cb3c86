/**
 * The off-chain ledger as a mirror of the chain, pure: which balanced movement each contract event writes.
 * With `serve --chain-rpc` the contracts hold the money; the coordinator only mirrors what their events say,
 * in accounts of their own, named after the contract's storage, so the ledger's audit can compare each with the
 * contract's view function:
 *
 *   chain:balance:<address>     ProofMarket.balances(address)
 *   chain:stake:<address>       ProofMarket.stakes(address).free
 *   chain:locked:<address>      ProofMarket.stakes(address).locked
 *   chain:unstaking:<address>   ProofMarket.stakes(address).unstaking
 *   chain:escrow:<requestId>    an open request's maxPrice (requests(id), while Open)
 *   chain:burned                ProofMarket.burned()
 *   chain:job:<jobKey>          JobEscrow.getJobBalance(jobId)
 *
 * Money enters from `external` by `chain_deposit` (and `chain_job_deposit`) and leaves to it by `chain_withdraw`
 * (and a job's release or cancel): the audit's deposits-minus-withdrawals equation holds for the mirror too.
 * Addresses are lower case; request ids and job keys are 0x-prefixed bytes32 hex.
 */
import type { Movement, Posting } from './ledger.ts';

export type ChainMovementKind =
  | 'chain_deposit'
  | 'chain_withdraw'
  | 'chain_escrow'
  | 'chain_settle'
  | 'chain_refund'
  | 'chain_stake'
  | 'chain_unstake_request'
  | 'chain_unstake'
  | 'chain_lock'
  | 'chain_unlock'
  | 'chain_slash'
  | 'chain_job_deposit'
  | 'chain_job_release';

export const CHAIN_DEPOSIT_KINDS: readonly ChainMovementKind[] = ['chain_deposit', 'chain_job_deposit'];
export const CHAIN_WITHDRAW_KINDS: readonly ChainMovementKind[] = ['chain_withdraw', 'chain_job_release'];

export const chainAccounts = {
  balance: (a: string) => `chain:balance:${a.toLowerCase()}`,
  stake: (a: string) => `chain:stake:${a.toLowerCase()}`,
  locked: (a: string) => `chain:locked:${a.toLowerCase()}`,
  unstaking: (a: string) => `chain:unstaking:${a.toLowerCase()}`,
  escrow: (requestId: string) => `chain:escrow:${requestId.toLowerCase()}`,
  burned: 'chain:burned',
  job: (jobKey: string) => `chain:job:${jobKey.toLowerCase()}`,
} as const;

/** A decoded log of ProofMarket or JobEscrow: its name, its arguments as the ABI decodes them, where it is. */
export interface ChainEvent {
  source: 'proof_market' | 'job_escrow';
  name: string;
  args: Record<string, unknown>;
  blockNumber: bigint;
  logIndex: number;
  txHash: string;
}

const move = (from: string, to: string, amount: bigint): Posting[] => [
  { account: from, amount: -amount },
  { account: to, amount },
];

const big = (v: unknown): bigint => BigInt(v as bigint);
const addr = (v: unknown): string => String(v).toLowerCase();

/** The movement an event writes, or undefined when it moves no money (consent, registration, …). */
export function mirrorMovement(e: ChainEvent): Movement | undefined {
  const a = e.args;
  const m = (kind: ChainMovementKind, cause_type: Movement['cause_type'], cause_id: string, postings: Posting[]): Movement => ({
    kind: kind as Movement['kind'],
    cause_type,
    cause_id,
    idempotency_key: `chain:${e.txHash.toLowerCase()}:${e.logIndex}`,
    postings,
  });
  const id = () => String(a.requestId).toLowerCase();
  if (e.source === 'job_escrow') {
    const key = chainAccounts.job(String(a.jobKey));
    if (e.name === 'JobDeposited') return m('chain_job_deposit', 'account', addr(a.depositor), move('external', key, big(a.amount)));
    if (e.name === 'JobReleased' || e.name === 'JobCancelled') return m('chain_job_release', 'account', String(a.jobKey), move(key, 'external', big(a.amount)));
    return undefined;
  }
  switch (e.name) {
    case 'Deposited':
      return m('chain_deposit', 'account', addr(a.account), move('external', chainAccounts.balance(addr(a.account)), big(a.amount)));
    case 'Withdrawn':
      return m('chain_withdraw', 'account', addr(a.account), move(chainAccounts.balance(addr(a.account)), 'external', big(a.amount)));
    case 'RequestCreated':
      return m('chain_escrow', 'request', id(), move(chainAccounts.balance(addr(a.requester)), chainAccounts.escrow(id()), big(a.maxPrice)));
    case 'RequestCancelled':
    case 'RequestRefunded':
      return m('chain_refund', 'request', id(), move(chainAccounts.escrow(id()), chainAccounts.balance(addr(a.requester)), big(a.amount)));
    case 'Staked':
      return m('chain_stake', 'prover', addr(a.prover), move(chainAccounts.balance(addr(a.prover)), chainAccounts.stake(addr(a.prover)), big(a.amount)));
    case 'UnstakeRequested':
      return m('chain_unstake_request', 'prover', addr(a.prover), move(chainAccounts.stake(addr(a.prover)), chainAccounts.unstaking(addr(a.prover)), big(a.amount)));
    case 'Unstaked':
      return m('chain_unstake', 'prover', addr(a.prover), move(chainAccounts.unstaking(addr(a.prover)), chainAccounts.balance(addr(a.prover)), big(a.amount)));
    case 'RequestLocked':
      return m('chain_lock', 'request', id(), move(chainAccounts.stake(addr(a.prover)), chainAccounts.locked(addr(a.prover)), big(a.stakeLocked)));
    case 'StakeUnlocked':
      return m('chain_unlock', 'request', id(), move(chainAccounts.locked(addr(a.prover)), chainAccounts.stake(addr(a.prover)), big(a.amount)));
    default:
      return settlementMovement(e, m);
  }
}

type Make = (kind: ChainMovementKind, cause_type: Movement['cause_type'], cause_id: string, postings: Posting[]) => Movement;

function settlementMovement(e: ChainEvent, m: Make): Movement | undefined {
  const a = e.args;
  const id = String(a.requestId).toLowerCase();
  if (e.name === 'RequestFulfilled') {
    // The escrow (maxPrice) is split: price − fee to the payee, the fee to the treasury, the rest to the requester.
    // The event names the payee and the amounts; the treasury and requester addresses come from the indexer.
    const price = big(a.price);
    const fee = big(a.fee);
    const rest = big(a.requesterRefund);
    const escrow = chainAccounts.escrow(id);
    return m('chain_settle', 'request', id, [
      { account: escrow, amount: -(price + rest) },
      { account: chainAccounts.balance(addr(a.prover)), amount: price - fee },
      { account: chainAccounts.balance(addr(a.treasury)), amount: fee },
      { account: chainAccounts.balance(addr(a.requester)), amount: rest },
    ]);
  }
  if (e.name === 'StakeSlashed') {
    const locked = big(a.locked);
    const prover = addr(a.prover);
    return m('chain_slash', 'slash', id, [
      { account: chainAccounts.locked(prover), amount: -locked },
      { account: chainAccounts.stake(prover), amount: locked - big(a.slashed) },
      { account: chainAccounts.burned, amount: big(a.burned) },
      { account: chainAccounts.balance(addr(a.requester)), amount: big(a.toRequester) },
    ]);
  }
  return undefined;
}
