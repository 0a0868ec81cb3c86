import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { risingPrice } from '../domain/market/rising.ts';
import { opensCommitment } from '../domain/market/sealed.ts';
import type { AuctionView, Mechanism } from '../api/index.ts';
import { applyMargin, decideBid, feeFor, neededMs, proofCost, risingReachesAt, type BidContext, type BidderState } from './bidding.ts';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const iso = (ms: number) => at(ms).toISOString();

const bytes = (fill: number) => (n: number) => new Uint8Array(n).fill(fill);
const ctx = (extra: Partial<BidContext> = {}): BidContext => ({ randomBytes: bytes(0xab), ...extra });

/** 0.5 s per proof at 100/s = cost 50; margin 0.2 → fee 60. */
function state(extra: Partial<BidderState> = {}): BidderState {
  return {
    prover_id: 'me',
    backends: ['groth16', 'plonk'],
    privacy_levels: [],
    free_capacity: 1,
    seconds_per_proof: { '*': 0.5 },
    cost_per_second: 100n,
    margin: 0.2,
    ...extra,
  };
}

function auction(mechanism: Mechanism, extra: Partial<AuctionView> = {}): AuctionView {
  const spec: AuctionView['spec'] =
    mechanism === 'sealed'
      ? { mechanism, bid_window_ms: 10_000, reveal_window_ms: 5_000 }
      : mechanism === 'rising'
        ? { mechanism, bid_window_ms: 10_000, min_price: '0', ramp_start_ms: 1000, ramp_period_ms: 4000, lock_timeout_ms: 60_000 }
        : { mechanism, bid_window_ms: 10_000 };
  return {
    request_id: 'r1',
    round: 1,
    mechanism,
    phase: 'bidding',
    backend: 'groth16',
    privacy_level: 1,
    program_id: 'p'.repeat(64),
    max_price: '200',
    min_reputation: 0,
    allow_list: null,
    opened_at: iso(0),
    bid_closes_at: iso(10_000),
    reveal_closes_at: mechanism === 'sealed' ? iso(15_000) : null,
    current_price: mechanism === 'rising' ? '0' : null,
    locked_by: null,
    spec,
    explanation: null,
    ...extra,
  };
}

// ── price ────────────────────────────────────────────────────────────────────────────────────────

test('fee: ceil(seconds × cost_per_second) × (1 + margin), rounded up, never below base_price', () => {
  assert.equal(proofCost(0.5, 100n), 50n);
  assert.equal(proofCost(0.123, 10n), 2n); // 1.23 → 2
  assert.equal(proofCost(0, 10n), 0n);
  assert.equal(applyMargin(50n, 0.2), 60n);
  assert.equal(applyMargin(7n, 0.1), 8n); // 7.7 → 8
  assert.equal(applyMargin(100n, 0), 100n);
  assert.equal(feeFor(state(), 'groth16'), 60n);
  assert.equal(feeFor(state({ base_price: 75n }), 'groth16'), 75n);
  assert.equal(feeFor(state({ seconds_per_proof: {} }), 'groth16'), null);
  assert.throws(() => applyMargin(1n, -0.1), RangeError);
  assert.throws(() => proofCost(Number.NaN, 1n), RangeError);
});

test('per-backend overrides of cost_per_second, margin and seconds_per_proof', () => {
  const s = state({ seconds_per_proof: { '*': 0.5, plonk: 2 }, backend_pricing: { groth16: { cost_per_second: 1000n, margin: 0 }, plonk: { margin: 1 } } });
  assert.equal(feeFor(s, 'groth16'), 500n); // 0.5 × 1000
  assert.equal(feeFor(s, 'plonk'), 400n); // 2 × 100 × 2
  assert.equal(feeFor(state({ backend_pricing: { groth16: { seconds_per_proof: 3 } } }), 'groth16'), 360n);
});

