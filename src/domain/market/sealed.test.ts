import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyCommit, applyReveal, closeAuction, openAuction, type AuctionState } from './auction.ts';
import { commitmentPreimage, pickSealed, sealedCommitment } from './sealed.ts';
import type { ProverProfile } from './types.ts';
import { arbProfiles, arbTerms, at, eligibleRef, PROVER_IDS, prover, terms } from './testkit.ts';

const spec = { mechanism: 'sealed' as const, bid_window_ms: 1000, reveal_window_ms: 1000 };
const commit = (s: AuctionState, p: ProverProfile, fee: bigint, nonce: string, t: number) =>
  applyCommit(s, { prover: p, commitment: sealedCommitment({ request_id: s.request_id, prover_id: p.prover_id, fee, nonce }) }, at(t));

test('sealed: the commitment is sha256 over a pinned canonical encoding', () => {
  const b = { request_id: 'r1', prover_id: 'p1', fee: 90n, nonce: '00ff' };
  assert.equal(commitmentPreimage(b), '["proofmarket/sealed-bid/v1","r1","p1","90","00ff"]');
  assert.equal(sealedCommitment(b), '4e012f1d66ae6d19429bc4e1f7692052149e394033044a1ba3b02aa686713d31');
  // ids cannot collide by moving a separator
  assert.notEqual(sealedCommitment({ ...b, request_id: 'r1","p1', prover_id: '' }), sealedCommitment(b));
});

test('sealed: the lowest fee wins and is paid the second-lowest; the requester gets the rest', () => {
  const ps = ['a', 'b', 'c', 'lazy', 'liar'].map((id) => prover(id));
  const [a, b, c, lazy, liar] = ps as [ProverProfile, ProverProfile, ProverProfile, ProverProfile, ProverProfile];
  let s = openAuction(terms(spec), at(0));
  s = commit(s, a, 80n, 'na', 10).state;
  s = commit(s, b, 95n, 'nb', 20).state;
  s = commit(s, c, 90n, 'nc', 30).state;
  s = commit(s, lazy, 1n, 'nl', 40).state; // never reveals
  s = commit(s, liar, 2n, 'nx', 50).state; // reveals another fee
  assert.equal(applyReveal(s, { prover: a, fee: 80n, nonce: 'na' }, at(999)).accepted ? 'open' : 'refused', 'refused', 'reveals wait for the reveal phase');
  for (const [p, fee, nonce, t] of [[a, 80n, 'na', 1000], [b, 95n, 'nb', 1100], [c, 90n, 'nc', 1200]] as const) {
    assert.equal(applyReveal(s, { prover: p, fee, nonce }, at(t)).accepted, true);
    s = applyReveal(s, { prover: p, fee, nonce }, at(t)).state;
  }
  const lie = applyReveal(s, { prover: liar, fee: 3n, nonce: 'nx' }, at(1300));
  assert.deepEqual(!lie.accepted && lie.reason, 'commitment_mismatch');
  s = lie.state;
  const { explanation: x } = closeAuction(s, at(2000));
  assert.deepEqual(x.outcome.kind === 'won' && [x.outcome.prover_id, x.outcome.price, x.outcome.refund], ['a', 90n, 10n]);
  assert.match(x.outcome.why, /lowest fee 80 of 3 valid reveal\(s\); paid the second-lowest fee 90 \(c\)/);
  const byId = (id: string, action: string) => x.entries.find((e) => e.prover_id === id && e.action === action);
  assert.deepEqual([byId('lazy', 'commit')?.result, byId('lazy', 'commit')?.reason], ['rejected', 'not_revealed']);
  assert.deepEqual([byId('liar', 'commit')?.result, byId('liar', 'reveal')?.reason], ['rejected', 'commitment_mismatch']);
});

test('sealed: a lone reveal is paid its own fee; the protocol refuses what it must', () => {
  const p = prover('a');
  let s = openAuction(terms(spec), at(0));
  const bad = applyCommit(s, { prover: p, commitment: 'xyz' }, at(1));
  assert.equal(!bad.accepted && bad.reason, 'invalid_commitment');
  s = commit(s, p, 70n, 'n', 1).state;
  const dup = commit(s, p, 60n, 'n', 2);
  assert.equal(!dup.accepted && dup.reason, 'duplicate_bid');
  const late = commit(s, prover('b'), 60n, 'n', 1000);
  assert.equal(!late.accepted && late.reason, 'phase_closed');
  const stranger = applyReveal(s, { prover: prover('b'), fee: 60n, nonce: 'n' }, at(1001));
  assert.equal(!stranger.accepted && stranger.reason, 'no_commitment');
  s = applyReveal(s, { prover: p, fee: 70n, nonce: 'n' }, at(1001)).state;
  const again = applyReveal(s, { prover: p, fee: 70n, nonce: 'n' }, at(1002));
  assert.equal(!again.accepted && again.reason, 'duplicate_bid');
  const tooLate = applyReveal(s, { prover: p, fee: 70n, nonce: 'n' }, at(2000));
  assert.equal(!tooLate.accepted && tooLate.reason, 'phase_closed');
  const o = closeAuction(s, at(2000)).explanation.outcome;
  assert.deepEqual(o.kind === 'won' && [o.prover_id, o.price, o.refund], ['a', 70n, 30n]);
});

