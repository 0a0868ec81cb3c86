import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyBid, closeAuction, openAuction, type AuctionExplanation } from './auction.ts';
import { nextRound, type ReauctionPolicy } from './reauction.ts';
import { MarketError } from '../errors.ts';
import type { RequestTerms } from './types.ts';
import { at, prover, terms } from './testkit.ts';

const spec = { mechanism: 'weighted' as const, bid_window_ms: 1000 };
const noWinner = (t: RequestTerms): AuctionExplanation => closeAuction(openAuction(t, at(0)), at(1000)).explanation;
const policy: ReauctionPolicy = { max_price_step: 10n, max_price_ceiling: 125n, min_reputation_step: 0.5, min_reputation_floor: 3 };

test('re-auction raises max_price by its step up to the ceiling, relaxes min_reputation to its floor, then expires', () => {
  let t = terms(spec, { max_price: 100n, min_reputation: 4 });
  const seen: Array<[bigint, number]> = [];
  for (;;) {
    const r = nextRound({ terms: t, policy, closed: noWinner(t), now: at(1000), deadline: at(60_000) });
    if (r.action === 'expire') {
      assert.equal(r.reason, 'nothing_to_relax');
      break;
    }
    t = r.terms;
    seen.push([t.max_price, t.min_reputation]);
  }
  assert.deepEqual(seen, [[110n, 3.5], [120n, 3], [125n, 3]]);
});

test('re-auction expires at the deadline, or when another round would end after it', () => {
  const t = terms(spec);
  assert.deepEqual(nextRound({ terms: t, policy, closed: noWinner(t), now: at(5000), deadline: at(5000) }), { action: 'expire', reason: 'deadline_passed' });
  assert.deepEqual(nextRound({ terms: t, policy, closed: noWinner(t), now: at(5000), deadline: at(5999) }), { action: 'expire', reason: 'no_time_for_round' });
  assert.equal(nextRound({ terms: t, policy, closed: noWinner(t), now: at(5000), deadline: at(6000) }).action, 'reauction');
});

test('re-auction refuses an auction that has a winner', () => {
  const t = terms(spec);
  const s = applyBid(openAuction(t, at(0)), { prover: prover('a'), fee: 1n }, at(1)).state;
  const closed = closeAuction(s, at(1000)).explanation;
  assert.throws(() => nextRound({ terms: t, policy, closed, now: at(1000), deadline: at(9e9) }), (e: unknown) => e instanceof MarketError && e.code === 'auction_has_winner');
});

test('re-auction: max_price never falls, never passes the ceiling it did not start above, and the rounds end', () => {
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 1000n }),
      fc.bigInt({ min: 0n, max: 200n }),
      fc.bigInt({ min: 0n, max: 1500n }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      fc.constantFrom(0, 0.25, 1),
      fc.double({ min: 0, max: 5, noNaN: true }),
      (max0, step, ceiling, rep0, repStep, floor) => {
        let t = terms(spec, { max_price: max0, min_reputation: rep0 });
        const p = { max_price_step: step, max_price_ceiling: ceiling, min_reputation_step: repStep, min_reputation_floor: floor };
        const bound = (step === 0n ? 0 : Number((ceiling > max0 ? ceiling - max0 : 0n) / step) + 1) + (repStep === 0 ? 0 : Math.ceil(5 / repStep) + 1);
        let rounds = 0;
        for (;;) {
          const r = nextRound({ terms: t, policy: p, closed: noWinner(t), now: at(1000), deadline: at(1e12) });
          if (r.action === 'expire') {
            assert.equal(r.reason, 'nothing_to_relax');
            // it expires only once neither term can move
            assert.ok(t.max_price >= ceiling || step === 0n);
            assert.ok(t.min_reputation <= floor || repStep === 0);
            break;
          }
          assert.ok(r.terms.max_price >= t.max_price && r.terms.min_reputation <= t.min_reputation);
          assert.ok(r.terms.max_price <= (max0 > ceiling ? max0 : ceiling));
          assert.ok(r.terms.min_reputation >= Math.min(rep0, floor));
          assert.ok(r.changes.max_price !== null || r.changes.min_reputation !== null);
          t = r.terms;
          assert.ok(++rounds <= bound, `more than ${bound} rounds`);
        }
        if (step > 0n && max0 <= ceiling) assert.equal(t.max_price, ceiling, 'the price reaches the ceiling before expiry');
      },
    ),
    { numRuns: 300 },
  );
});