test('fee properties: monotone in seconds, cost and margin; at least cost × (1 + margin); integer', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e4, noNaN: true }),
      fc.double({ min: 0, max: 1e4, noNaN: true }),
      fc.bigInt({ min: 0n, max: 10n ** 18n }),
      fc.double({ min: 0, max: 10, noNaN: true }),
      fc.double({ min: 0, max: 10, noNaN: true }),
      (s1, s2, cps, m1, m2) => {
        const [sa, sb] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const [ma, mb] = m1 <= m2 ? [m1, m2] : [m2, m1];
        const fa = applyMargin(proofCost(sa, cps), ma);
        assert.ok(fa <= applyMargin(proofCost(sb, cps), ma));
        assert.ok(fa <= applyMargin(proofCost(sa, cps), mb));
        assert.ok(fa <= applyMargin(proofCost(sa, cps + 1n), ma));
        const cost = proofCost(sa, cps);
        // cost ≥ seconds × cps (to float precision), and fee ≥ cost × (1 + margin)
        assert.ok(Number(cost) >= sa * Number(cps) * (1 - 1e-9) - 1e-6);
        assert.ok(Number(fa) >= Number(cost) * (1 + ma) * (1 - 1e-9) - 1e-6);
        // and not more than one unit (plus the µs rounding) above it
        assert.ok(Number(fa) <= (sa * Number(cps) + Number(cps) / 1e6 + 1) * (1 + ma + 1e-6) + 1);
      },
    ),
  );
});

// ── skip rules ───────────────────────────────────────────────────────────────────────────────────

test('skip: closed, unsupported backend or level, allow list, reputation, capacity, speed, price, deadline', () => {
  const now = at(1000);
  const skip = (a: AuctionView, s: BidderState = state(), c: BidContext = ctx()) => {
    const d = decideBid(a, s, now, c);
    return d.action === 'skip' ? d.reason : d.action;
  };
  assert.equal(skip(auction('weighted', { phase: 'closed' })), 'phase_closed');
  assert.equal(skip(auction('weighted', { bid_closes_at: iso(1000) })), 'phase_closed'); // the window ended at now
  assert.equal(skip(auction('weighted', { backend: 'koalabear' })), 'backend_unsupported');
  assert.equal(skip(auction('weighted', { privacy_level: 7 }), state({ privacy_levels: [1, 2] })), 'privacy_level_unsupported');
  assert.equal(skip(auction('weighted', { privacy_level: 2 }), state({ privacy_levels: [1, 2] })), 'bid');
  assert.equal(skip(auction('weighted', { allow_list: ['other'] })), 'not_on_allow_list');
  assert.equal(skip(auction('weighted', { allow_list: ['other', 'me'] })), 'bid');
  assert.equal(skip(auction('weighted', { min_reputation: 3 }), state({ stars: null })), 'reputation_too_low'); // no history = 2.5
  assert.equal(skip(auction('weighted', { min_reputation: 2.5 }), state({ stars: null })), 'bid');
  assert.equal(skip(auction('weighted', { min_reputation: 3 }), state({ stars: 4 })), 'bid');
  assert.equal(skip(auction('weighted', { min_reputation: 3 })), 'bid'); // stars unknown: the coordinator decides
  assert.equal(skip(auction('weighted'), state({ free_capacity: 0 })), 'capacity_full');
  assert.equal(skip(auction('weighted'), state({ seconds_per_proof: {} })), 'speed_unknown');
  assert.equal(skip(auction('weighted', { max_price: '59' })), 'price_below_cost');
  assert.equal(skip(auction('weighted', { max_price: '60' })), 'bid');
  // needs 0.5 s × 1.5 + 2 s = 2750 ms after the bid window closes at 10 s
  assert.equal(neededMs(state(), 0.5), 2750);
  assert.equal(skip(auction('weighted'), state(), ctx({ deadline: at(12_749) })), 'deadline_too_close');
  assert.equal(skip(auction('weighted'), state(), ctx({ deadline: at(12_750) })), 'bid');
  assert.equal(skip(auction('fixed'), state(), ctx({ deadline: at(3_750) })), 'bid'); // fixed starts now
  assert.equal(skip(auction('fixed'), state(), ctx({ deadline: at(3_749) })), 'deadline_too_close');
  assert.equal(skip(auction('sealed'), state(), ctx({ deadline: at(17_749) })), 'deadline_too_close'); // after the reveal
  assert.equal(skip(auction('rising', { spec: { ...auction('rising').spec, lock_timeout_ms: 2000 } })), 'deadline_too_close');
});

