import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Groth16Batcher, type RunBatch } from './batcher.ts';
import type { ProofItem } from './gate.ts';

/** Records each batch it is given; a proof passes when its first signal is "ok"; `crashOn` makes a batch holding it reject. */
function recorder(crashOn?: string) {
  const batches: string[][] = [];
  const run: RunBatch = async (_vkey, items) => {
    const signals = items.map((i) => i.publicSignals[0]!);
    batches.push(signals);
    if (crashOn && signals.includes(crashOn) && signals.length > 0) throw new Error('worker exited with code 1');
    return signals.map((s) => ({ pass: s === 'ok', ms: 1 }));
  };
  return { batches, run };
}
const item = (signal: string): ProofItem => ({ proof: {}, publicSignals: [signal] });

test('batcher: proofs of one key arriving within the delay go as one batch; other keys apart', async () => {
  const { batches, run } = recorder();
  const b = new Groth16Batcher(run, { delayMs: 20, maxBatch: 64 });
  const keyA = { k: 'a' };
  const results = await Promise.all([b.verify(keyA, item('ok')), b.verify({ k: 'b' }, item('ok')), b.verify({ k: 'a' }, item('bad')), b.verify(keyA, item('ok'))]);
  assert.deepEqual(results.map((r) => r.pass), [true, true, false, true]);
  assert.deepEqual(batches.map((x) => x.length).sort(), [1, 3], 'key a (two equal objects) in one batch of 3, key b alone');
});

test('batcher: a full batch goes at once, without waiting for the delay', async () => {
  const { batches, run } = recorder();
  const b = new Groth16Batcher(run, { delayMs: 60_000, maxBatch: 3 });
  const started = performance.now();
  await Promise.all([1, 2, 3].map(() => b.verify({}, item('ok'))));
  assert.ok(performance.now() - started < 30_000);
  assert.deepEqual(batches, [['ok', 'ok', 'ok']]);
});

test('batcher: with delay 0 every proof goes alone', async () => {
  const { batches, run } = recorder();
  const b = new Groth16Batcher(run, { delayMs: 0, maxBatch: 64 });
  await Promise.all([b.verify({}, item('ok')), b.verify({}, item('ok'))]);
  assert.deepEqual(batches, [['ok'], ['ok']]);
});

test('batcher: when a worker dies on a batch, each proof is tried alone, and only the one it dies on fails', async () => {
  const { batches, run } = recorder('crash');
  const b = new Groth16Batcher(run, { delayMs: 10, maxBatch: 64 });
  const results = await Promise.all([b.verify({}, item('ok')), b.verify({}, item('crash')), b.verify({}, item('ok'))]);
  assert.deepEqual(results.map((r) => r.pass), [true, false, true]);
  assert.match(results[1]!.reason!, /verification aborted: worker exited/);
  assert.equal(batches.length, 4);
});

test('batcher: flush sends the open batches now', async () => {
  const { batches, run } = recorder();
  const b = new Groth16Batcher(run, { delayMs: 60_000, maxBatch: 64 });
  const pending = Promise.all([b.verify({}, item('ok')), b.verify({ other: 1 }, item('ok'))]);
  b.flush();
  assert.equal((await pending).length, 2);
  assert.equal(batches.length, 2);
});
