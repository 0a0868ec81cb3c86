import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  applyBid,
  applyCommit,
  applyLock,
  applyReveal,
  closeAuction,
  nextDeadline,
  openAuction,
  phaseAt,
  tickAuction,
  type AuctionState,
} from './auction.ts';
import { MarketError } from '../errors.ts';
import { sealedCommitment } from './sealed.ts';
import type { AuctionSpec, Mechanism, ProverProfile } from './types.ts';
import { arbProfiles, arbTerms, at, eligibleRef, PROVER_IDS, prover, terms } from './testkit.ts';

const SPECS: Record<Mechanism, AuctionSpec> = {
  fixed: { mechanism: 'fixed', bid_window_ms: 1000 },
  weighted: { mechanism: 'weighted', bid_window_ms: 1000 },
  sealed: { mechanism: 'sealed', bid_window_ms: 1000, reveal_window_ms: 1000 },
  rising: { mechanism: 'rising', bid_window_ms: 1000, min_price: 0n, ramp_start_ms: 200, ramp_period_ms: 500, lock_timeout_ms: 300 },
};

test('fixed: the first eligible take wins at max_price and closes the auction to everyone else', () => {
  let s = openAuction(terms(SPECS.fixed), at(0));
  const off = applyBid(s, { prover: prover('off', { status: 'offline' }), fee: 10n }, at(5));
  assert.equal(!off.accepted && off.reason, 'prover_inactive');
  const take = applyBid(off.state, { prover: prover('a'), fee: 60n }, at(10));
  assert.ok(take.accepted);
  assert.deepEqual(take.assigned, { price: 100n, until: null });
  s = take.state;
  assert.equal(phaseAt(s, at(11)), 'closed');
  assert.equal(nextDeadline(s, at(11)), null);
  const late = applyBid(s, { prover: prover('b'), fee: 50n }, at(11));
  assert.equal(!late.accepted && late.reason, 'phase_closed');
  const { explanation: x } = closeAuction(late.state, at(12));
  assert.deepEqual(x.outcome.kind === 'won' && [x.outcome.prover_id, x.outcome.price, x.outcome.refund], ['a', 100n, 0n]);
  assert.equal(x.closed_early, false);
  assert.deepEqual(x.entries.map((e) => [e.prover_id, e.result, e.reason]), [['off', 'rejected', 'prover_inactive'], ['a', 'won', null], ['b', 'rejected', 'phase_closed']]);
});

test('phases follow the windows, half-open; actions outside their phase are phase_closed', () => {
  const s = openAuction(terms(SPECS.sealed), at(0));
  assert.deepEqual([-1, 0, 999, 1000, 1999, 2000].map((ms) => phaseAt(s, at(ms))), ['closed', 'bidding', 'bidding', 'reveal', 'reveal', 'closed']);
  assert.deepEqual([0, 999, 1000, 1999, 2000].map((ms) => nextDeadline(s, at(ms))), [at(1000), at(1000), at(2000), at(2000), null]);
  const c = applyCommit(s, { prover: prover('a'), commitment: 'a'.repeat(64) }, at(-1));
  assert.equal(!c.accepted && c.reason, 'phase_closed');
  const w = openAuction(terms(SPECS.weighted), at(0));
  const b = applyBid(w, { prover: prover('a'), fee: 1n }, at(1000));
  assert.equal(!b.accepted && b.reason, 'phase_closed');
  for (const [st, act] of [
    [w, (x: AuctionState) => applyCommit(x, { prover: prover('a'), commitment: 'a'.repeat(64) }, at(1))],
    [w, (x: AuctionState) => applyReveal(x, { prover: prover('a'), fee: 1n, nonce: 'n' }, at(1))],
    [w, (x: AuctionState) => applyLock(x, { prover: prover('a') }, at(1))],
    [s, (x: AuctionState) => applyBid(x, { prover: prover('a'), fee: 1n }, at(1))],
  ] as const) {
    const r = act(st);
    assert.equal(!r.accepted && r.reason, 'wrong_mechanism');
  }
});