test('fixed and weighted: bid the fee once', () => {
  assert.deepEqual(decideBid(auction('fixed'), state(), at(0), ctx()), { action: 'bid', fee: 60n });
  assert.deepEqual(decideBid(auction('weighted'), state(), at(0), ctx()), { action: 'bid', fee: 60n });
  assert.deepEqual(decideBid(auction('weighted'), state(), at(0), ctx({ own: { bid: true } })), { action: 'skip', reason: 'already_bid' });
});

// ── sealed ───────────────────────────────────────────────────────────────────────────────────────

test('sealed: commit with a fresh nonce, wait for the reveal phase, reveal once, then done', () => {
  const a = auction('sealed');
  const d = decideBid(a, state(), at(1000), ctx());
  assert.equal(d.action, 'commit');
  if (d.action !== 'commit') return;
  assert.equal(d.fee, 60n);
  assert.equal(d.nonce, 'ab'.repeat(32));
  assert.ok(opensCommitment(d.commitment, { request_id: 'r1', prover_id: 'me', fee: 60n, nonce: d.nonce }));
  const own = { commit: { fee: d.fee, nonce: d.nonce } };
  // still bidding: wait for the window to close
  assert.deepEqual(decideBid(a, state(), at(2000), ctx({ own })), { action: 'wait', until: at(10_000), reason: 'reveal_phase' });
  // the window closed (by the clock, or the view says reveal): reveal, even with no free capacity left
  assert.deepEqual(decideBid(a, state({ free_capacity: 0 }), at(10_000), ctx({ own })), { action: 'reveal', fee: 60n, nonce: d.nonce });
  assert.deepEqual(decideBid({ ...a, phase: 'reveal' }, state(), at(9_999), ctx({ own })), { action: 'reveal', fee: 60n, nonce: d.nonce });
  assert.deepEqual(decideBid({ ...a, phase: 'reveal' }, state(), at(12_000), ctx({ own: { ...own, revealed: true } })), { action: 'skip', reason: 'already_bid' });
  // past the reveal window: too late
  assert.deepEqual(decideBid({ ...a, phase: 'reveal' }, state(), at(15_000), ctx({ own })), { action: 'skip', reason: 'phase_closed' });
  // a reveal phase without a commitment of ours; a bidding phase that ended without one
  assert.deepEqual(decideBid({ ...a, phase: 'reveal' }, state(), at(12_000), ctx()), { action: 'skip', reason: 'no_commitment' });
  assert.deepEqual(decideBid(a, state(), at(10_000), ctx()), { action: 'skip', reason: 'no_commitment' });
  assert.deepEqual(decideBid(a, state(), at(15_000), ctx()), { action: 'skip', reason: 'phase_closed' });
});

test('sealed: nonces come from the random source, and every commitment opens with its own fee and nonce', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: 1000 }), (rnd, cps) => {
      const d = decideBid(auction('sealed', { max_price: '1000000' }), state({ cost_per_second: BigInt(cps) }), at(0), { randomBytes: () => rnd });
      assert.equal(d.action, 'commit');
      if (d.action !== 'commit') return;
      assert.equal(d.nonce, Buffer.from(rnd).toString('hex'));
      assert.ok(opensCommitment(d.commitment, { request_id: 'r1', prover_id: 'me', fee: d.fee, nonce: d.nonce }));
    }),
  );
});

// ── rising ───────────────────────────────────────────────────────────────────────────────────────

test('rising: wait until the price reaches the target, then lock', () => {
  // min 0, max 200, ramp from 1 s over 4 s: 60 is reached at elapsed ceil(60 × 4000 / 200) = 1200 ms → t = 2200 ms
  const a = auction('rising');
  assert.deepEqual(decideBid(a, state(), at(500), ctx()), { action: 'wait', until: at(2200), reason: 'price_below_target' });
  assert.deepEqual(decideBid(a, state(), at(2199), ctx()), { action: 'wait', until: at(2200), reason: 'price_below_target' });
  assert.deepEqual(decideBid(a, state(), at(2200), ctx()), { action: 'lock', price: 60n });
  assert.deepEqual(decideBid(a, state(), at(3000), ctx()), { action: 'lock', price: 100n });
  // a target above the fee: waits longer
  const s = state({ backend_pricing: { groth16: { target_price: 150n } } });
  assert.deepEqual(decideBid(a, s, at(2200), ctx()), { action: 'wait', until: at(4000), reason: 'price_below_target' });
  // a target above max_price, or reached only after the window
  assert.equal((decideBid(a, state({ backend_pricing: { groth16: { target_price: 201n } } }), at(0), ctx()) as { reason: string }).reason, 'price_below_cost');
  assert.equal((decideBid({ ...a, bid_closes_at: iso(2200) }, state(), at(0), ctx()) as { reason: string }).reason, 'target_after_window');
  // locked by someone else / by us; already locked
  assert.deepEqual(decideBid({ ...a, phase: 'locked', locked_by: 'x' }, state(), at(3000), ctx()), { action: 'skip', reason: 'lock_held', detail: 'held by x' });
  assert.deepEqual(decideBid({ ...a, phase: 'locked', locked_by: 'me' }, state(), at(3000), ctx()), { action: 'skip', reason: 'already_won' });
  assert.deepEqual(decideBid(a, state(), at(3000), ctx({ own: { lock: true } })), { action: 'skip', reason: 'already_bid' });
});

