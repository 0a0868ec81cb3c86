import type { Phase } from './types.ts';
import type { AuctionEntry, AuctionState } from './auction-types.ts';

/** How time acts on an auction: its phase, its next deadline, and rising locks running out. */

/** The live `rising` lock at `now`, if one holds the request. */
export function liveLock(state: AuctionState, now: Date): (AuctionEntry & { action: 'lock' }) | null {
  if (state.mechanism !== 'rising' || state.holder === null) return null;
  const e = state.entries[state.holder];
  return e?.action === 'lock' && now.getTime() < e.expires_at.getTime() ? e : null;
}

/** The phase at `now` (see `Phase`). Pure: it does not lapse locks, it only reads time. */
export function phaseAt(state: AuctionState, now: Date): Phase {
  const t = now.getTime();
  if (state.closed !== null || t < state.opened_at.getTime()) return 'closed';
  if ((state.mechanism === 'fixed' || state.mechanism === 'requester_choice') && state.holder !== null) return 'closed';
  if (liveLock(state, now) !== null) return 'locked';
  if (t < state.bidding_ends_at.getTime()) return 'bidding';
  if (state.reveal_ends_at !== null && t < state.reveal_ends_at.getTime()) return 'reveal';
  const choiceEnds = state.choice_ends_at ?? null;
  if (choiceEnds !== null && t < choiceEnds.getTime()) return 'choosing';
  return 'closed';
}

/**
 * The next instant after `now` at which `phaseAt` changes by time alone (a window ends, a lock runs out),
 * or `null` if none is left. The scheduler sleeps until then, calls `tickAuction`, and calls
 * `closeAuction` once `phaseAt` is `closed` (which a `fixed` take makes it at once).
 */
export function nextDeadline(state: AuctionState, now: Date): Date | null {
  if (state.closed !== null || ((state.mechanism === 'fixed' || state.mechanism === 'requester_choice') && state.holder !== null)) return null;
  const t = now.getTime();
  const lock = liveLock(state, now);
  const times = [state.bidding_ends_at, state.reveal_ends_at, state.choice_ends_at ?? null, lock?.expires_at ?? null]
    .filter((d): d is Date => d !== null && d.getTime() > t)
    .map((d) => d.getTime());
  return times.length === 0 ? null : new Date(Math.min(...times));
}

/**
 * Lets time act: a `rising` lock that has run out at `now` is dropped and the request is open again (at
 * the current ramp price, if the window is still open). Returns the lapsed lock so the caller can free the
 * prover's capacity and return the task to pending. `applyLock` and `closeAuction` do this first (applyLock
 * reports the lapse too; a closed explanation marks it `lapsed`).
 */
export function tickAuction(state: AuctionState, now: Date): { state: AuctionState; lapsed: AuctionEntry | null } {
  if (state.mechanism !== 'rising' || state.holder === null || state.closed !== null) return { state, lapsed: null };
  if (liveLock(state, now) !== null) return { state, lapsed: null };
  const lapsed = state.entries[state.holder] ?? null;
  return { state: { ...state, holder: null, lapsed: [...state.lapsed, state.holder] }, lapsed };
}