test('weighted: one bid per prover; a refused bid may be retried', () => {
  let s = openAuction(terms(SPECS.weighted), at(0));
  const high = applyBid(s, { prover: prover('a'), fee: 500n }, at(1));
  assert.equal(!high.accepted && high.reason, 'price_above_max');
  s = applyBid(high.state, { prover: prover('a'), fee: 90n }, at(2)).state;
  const dup = applyBid(s, { prover: prover('a'), fee: 80n }, at(3));
  assert.equal(!dup.accepted && dup.reason, 'duplicate_bid');
  const o = closeAuction(dup.state, at(1000)).explanation.outcome;
  assert.deepEqual(o.kind === 'won' && [o.prover_id, o.price], ['a', 90n]);
});

test('closing is idempotent, may be forced early, and says when nobody bid', () => {
  const s = openAuction(terms(SPECS.weighted), at(0));
  const first = closeAuction(s, at(500));
  assert.equal(first.explanation.closed_early, true);
  assert.deepEqual(first.explanation.outcome, { kind: 'no_winner', reason: 'no_bids', why: 'no prover bid' });
  assert.equal(closeAuction(first.state, at(900)).explanation, first.explanation);
  const after = applyBid(first.state, { prover: prover('a'), fee: 1n }, at(600));
  assert.equal(!after.accepted && after.reason, 'phase_closed');
  assert.equal(after.state, first.state, 'actions after close are not recorded');
});

test('at close, collected bids are checked again against the provers as they are now', () => {
  let s = openAuction(terms(SPECS.weighted), at(0));
  s = applyBid(s, { prover: prover('busy'), fee: 10n }, at(1)).state;
  s = applyBid(s, { prover: prover('gone'), fee: 20n }, at(2)).state;
  s = applyBid(s, { prover: prover('ok'), fee: 90n }, at(3)).state;
  const now = new Map([['busy', prover('busy', { active_tasks: 2 })], ['ok', prover('ok', { reputation: 5 })]]);
  const { explanation: x } = closeAuction(s, at(1000), (id) => now.get(id));
  assert.deepEqual(x.entries.map((e) => [e.prover_id, e.result, e.reason]), [['busy', 'rejected', 'capacity_full'], ['gone', 'rejected', 'prover_unknown'], ['ok', 'won', null]]);
  assert.ok(Math.abs((x.entries[2]?.score ?? 0) - (0.7 * 0.1 + 0.3)) < 1e-12, 'scored with the current reputation');
});

test('openAuction refuses invalid terms with an actionable error', () => {
  const bad = terms({ mechanism: 'rising', bid_window_ms: 0, min_price: 500n, ramp_start_ms: -1, ramp_period_ms: 1.5, lock_timeout_ms: 0 }, { min_reputation: 6 });
  assert.throws(
    () => openAuction(bad, at(0)),
    (e: unknown) =>
      e instanceof MarketError &&
      e.code === 'invalid_auction_terms' &&
      e.message ===
        'auction terms are invalid: min_reputation must be within 0..5; bid_window_ms must be a positive integer; min_price must be within 0..max_price; ramp_start_ms must be an integer ≥ 0; ramp_period_ms must be an integer ≥ 0; lock_timeout_ms must be a positive integer',
  );
});

/** One random action against an auction: the right verb for its mechanism, at time `t`. */
type Act = { who: number; fee: bigint; t: number; lie: boolean };