test('rising: risingReachesAt is the first instant the price is at least the target', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: 0, max: 100_000 }),
      fc.bigInt({ min: 0n, max: 3n * 10n ** 12n }),
      (min, span, start, period, target) => {
        const curve = { opened_at: at(0), min_price: min, max_price: min + span, ramp_start_ms: start, ramp_period_ms: period };
        const price = (d: Date) => risingPrice({ min_price: min, max_price: min + span, ramp_start: at(start), ramp_period_ms: period }, d);
        const when = risingReachesAt(curve, target);
        if (target > min + span) return assert.equal(when, null);
        assert.ok(when);
        assert.ok(price(when) >= target, `price ${price(when)} at ${when.getTime() - T0} < ${target}`);
        if (when.getTime() > T0) assert.ok(price(new Date(when.getTime() - 1)) < target, 'not the first instant');
      },
    ),
  );
});

test('rising: the node locks only at or above its target, and never waits past the window', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 400 }), (now, target) => {
      const a = auction('rising');
      const s = state({ backend_pricing: { groth16: { target_price: BigInt(target) } } });
      const d = decideBid(a, s, at(now), ctx());
      const floor = BigInt(Math.max(60, target));
      if (d.action === 'lock') assert.ok(d.price >= floor && d.price <= 200n);
      else if (d.action === 'wait') assert.ok(d.until.getTime() > T0 + now && d.until.getTime() < T0 + 10_000);
      else assert.equal(d.action, 'skip');
    }),
  );
});

// ── the decision as a whole ──────────────────────────────────────────────────────────────────────

test('property: a priced action never exceeds max_price, is never below the fee, and only happens with capacity on a served backend', () => {
  const mechanisms: Mechanism[] = ['fixed', 'weighted', 'sealed', 'rising'];
  fc.assert(
    fc.property(
      fc.constantFrom(...mechanisms),
      fc.constantFrom('groth16', 'plonk', 'fflonk', 'koalabear'),
      fc.bigInt({ min: 0n, max: 10_000n }),
      fc.integer({ min: 0, max: 3 }),
      fc.double({ min: 0.01, max: 20, noNaN: true }),
      fc.integer({ min: 1, max: 500 }),
      fc.double({ min: 0, max: 2, noNaN: true }),
      fc.integer({ min: 0, max: 20_000 }),
      fc.option(fc.integer({ min: 0, max: 60_000 })),
      (mechanism, backend, max, cap, seconds, cps, margin, now, deadline) => {
        const s = state({ free_capacity: cap, seconds_per_proof: { '*': seconds }, cost_per_second: BigInt(cps), margin });
        const a = auction(mechanism, { backend, max_price: String(max) });
        const d = decideBid(a, s, at(now), ctx({ deadline: deadline === null ? null : at(deadline) }));
        const fee = feeFor(s, backend)!;
        if (d.action === 'skip' || d.action === 'wait' || d.action === 'reveal') return;
        assert.ok(cap > 0 && ['groth16', 'plonk'].includes(backend));
        const price = d.action === 'lock' ? d.price : d.fee;
        assert.ok(price <= max && price >= fee, `${d.action} at ${price}, fee ${fee}, max ${max}`);
        if (deadline !== null) assert.ok(now + neededMs(s, seconds) <= deadline);
      },
    ),
  );
});
