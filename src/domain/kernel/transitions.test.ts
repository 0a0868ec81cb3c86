import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ECONOMICS, accounts } from '../ledger.ts';
import type { RequestRecord, StakeLock } from '../request.ts';
import * as k from './transitions.ts';

const NOW = new Date('2026-01-01T00:10:00Z');
const K: k.KernelConfig = { economics: { ...DEFAULT_ECONOMICS, protocolFeeBps: 100 }, maxAttempts: 2, proofTimeoutMs: 60_000 };

function request(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    task_id: 't1', privacy_level: 1, circuit_data: new Uint8Array([1]), reward_amount: 100n, requester: 'alice', priority: 50, program_id: 'p',
    expected_public_signals: [], status: 'pending', assigned_prover: null, assigned_at: null, attempts: 0, excluded_provers: [],
    deadline: new Date(NOW.getTime() + 3_600_000), request_hash: 'h', created_at: new Date(0), updated_at: new Date(0), backend: 'groth16',
    mechanism: 'fixed', max_price: 100n, min_reputation: 0, allow_list: null, terms: null, price: null, handed_out: true, round: 0, min_stake: 0n, ...over,
  };
}
const held = (over: Partial<RequestRecord> = {}) => request({ status: 'assigned', assigned_prover: 'bob', assigned_at: new Date(NOW.getTime() - 10_000), price: 80n, ...over });
const lock: StakeLock = { lock_id: '7', task_id: 't1', prover_id: 'bob', amount: 50n, locked_at: new Date(0), state: 'locked' };

test('submitted: a new pending request, its escrow (after a faucet grant, if any) and its event', () => {
  const grant = k.openFaucetGrant('alice', 100n, 30n, 1_000n);
  const p = k.submitted(request(), { escrow: 100n, faucet: grant }, NOW);
  assert.equal(p.op, 'insert');
  assert.deepEqual(p.ledger.map((m) => m.kind), ['faucet', 'escrow']);
  assert.deepEqual(p.event, { kind: 'request.submitted', task_id: 't1', at: NOW, from_status: null, to_status: 'pending', cause: 'submitted', prover_id: null, detail: null });
  assert.equal(k.openFaucetGrant('alice', 100n, 100n, 1_000n), null, 'enough already: no grant');
});

test('assigned: the holder, the price and a stake lock checked against overcommit', () => {
  const p = k.assigned(request({ min_stake: 50n }), { prover_id: 'bob', price: 100n, cause: 'assigned', handed_out: true, stake: { free: 60n, locked: 0n } }, K, NOW);
  assert.equal(p.next.status, 'assigned');
  assert.equal(p.next.assigned_prover, 'bob');
  assert.equal(p.stake?.kind, 'lock');
  assert.deepEqual(p.event.detail, { price: '100' });
  assert.throws(
    () => k.assigned(request({ min_stake: 50n }), { prover_id: 'bob', price: 100n, cause: 'assigned', handed_out: true, stake: { free: 60n, locked: 40n } }, K, NOW),
    (e: { code?: string }) => e.code === 'stake_insufficient',
  );
  assert.throws(() => k.assigned(held(), { prover_id: 'bob', price: 1n, cause: 'auction_won', handed_out: false, stake: null }, K, NOW), /cannot go from assigned to assigned/);
});

test('a verified proof pays the price less the fee, refunds the rest and frees the stake', () => {
  const p = k.verdictReached(held({ min_stake: 50n }), { prover_id: 'bob', proof: new Uint8Array(), pass: true, verify_ms: 5, expected_ms: 1_000 }, { escrowed: 100n, lock, subscription: null }, K, NOW);
  assert.equal(p.next.status, 'completed');
  assert.deepEqual(p.ledger.map((m) => m.kind), ['settle']);
  const paid = p.ledger[0]!.postings;
  assert.equal(paid.find((x) => x.account === accounts.earnings('bob'))!.amount + paid.find((x) => x.account === accounts.treasury)!.amount, 80n, 'the price is paid: earnings plus fee');
  assert.equal(paid.find((x) => x.account === accounts.balance('alice'))!.amount, 20n, 'the rest is refunded');
  assert.equal(p.stake?.kind, 'release');
  assert.equal(p.observation?.success, true);
  assert.equal(p.proof?.verification_result, 'Pass');
});

test('a rejected proof: back to pending without that prover, then failed and refunded at the attempt limit', () => {
  const fail = { prover_id: 'bob', proof: new Uint8Array(), pass: false, reason: 'bad', verify_ms: 5, expected_ms: 1_000 };
  const once = k.verdictReached(held(), fail, { escrowed: 100n, lock: null, subscription: null }, K, NOW);
  assert.equal(once.next.status, 'pending');
  assert.deepEqual(once.next.excluded_provers, ['bob']);
  assert.equal(once.ledger.length, 0);
  assert.equal(once.event.kind, 'request.proof_rejected');
  const last = k.verdictReached(held({ attempts: 1 }), fail, { escrowed: 100n, lock: null, subscription: null }, K, NOW);
  assert.equal(last.next.status, 'failed');
  assert.equal(last.event.kind, 'request.max_attempts');
  assert.deepEqual(last.ledger.map((m) => m.kind), ['refund']);
});

test('a timeout slashes a holder past its proof timeout within the slash window, and releases an offline one', () => {
  const late = held({ assigned_at: new Date(NOW.getTime() - 61_000), min_stake: 50n });
  assert.equal(k.timedOut(late, { cause: 'proof_timeout', lock, expected_ms: 1_000 }, K, NOW).stake?.kind, 'slash');
  assert.equal(k.timedOut(late, { cause: 'prover_offline', lock, expected_ms: 1_000 }, K, NOW).stake?.kind, 'release');
  const long = held({ assigned_at: new Date(NOW.getTime() - 60_000 - K.economics.slashWindowMs - 1), min_stake: 50n });
  assert.equal(k.timedOut(long, { cause: 'proof_timeout', lock, expected_ms: 1_000 }, K, NOW).stake?.kind, 'release', 'past the slash window: released');
});

test('the deadline fails and refunds; a holder still on it is slashed', () => {
  const p = k.deadlinePassed(held({ deadline: new Date(NOW.getTime() - 1), min_stake: 50n }), { escrowed: 100n, lock }, K, NOW);
  assert.equal(p.next.status, 'failed');
  assert.equal(p.stake?.kind, 'slash');
  assert.deepEqual(p.event.detail, { refund: '100' });
});

test('only a pending request can be cancelled', () => {
  assert.equal(k.cancelled(request(), 100n, NOW).next.status, 'failed');
  assert.throws(() => k.cancelled(held(), 100n, NOW), (e: { code?: string }) => e.code === 'not_cancellable');
});
