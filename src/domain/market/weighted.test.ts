import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyBid, closeAuction, openAuction } from './auction.ts';
import { DEFAULT_WEIGHTS, weightedScore, type Weights } from './weighted.ts';
import type { ProverProfile } from './types.ts';
import { arbProfiles, arbTerms, at, eligibleRef, PROVER_IDS, prover, terms } from './testkit.ts';

const spec = { mechanism: 'weighted' as const, bid_window_ms: 1000 };

test('weighted: the score formula, with the defaults 0.7 / 0.3 and a newcomer at 0.5', () => {
  assert.ok(Math.abs(weightedScore(80n, 4, 100n, DEFAULT_WEIGHTS) - 0.38) < 1e-12);
  assert.ok(Math.abs(weightedScore(60n, 2, 100n, DEFAULT_WEIGHTS) - 0.4) < 1e-12);
  assert.ok(Math.abs(weightedScore(90n, null, 100n, DEFAULT_WEIGHTS) - (0.07 + 0.15)) < 1e-12);
  assert.equal(weightedScore(0n, null, 0n, DEFAULT_WEIGHTS), 0.7 + 0.15);
});

test('weighted: a cheaper bid with a weaker record wins at its own fee', () => {
  let s = openAuction(terms(spec), at(0));
  s = applyBid(s, { prover: prover('a', { reputation: 4 }), fee: 80n }, at(10)).state; // 0.38
  s = applyBid(s, { prover: prover('b', { reputation: 2 }), fee: 60n }, at(20)).state; // 0.40
  s = applyBid(s, { prover: prover('c', { reputation: null }), fee: 90n }, at(30)).state; // 0.22
  s = applyBid(s, { prover: prover('d'), fee: 120n }, at(40)).state; // above max
  const { explanation: x } = closeAuction(s, at(1000));
  assert.deepEqual(x.outcome.kind === 'won' && [x.outcome.prover_id, x.outcome.price, x.outcome.refund], ['b', 60n, 40n]);
  assert.deepEqual(
    x.entries.map((e) => [e.prover_id, e.result, e.reason]),
    [['a', 'lost', null], ['b', 'won', null], ['c', 'lost', null], ['d', 'rejected', 'price_above_max']],
  );
  assert.ok(x.entries.slice(0, 3).every((e) => typeof e.score === 'number'));
  assert.equal(x.entries[3]?.score, null);
  assert.match(x.outcome.why, /highest score 0\.4000 of 3 eligible/);
});

test('weighted: weights are configurable (reputation only)', () => {
  let s = openAuction(terms({ ...spec, price_weight: 0, reputation_weight: 1 }), at(0));
  s = applyBid(s, { prover: prover('cheap', { reputation: 1 }), fee: 1n }, at(1)).state;
  s = applyBid(s, { prover: prover('good', { reputation: 5 }), fee: 100n }, at(2)).state;
  const o = closeAuction(s, at(1000)).explanation.outcome;
  assert.equal(o.kind === 'won' && o.prover_id, 'good');
});

test('weighted: equal scores go to the earlier bid, then to the earlier arrival at the same instant', () => {
  let s = openAuction(terms(spec), at(0));
  s = applyBid(s, { prover: prover('late'), fee: 50n }, at(20)).state;
  s = applyBid(s, { prover: prover('early'), fee: 50n }, at(10)).state; // arrives second, stamped earlier
  let o = closeAuction(s, at(1000)).explanation;
  assert.equal(o.outcome.kind === 'won' && o.outcome.prover_id, 'early');
  assert.match(o.outcome.why, /equal score lost/);

  s = openAuction(terms(spec), at(0));
  s = applyBid(s, { prover: prover('first'), fee: 50n }, at(10)).state;
  s = applyBid(s, { prover: prover('second'), fee: 50n }, at(10)).state;
  o = closeAuction(s, at(1000)).explanation;
  assert.equal(o.outcome.kind === 'won' && o.outcome.prover_id, 'first');
});

/** The reference: the first eligible bid of each prover, scored by the formula, best score then earliest. */
function referenceWinner(
  bids: Array<{ p: ProverProfile; fee: bigint; t: number }>,
  t: ReturnType<typeof terms>,
  w: Weights,
): string | null {
  const seen = new Set<string>();
  const valid: Array<{ id: string; score: number; t: number; i: number }> = [];
  bids.forEach((b, i) => {
    if (seen.has(b.p.prover_id) || !eligibleRef(b.p, t, b.fee)) return;
    seen.add(b.p.prover_id);
    const ratio = t.max_price === 0n ? 0 : Number(b.fee) / Number(t.max_price);
    valid.push({ id: b.p.prover_id, score: w.price_weight * (1 - ratio) + w.reputation_weight * ((b.p.reputation ?? 2.5) / 5), t: b.t, i });
  });
  valid.sort((a, b) => b.score - a.score || a.t - b.t || a.i - b.i);
  return valid[0]?.id ?? null;
}

test('weighted: the winner is the one an independent reference computation picks', () => {
  const arbWeights = fc.record({
    price_weight: fc.constantFrom(0, 0.3, 0.5, 0.7, 1),
    reputation_weight: fc.constantFrom(0, 0.3, 0.5, 1),
  });
  fc.assert(
    fc.property(
      arbWeights.chain((w) => arbTerms({ ...spec, ...w }).map((t) => ({ w, t }))),
      arbProfiles,
      fc.array(
        fc.record({
          who: fc.nat(PROVER_IDS.length - 1),
          // few distinct fees and times, so ties happen
          fee: fc.oneof(fc.bigInt({ min: 0n, max: 10n }).map((x) => x * 100n), fc.bigInt({ min: 0n, max: 1100n })),
          t: fc.integer({ min: 0, max: 1100 }).map((x) => x - (x % 50)),
        }),
        { maxLength: 14, size: 'max' },
      ),
      ({ w, t }, profiles, raw) => {
        const bids = raw.map((b) => ({ p: profiles[b.who]!, fee: b.fee, t: b.t }));
        let s = openAuction(t, at(0));
        for (const b of bids) s = applyBid(s, { prover: b.p, fee: b.fee }, at(b.t)).state;
        const { explanation: x } = closeAuction(s, at(1000));
        // bids at t ≥ 1000 are outside the window
        const expected = referenceWinner(bids.filter((b) => b.t < 1000), t, w);
        assert.equal(x.outcome.kind === 'won' ? x.outcome.prover_id : null, expected);
        if (x.outcome.kind === 'won') {
          const won = x.entries.find((e) => e.result === 'won')!;
          assert.equal(x.outcome.price, won.fee);
          assert.equal(x.outcome.price + x.outcome.refund, t.max_price);
          assert.ok(x.entries.every((e) => e.score === null || e.score <= won.score!));
        }
      },
    ),
    { numRuns: 400 },
  );
});
