// Clearing (closeAuction) decides in one pass over the bids, without sorting (issue #19 part 3). These
// properties pin it to straightforward reference implementations of each mechanism's rule, written here
// again with sorts and filters, on random bid sets with many ties (few fees, few instants) and with
// provers whose profile changed between their bid and the close (the re-check against a lookup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyBid, applyCommit, applyLock, applyReveal, closeAuction, openAuction } from './auction.ts';
import { pickSealed, sealedCommitment } from './sealed.ts';
import { pickWeighted } from './weighted.ts';
import type { Candidate, ProverProfile, RequestTerms } from './types.ts';
import { arbProfile, arbTerms, at, eligibleRef, prover } from './testkit.ts';

const IDS = Array.from({ length: 12 }, (_, i) => `p${i}`);
const WINDOW = 1000;

/** Each prover as it bids, and as the lookup sees it at close (changed, or gone). */
const arbField = fc.tuple(
  fc.tuple(...IDS.map((id) => arbProfile(id))),
  fc.tuple(...IDS.map((id) => fc.oneof({ weight: 4, arbitrary: fc.constant('same' as const) }, { weight: 2, arbitrary: arbProfile(id) }, { weight: 1, arbitrary: fc.constant('gone' as const) }))),
).map(([bidding, later]) => {
  const atClose = new Map<string, ProverProfile>();
  later.forEach((l, i) => {
    if (l !== 'gone') atClose.set(IDS[i]!, l === 'same' ? bidding[i]! : l);
  });
  return { bidding, atClose };
});

/** Few fees and few instants, so that equal fees, equal scores and equal times are common. */
const arbActions = fc.array(
  fc.record({ who: fc.nat(IDS.length - 1), fee: fc.bigInt({ min: 0n, max: 12n }).map((x) => x * 100n), t: fc.integer({ min: 0, max: 5 }).map((x) => x * 100) }),
  { maxLength: 40, size: 'max' },
);

type Won = { prover_id: string; price: bigint } | null;
const outcomeOf = (o: ReturnType<typeof closeAuction>['explanation']['outcome']): Won => (o.kind === 'won' ? { prover_id: o.prover_id, price: o.price } : null);
/** Earlier first, by time then arrival (the index in the action list). */
const byArrival = (a: { t: number; i: number }, b: { t: number; i: number }) => a.t - b.t || a.i - b.i;

test('clearing weighted = the reference: first accepted bid per prover, re-checked at close, best score, then earliest', () => {
  fc.assert(
    fc.property(arbTerms({ mechanism: 'weighted', bid_window_ms: WINDOW }), arbField, arbActions, (terms, field, actions) => {
      let s = openAuction(terms, at(0));
      for (const a of actions) s = applyBid(s, { prover: field.bidding[a.who]!, fee: a.fee }, at(a.t)).state;
      const got = outcomeOf(closeAuction(s, at(WINDOW), (id) => field.atClose.get(id)).explanation.outcome);

      const seen = new Set<string>();
      const valid: Array<{ id: string; fee: bigint; score: number; t: number; i: number }> = [];
      actions.forEach((a, i) => {
        const p = field.bidding[a.who]!;
        if (seen.has(p.prover_id) || !eligibleRef(p, terms, a.fee)) return;
        seen.add(p.prover_id);
        const now = field.atClose.get(p.prover_id);
        if (!now || !eligibleRef(now, terms, a.fee)) return;
        const ratio = terms.max_price === 0n ? 0 : Number(a.fee) / Number(terms.max_price);
        valid.push({ id: p.prover_id, fee: a.fee, score: 0.7 * (1 - ratio) + 0.3 * ((now.reputation ?? 2.5) / 5), t: a.t, i });
      });
      valid.sort((a, b) => b.score - a.score || byArrival(a, b));
      const best = valid[0];
      assert.deepEqual(got, best ? { prover_id: best.id, price: best.fee } : null);
    }),
    { numRuns: 500 },
  );
});

