import type { RejectionReason, RequestTerms } from './types.ts';
import type { ApplyResult, AuctionAction, AuctionEntry, AuctionState, NewEntry } from './auction-types.ts';

/** The log of an auction's actions: recording them, and finding a prover's accepted action quickly. */

export function record(state: AuctionState, e: NewEntry, reason: RejectionReason | null): { state: AuctionState; entry: AuctionEntry } {
  const entry = { ...e, seq: state.entries.length, accepted: reason === null, reason } as AuctionEntry;
  return { state: { ...state, entries: [...state.entries, entry] }, entry };
}

/** Refuses an action for `reason`, recording it unless the auction is closed. */
export function refuse(state: AuctionState, e: NewEntry, reason: RejectionReason): ApplyResult {
  // after close the explanation is final, so late actions are not recorded
  if (state.closed !== null) return { accepted: false, state, reason };
  return { accepted: false, state: record(state, e, reason).state, reason };
}

/**
 * A prover's accepted action of one kind, if any. Every action asks this, and closing a sealed auction asks
 * it once per commitment, so a scan of the entries would make an auction of n bids cost O(n²). The answer
 * comes from an index of accepted entries, kept per line of states (keyed by the terms object every state
 * derived from one opening shares): a state whose entries extend the ones indexed last only indexes the
 * new tail; any other state (a branch, a state read back from storage) rebuilds it. Entries are append-only,
 * so the index never answers for entries a state does not have.
 */
export function hasAccepted(state: AuctionState, proverId: string, action: AuctionAction): AuctionEntry | undefined {
  const seq = acceptedIndexOf(state).get(indexKey(action, proverId));
  return seq === undefined ? undefined : state.entries[seq];
}

const indexKey = (action: AuctionAction, proverId: string) => `${action}\u0000${proverId}`;
const acceptedIndexes = new WeakMap<RequestTerms, { entries: readonly AuctionEntry[]; bySeq: Map<string, number> }>();

function acceptedIndexOf(state: AuctionState): Map<string, number> {
  const { entries } = state;
  let cached = acceptedIndexes.get(state.terms);
  const covered = cached?.entries.length ?? 0;
  const extends_ = cached !== undefined && entries.length >= covered && (covered === 0 || entries[covered - 1] === cached.entries[covered - 1]);
  if (!cached || !extends_) {
    cached = { entries: [], bySeq: new Map() };
    acceptedIndexes.set(state.terms, cached);
  }
  for (let i = cached.entries.length; i < entries.length; i++) {
    const e = entries[i]!;
    const k = indexKey(e.action, e.prover_id);
    if (e.accepted && !cached.bySeq.has(k)) cached.bySeq.set(k, e.seq);
  }
  cached.entries = entries;
  return cached.bySeq;
}