test('sealed: a fee above max_price is refused at reveal', () => {
  const p = prover('a');
  let s = openAuction(terms(spec), at(0));
  s = commit(s, p, 101n, 'n', 1).state;
  const r = applyReveal(s, { prover: p, fee: 101n, nonce: 'n' }, at(1000));
  assert.equal(!r.accepted && r.reason, 'price_above_max');
  assert.equal(closeAuction(r.state, at(2000)).explanation.outcome.kind, 'no_winner');
});

test('pickSealed: equal lowest fees pay that fee, and the earlier reveal wins', () => {
  const c = (id: string, fee: bigint, t: number, seq: number) => ({ prover_id: id, fee, at: at(t), seq, prover: prover(id) });
  const pick = pickSealed([c('late', 50n, 20, 0), c('early', 50n, 10, 1), c('x', 70n, 5, 2)], 100n);
  assert.deepEqual(pick && [pick.winner.prover_id, pick.price, pick.refund], ['early', 50n, 50n]);
  assert.equal(pickSealed([], 100n), null);
});

type Plan = { who: number; fee: bigint; reveal: 'honest' | 'wrong_fee' | 'wrong_nonce' | 'none'; tc: number; tr: number };

test('sealed: the winner is the lowest valid eligible reveal, paid the second price, never more than max; unrevealed and mismatched never win', () => {
  fc.assert(
    fc.property(
      arbTerms(spec),
      arbProfiles,
      fc.array(
        fc.record({
          who: fc.nat(PROVER_IDS.length - 1),
          fee: fc.bigInt({ min: 0n, max: 1100n }).map((x) => x - (x % 25n)),
          reveal: fc.constantFrom('honest', 'honest', 'wrong_fee', 'wrong_nonce', 'none'),
          tc: fc.integer({ min: 0, max: 999 }),
          tr: fc.integer({ min: 1000, max: 1999 }).map((x) => x - (x % 100)),
        }) as fc.Arbitrary<Plan>,
        { maxLength: 10, size: 'max' },
      ),
      (t, profiles, plans) => {
        let s = openAuction(t, at(0));
        const committed = new Map<string, Plan>();
        for (const pl of plans) {
          const p = profiles[pl.who]!;
          const r = commit(s, p, pl.fee, `n${pl.who}`, pl.tc);
          s = r.state;
          if (r.accepted) committed.set(p.prover_id, pl);
        }
        const order = [...plans].sort((a, b) => a.tr - b.tr);
        const valid: Array<{ id: string; fee: bigint; t: number; i: number }> = [];
        order.forEach((pl, i) => {
          const p = profiles[pl.who]!;
          if (pl.reveal === 'none') return;
          const fee = pl.reveal === 'wrong_fee' ? pl.fee + 1n : pl.fee;
          const nonce = pl.reveal === 'wrong_nonce' ? 'other' : `n${pl.who}`;
          const r = applyReveal(s, { prover: p, fee, nonce }, at(pl.tr));
          s = r.state;
          const c = committed.get(p.prover_id);
          const honest = c !== undefined && fee === c.fee && nonce === `n${pl.who}`;
          const expectAccepted = honest && eligibleRef(p, t, fee) && !valid.some((v) => v.id === p.prover_id);
          assert.equal(r.accepted, expectAccepted, `reveal by ${p.prover_id}`);
          if (r.accepted) valid.push({ id: p.prover_id, fee, t: pl.tr, i });
        });
        const { explanation: x } = closeAuction(s, at(2000));
        valid.sort((a, b) => (a.fee < b.fee ? -1 : a.fee > b.fee ? 1 : a.t - b.t || a.i - b.i));
        const [first, second] = valid;
        if (first === undefined) return assert.equal(x.outcome.kind, 'no_winner');
        assert.equal(x.outcome.kind === 'won' && x.outcome.prover_id, first.id);
        if (x.outcome.kind !== 'won') return;
        assert.equal(x.outcome.price, second?.fee ?? first.fee);
        assert.ok(x.outcome.price <= t.max_price && x.outcome.price >= first.fee);
        assert.equal(x.outcome.refund, t.max_price - x.outcome.price);
        // the winning entry is a reveal that opens the prover's own commitment, by an eligible prover
        const won = x.entries.find((e) => e.result === 'won')!;
        assert.equal(won.action, 'reveal');
        assert.equal(won.fee, committed.get(first.id)?.fee);
        assert.ok(eligibleRef(profiles.find((p) => p.prover_id === first.id)!, t, first.fee));
      },
    ),
    { numRuns: 300 },
  );
});
