import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex } from '@noble/hashes/utils';
import { compareArrival, type Candidate } from './types.ts';

/** What a sealed bid commits to. The nonce is the prover's secret: random, at least 16 bytes, hex. */
export interface SealedBid {
  request_id: string;
  prover_id: string;
  fee: bigint;
  nonce: string;
}

/**
 * The canonical encoding a commitment hashes: the UTF-8 bytes of the JSON array
 *
 *   ["proofmarket/sealed-bid/v1", request_id, prover_id, fee as a decimal string, nonce]
 *
 * JSON string escaping makes it unambiguous (no id can smuggle a separator), the tag keeps these hashes
 * apart from any other use of sha256, and binding `request_id` and `prover_id` stops a commitment from
 * being replayed in another auction or copied by another prover.
 *
 * @example commitmentPreimage({ request_id: 'r1', prover_id: 'p1', fee: 90n, nonce: 'ab' })
 *   // '["proofmarket/sealed-bid/v1","r1","p1","90","ab"]'
 */
export function commitmentPreimage(b: SealedBid): string {
  return JSON.stringify(['proofmarket/sealed-bid/v1', b.request_id, b.prover_id, b.fee.toString(10), b.nonce]);
}

/** `sha256(commitmentPreimage(b))` as 64 lowercase hex characters: what a prover sends while bidding. */
export function sealedCommitment(b: SealedBid): string {
  return bytesToHex(sha256(commitmentPreimage(b))); // a string is hashed as its UTF-8 bytes
}

const COMMITMENT_RE = /^[0-9a-f]{64}$/i;

export function isCommitment(value: string): boolean {
  return COMMITMENT_RE.test(value);
}

/** Whether a reveal opens a commitment. Case-insensitive on the commitment's hex. */
export function opensCommitment(commitment: string, b: SealedBid): boolean {
  return commitment.toLowerCase() === sealedCommitment(b);
}

export interface SealedPick {
  winner: Candidate;
  /** The runner-up whose fee sets the price, or `null` when the winner was alone. */
  runner_up: Candidate | null;
  /** What the winner is paid: the second-lowest fee (its own if alone), never more than max_price. */
  price: bigint;
  /** What the requester gets back of the escrowed max_price. */
  refund: bigint;
}

/** The order of sealed reveals: the lower fee first, then the earlier reveal (a total order: `seq` is unique). */
export function compareSealed(x: Pick<Candidate, 'fee' | 'at' | 'seq'>, y: Pick<Candidate, 'fee' | 'at' | 'seq'>): number {
  return x.fee < y.fee ? -1 : x.fee > y.fee ? 1 : compareArrival(x, y);
}

/**
 * The two best reveals seen so far by `compareSealed`, fed one at a time in any order: what the `sealed`
 * rule needs (the winner and the fee that prices it), kept in one pass instead of sorting every reveal.
 */
export class SealedLeaders<C extends Pick<Candidate, 'fee' | 'at' | 'seq'>> {
  best: C | null = null;
  second: C | null = null;

  offer(c: C): void {
    if (this.best === null || compareSealed(c, this.best) < 0) {
      this.second = this.best;
      this.best = c;
    } else if (this.second === null || compareSealed(c, this.second) < 0) {
      this.second = c;
    }
  }
}

/** The price and refund of a sealed win: the second-lowest fee (the winner's own if alone), capped at max_price. */
export function sealedPrice(winner: Pick<Candidate, 'fee'>, runnerUp: Pick<Candidate, 'fee'> | null, maxPrice: bigint): { price: bigint; refund: bigint } {
  const second = runnerUp?.fee ?? winner.fee;
  const price = second < maxPrice ? second : maxPrice;
  return { price, refund: maxPrice - price };
}

/**
 * The `sealed` rule over valid, eligible reveals: the lowest fee wins (tie: the earlier reveal) and is paid
 * the second-lowest fee, so bidding one's true cost is the best strategy. Two equal lowest fees pay that
 * fee. `null` when there are no reveals. One pass, no sort.
 *
 * @example pickSealed([a(80n), b(95n), c(90n)], 100n) // winner a, price 90n, refund 10n
 */
export function pickSealed(reveals: readonly Candidate[], maxPrice: bigint): SealedPick | null {
  const leaders = new SealedLeaders<Candidate>();
  for (const r of reveals) leaders.offer(r);
  if (leaders.best === null) return null;
  return { winner: leaders.best, runner_up: leaders.second, ...sealedPrice(leaders.best, leaders.second, maxPrice) };
}