function act(s: AuctionState, profileOf: (id: string) => ProverProfile, a: Act, fees: Map<string, bigint>) {
  const p = profileOf(PROVER_IDS[a.who]!);
  switch (s.mechanism) {
    case 'fixed':
    case 'weighted':
    case 'requester_choice': // (not among SPECS: requester_choice.test.ts covers it)
      return applyBid(s, { prover: p, fee: a.fee }, at(a.t));
    case 'rising':
      return applyLock(s, { prover: p }, at(a.t));
    case 'sealed': {
      if (phaseAt(s, at(a.t)) === 'bidding') {
        const commitment = sealedCommitment({ request_id: s.request_id, prover_id: p.prover_id, fee: a.fee, nonce: `nonce-${p.prover_id}` });
        const r = applyCommit(s, { prover: p, commitment }, at(a.t));
        if (r.accepted) fees.set(p.prover_id, a.fee);
        return r;
      }
      // reveals mostly come from provers that committed, and sometimes lie
      const committed = [...fees.keys()];
      const q = a.fee % 5n === 0n || committed.length === 0 ? p : profileOf(committed[a.who % committed.length]!);
      const fee = fees.get(q.prover_id) ?? a.fee;
      return applyReveal(s, { prover: q, fee: a.lie ? fee + 1n : fee, nonce: `nonce-${q.prover_id}` }, at(a.t));
    }
  }
}

const arbAct = fc.record({
  who: fc.nat(PROVER_IDS.length - 1),
  fee: fc.bigInt({ min: 0n, max: 1100n }),
  t: fc.integer({ min: 0, max: 2100 }),
  lie: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
});

/** When the scheduler closes: at the end of the windows, earlier (forced), or for `rising` when a lock delivers. */
const CLOSE_AT: Record<Mechanism, fc.Arbitrary<number>> = {
  fixed: fc.oneof({ weight: 3, arbitrary: fc.constant(1000) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 1200 }) }),
  weighted: fc.oneof({ weight: 3, arbitrary: fc.constant(1000) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 1200 }) }),
  sealed: fc.oneof({ weight: 3, arbitrary: fc.constant(2000) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 2200 }) }),
  rising: fc.integer({ min: 0, max: 1400 }),
};

test('every mechanism: the winner is eligible, was paid at most max_price, and the books balance', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...(Object.keys(SPECS) as Mechanism[])).chain((m) => fc.tuple(arbTerms(SPECS[m]), CLOSE_AT[m])),
      arbProfiles,
      fc.array(arbAct, { maxLength: 16, size: 'max' }),
      ([t, closeAt], profiles, acts) => {
        let s = openAuction(t, at(0));
        const fees = new Map<string, bigint>();
        const lockedAt = new Map<string, number>();
        for (const a of [...acts].sort((x, y) => x.t - y.t)) {
          if (a.t > closeAt) break;
          const r = act(s, (id) => profiles.find((p) => p.prover_id === id)!, a, fees);
          s = r.state;
          if (r.accepted && r.entry.action === 'lock') lockedAt.set(r.entry.prover_id, a.t);
        }
        const { explanation: x } = closeAuction(s, at(closeAt), (id) => profiles.find((p) => p.prover_id === id));
        assert.equal(x.entries.length, s.entries.length);
        assert.equal(x.entries.filter((e) => e.result === 'won').length, x.outcome.kind === 'won' ? 1 : 0);
        if (x.outcome.kind !== 'won') return;
        const won = x.entries.find((e) => e.result === 'won')!;
        const p = profiles.find((q) => q.prover_id === won.prover_id)!;
        assert.equal(won.prover_id, x.outcome.prover_id);
        assert.ok(eligibleRef(p, t, won.fee!), `winner ${p.prover_id} is not eligible`);
        assert.ok(0n <= x.outcome.price && x.outcome.price <= t.max_price);
        assert.equal(x.outcome.price + x.outcome.refund, t.max_price);
        if (t.auction.mechanism === 'fixed') assert.equal(x.outcome.price, t.max_price);
        if (t.auction.mechanism === 'rising') assert.ok(closeAt < lockedAt.get(p.prover_id)! + 300, 'a lock wins only while live');
      },
    ),
    { numRuns: 400 },
  );
});

/**
 * A market over time: several auctions open at once, provers act in any order, auctions close, work
 * completes. Each assignment raises the winner's active_tasks and each completion lowers it; no prover
 * may ever hold more than its capacity.
 */
type Cmd =
  | { k: 'open'; m: Mechanism; max: bigint }
  | { k: 'act'; auction: number; a: Act }
  | { k: 'advance'; ms: number }
  | { k: 'close'; auction: number; force: boolean }
  | { k: 'complete'; who: number };

const arbCmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ k: fc.constant('open' as const), m: fc.constantFrom(...(Object.keys(SPECS) as Mechanism[])), max: fc.bigInt({ min: 0n, max: 1000n }) }),
  { weight: 8, arbitrary: fc.record({ k: fc.constant('act' as const), auction: fc.nat(7), a: arbAct }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 600 }) }) },
  // as a scheduler would: close once the phase is closed, and now and then force it early
  { weight: 2, arbitrary: fc.record({ k: fc.constant('close' as const), auction: fc.nat(7), force: fc.integer({ min: 0, max: 9 }).map((x) => x === 0) }) },
  fc.record({ k: fc.constant('complete' as const), who: fc.nat(PROVER_IDS.length - 1) }),
);

test('across any sequence of concurrent auctions, no prover is assigned more tasks than its capacity', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 2 }), { minLength: PROVER_IDS.length, maxLength: PROVER_IDS.length }), fc.array(arbCmd, { maxLength: 80, size: 'max' }), (caps, cmds) => {
      let clock = 0;
      // what each prover holds: final assignments, and live rising locks by auction index
      const holds = new Map<string, { final: number; locks: Set<number> }>(PROVER_IDS.map((id) => [id, { final: 0, locks: new Set() }]));
      const active = (id: string) => holds.get(id)!.final + holds.get(id)!.locks.size;
      const profile = (i: number): ProverProfile => {
        const id = PROVER_IDS[i]!;
        return prover(id, { capacity: caps[i]!, active_tasks: active(id), reputation: i % 3 === 0 ? null : i });
      };
      const lookup = (id: string) => profile(PROVER_IDS.indexOf(id as (typeof PROVER_IDS)[number]));
      const auctions: Array<{ s: AuctionState; fees: Map<string, bigint> }> = [];
      let n = 0;
      const lapse = (i: number) => {
        const x = auctions[i]!;
        const r = tickAuction(x.s, at(clock));
        x.s = r.state;
        if (r.lapsed) holds.get(r.lapsed.prover_id)!.locks.delete(i);
      };

      for (const c of cmds) {
        auctions.forEach((_, i) => lapse(i));
        if (c.k === 'open') auctions.push({ s: openAuction(terms(SPECS[c.m], { request_id: `r${n++}`, max_price: c.max }), at(clock)), fees: new Map() });
        else if (c.k === 'advance') clock += c.ms;
        else if (c.k === 'complete') {
          const h = holds.get(PROVER_IDS[c.who]!)!;
          if (h.final > 0) h.final--;
        } else if (auctions.length > 0) {
          const i = c.auction % auctions.length;
          const x = auctions[i]!;
          if (c.k === 'act') {
            const r = act(x.s, lookup, { ...c.a, t: clock }, x.fees);
            x.s = r.state;
            if (r.accepted && r.assigned) {
              const h = holds.get(r.entry.prover_id)!;
              if (r.entry.action === 'lock') h.locks.add(i);
              else h.final++;
            }
          } else if (x.s.closed === null && (c.force || phaseAt(x.s, at(clock)) === 'closed')) {
            const held = x.s.holder === null ? undefined : x.s.entries[x.s.holder];
            const { state, explanation } = closeAuction(x.s, at(clock), lookup);
            x.s = state;
            if (explanation.outcome.kind === 'won') {
              const h = holds.get(explanation.outcome.prover_id)!;
              if (state.mechanism === 'rising') {
                assert.ok(h.locks.delete(i), 'a rising winner holds a live lock');
              } else if (state.mechanism === 'fixed') {
                assert.equal(held?.prover_id, explanation.outcome.prover_id); // counted at the take
              } else h.final++;
            }
          }
        }
        for (const [i, id] of PROVER_IDS.entries()) assert.ok(active(id) <= caps[i]!, `${id} holds ${active(id)} > capacity ${caps[i]}`);
      }
    }),
    { numRuns: 500 },
  );
});