test('clearing sealed = the reference: valid reveals re-checked at close, sorted by fee then reveal time, second price', () => {
  fc.assert(
    fc.property(
      arbTerms({ mechanism: 'sealed', bid_window_ms: WINDOW, reveal_window_ms: WINDOW }),
      arbField,
      arbActions,
      fc.array(fc.constantFrom('honest', 'honest', 'honest', 'none', 'wrong'), { minLength: 40, maxLength: 40 }),
      (terms, field, actions, reveals) => {
        let s = openAuction(terms, at(0));
        const nonce = (i: number) => `nonce-${i}`;
        const committed = new Map<string, { fee: bigint; i: number }>();
        actions.forEach((a, i) => {
          const p = field.bidding[a.who]!;
          const commitment = sealedCommitment({ request_id: terms.request_id, prover_id: p.prover_id, fee: a.fee, nonce: nonce(i) });
          const r = applyCommit(s, { prover: p, commitment }, at(a.t));
          s = r.state;
          if (r.accepted) committed.set(p.prover_id, { fee: a.fee, i });
        });
        // reveals in reverse order of the commitments, at few instants
        const valid: Array<{ id: string; fee: bigint; t: number; i: number }> = [];
        [...actions].reverse().forEach((a, k) => {
          const i = actions.length - 1 - k;
          const p = field.bidding[a.who]!;
          if (reveals[i] === 'none') return;
          const t = WINDOW + a.t;
          const r = applyReveal(s, { prover: p, fee: a.fee, nonce: reveals[i] === 'wrong' ? 'x' : nonce(i) }, at(t));
          s = r.state;
          if (r.accepted) valid.push({ id: p.prover_id, fee: a.fee, t, i: k });
        });
        const got = outcomeOf(closeAuction(s, at(2 * WINDOW), (id) => field.atClose.get(id)).explanation.outcome);

        const still = valid.filter((v) => {
          const now = field.atClose.get(v.id);
          return now !== undefined && eligibleRef(now, terms, v.fee);
        });
        still.sort((a, b) => (a.fee < b.fee ? -1 : a.fee > b.fee ? 1 : byArrival(a, b)));
        const [first, second] = still;
        if (!first) return assert.equal(got, null);
        const price = (second?.fee ?? first.fee) < terms.max_price ? (second?.fee ?? first.fee) : terms.max_price;
        assert.deepEqual(got, { prover_id: first.id, price });
      },
    ),
    { numRuns: 300 },
  );
});

test('clearing fixed and rising = the reference: the first eligible take or lock wins (at max_price, at the ramp price)', () => {
  const rising = { mechanism: 'rising' as const, bid_window_ms: WINDOW, min_price: 0n, ramp_start_ms: 100, ramp_period_ms: 400, lock_timeout_ms: 10 * WINDOW };
  fc.assert(
    fc.property(fc.boolean(), arbTerms({ mechanism: 'fixed', bid_window_ms: WINDOW }), arbField, arbActions, (isFixed, fixedTerms, field, actions) => {
      const terms: RequestTerms = isFixed ? fixedTerms : { ...fixedTerms, auction: rising };
      // actions arrive in time order here: a take or lock decides at once
      const timed = [...actions].sort((a, b) => a.t - b.t);
      let s = openAuction(terms, at(0));
      for (const a of timed) s = isFixed ? applyBid(s, { prover: field.bidding[a.who]!, fee: a.fee }, at(a.t)).state : applyLock(s, { prover: field.bidding[a.who]! }, at(a.t)).state;
      const got = outcomeOf(closeAuction(s, at(WINDOW), (id) => field.atClose.get(id)).explanation.outcome);

      const rampPrice = (t: number) => (t <= 100 ? 0n : t >= 500 ? terms.max_price : (terms.max_price * BigInt(t - 100)) / 400n);
      const first = timed.find((a) => eligibleRef(field.bidding[a.who]!, terms, isFixed ? a.fee : rampPrice(a.t)));
      const expected = first ? { prover_id: IDS[first.who]!, price: isFixed ? terms.max_price : rampPrice(first.t) } : null;
      assert.deepEqual(got, expected);
    }),
    { numRuns: 400 },
  );
});

test('pickSealed and pickWeighted (one pass) agree with a sort of the same candidates, ties included', () => {
  const arbCandidates = fc.array(fc.record({ fee: fc.bigInt({ min: 0n, max: 5n }), t: fc.nat(3), stars: fc.constantFrom(null, 1, 2.5, 4) }), { maxLength: 30 }).map((xs) =>
    xs.map((x, seq): Candidate => ({ seq, prover_id: `c${seq}`, fee: x.fee, at: at(x.t), prover: prover(`c${seq}`, { reputation: x.stars }) })),
  );
  fc.assert(
    fc.property(arbCandidates, fc.bigInt({ min: 0n, max: 6n }), (cs, max) => {
      const arrival = (a: Candidate, b: Candidate) => a.at.getTime() - b.at.getTime() || a.seq - b.seq;
      const sorted = [...cs].sort((a, b) => (a.fee < b.fee ? -1 : a.fee > b.fee ? 1 : arrival(a, b)));
      const s = pickSealed(cs, max);
      assert.equal(s?.winner.seq, sorted[0]?.seq);
      assert.equal(s?.runner_up?.seq ?? null, sorted[1]?.seq ?? null);
      const w = { price_weight: 0.7, reputation_weight: 0.3 };
      const pick = pickWeighted(cs, max > 0n ? max : 1n, w);
      const ranked = [...pick.scored].sort((a, b) => b.score - a.score || arrival(a, b));
      assert.equal(pick.winner?.seq, ranked[0]?.seq);
      assert.equal(pick.tied, ranked.length > 1 && ranked[1]!.score === ranked[0]!.score);
    }),
    { numRuns: 500 },
  );
});
