import type { AuctionMechanism, ProverProfile, RejectionReason, RequestTerms } from './types.ts';

/** The data of one auction (see auction.ts): its recorded actions, its state, and the explanation of its close. */

interface EntryBase {
  /** Arrival number within this auction, from 0; breaks ties between equal timestamps. */
  seq: number;
  prover_id: string;
  at: Date;
  /** The profile the caller passed with the action. */
  prover: ProverProfile;
  accepted: boolean;
  /** Why it was refused when it arrived; `null` if accepted. */
  reason: RejectionReason | null;
}

/** One recorded action. For a lock, `fee` is the price offered at that instant. */
export type AuctionEntry =
  | (EntryBase & { action: 'bid'; fee: bigint })
  | (EntryBase & { action: 'commit'; commitment: string })
  | (EntryBase & { action: 'reveal'; fee: bigint; nonce: string })
  | (EntryBase & { action: 'lock'; fee: bigint; /** equal to `at` when refused */ expires_at: Date })
  | (EntryBase & { action: 'withdraw' });

export type AuctionAction = AuctionEntry['action'];

export interface AuctionState {
  readonly request_id: string;
  readonly mechanism: AuctionMechanism;
  readonly terms: RequestTerms;
  readonly opened_at: Date;
  readonly bidding_ends_at: Date;
  /** `sealed` only: the end of the reveal phase. */
  readonly reveal_ends_at: Date | null;
  /** `requester_choice` only: the end of the choice phase (absent in states stored before it existed). */
  readonly choice_ends_at?: Date | null;
  /** Every action in arrival order; `entries[i].seq === i`. */
  readonly entries: readonly AuctionEntry[];
  /** `seq` of the entry holding the request: a `fixed` take (final), a live `rising` lock, or the bid a requester chose (final). */
  readonly holder: number | null;
  /** `rising`: `seq`s of locks that ran out. */
  readonly lapsed: readonly number[];
  readonly closed: { readonly at: Date; readonly explanation: AuctionExplanation } | null;
}

/** Looks up a prover's current profile at close; `undefined` if it is gone. */
export type ProverLookup = (prover_id: string) => ProverProfile | undefined;

export type ApplyResult =
  | {
      accepted: true;
      state: AuctionState;
      entry: AuctionEntry;
      /**
       * Set when this action alone gave the prover the request (a `fixed` take, a `rising` lock): the price,
       * and for a lock the instant it runs out. The caller assigns the task now.
       */
      assigned: { price: bigint; until: Date | null } | null;
    }
  | { accepted: false; state: AuctionState; reason: RejectionReason };

/** `applyLock`'s result also reports a lock that had run out before it (see `tickAuction`). */
export type ApplyLockResult = ApplyResult & { lapsed: AuctionEntry | null };

/** How one entry fared, as the explanation reports it. */
export interface ExplainedEntry {
  seq: number;
  action: AuctionAction;
  prover_id: string;
  at: Date;
  /** The bid, revealed or lock fee; `null` for a commitment or a withdrawal. */
  fee: bigint | null;
  /** `weighted`: the score of every bid still eligible at close; otherwise `null`. */
  score: number | null;
  /**
   * `won`; `lost` (valid but beaten); `rejected` (on arrival or at close, see `reason`); `revealed` (a
   * commitment whose reveal carries the result); `lapsed` (a rising lock that ran out).
   */
  result: 'won' | 'lost' | 'rejected' | 'revealed' | 'lapsed';
  reason: RejectionReason | null;
}

export type AuctionOutcome =
  | {
      kind: 'won';
      prover_id: string;
      /** The clearing price: what the winner is paid. */
      price: bigint;
      /** What the requester gets back of the escrowed max_price. */
      refund: bigint;
      why: string;
    }
  | {
      /** The caller re-auctions (see `nextRound`) or refunds. */
      kind: 'no_winner';
      reason: 'no_bids' | 'no_eligible_bid';
      why: string;
    };

/** Who bid, how each bid fared and why, who won and at what price. Stored with the closed state. */
export interface AuctionExplanation {
  request_id: string;
  mechanism: AuctionMechanism;
  max_price: bigint;
  opened_at: Date;
  closed_at: Date;
  /** Closed by the caller before its windows ended and without a take or lock deciding it. */
  closed_early: boolean;
  entries: ExplainedEntry[];
  outcome: AuctionOutcome;
}

/** An action about to be recorded: `record` numbers it and marks it accepted or refused. */
export type NewEntry = AuctionEntry extends infer E ? (E extends unknown ? Omit<E, 'seq' | 'accepted' | 'reason'> : never) : never;
