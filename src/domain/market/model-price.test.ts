import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modelPriceHint, modelProveTime } from './model-price.ts';

test('a model\'s prove time is its own median, else the backend\'s time per row scaled to its rows, else null', () => {
  assert.deepEqual(modelProveTime([300, 100, 200], [], 12), { ms: 200, source: 'measured', count: 3 });
  assert.deepEqual(modelProveTime([100, 200], [], 12), { ms: 150, source: 'measured', count: 2 });
  const backend = [{ price: 10n, ms: 1024, logrows: 10 }, { price: 10n, ms: 4096, logrows: 12 }, { price: 10n, ms: 50, logrows: null }];
  // 1 ms per row for both models: a 2^14-row model is estimated at 16384 ms.
  assert.deepEqual(modelProveTime([], backend, 14), { ms: 16384, source: 'estimated', count: 2 });
  assert.equal(modelProveTime([], [{ price: 1n, ms: 5, logrows: null }], 12), null);
});

test('the price hint is the backend\'s price per millisecond at p50 and p90 times the model\'s prove time, rounded up', () => {
  assert.deepEqual(modelPriceHint([{ price: 100n, ms: 1000, logrows: 12 }], 2000), { p50: 200n, p90: 200n, count: 1 });
  const samples = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n].map((k) => ({ price: k * 1000n, ms: 1000, logrows: 12 }));
  assert.deepEqual(modelPriceHint(samples, 500), { p50: 2500n, p90: 4500n, count: 10 });
  // 1 base unit for a 3 ms proof is a third of a unit per ms: 1 ms of proving still costs a whole unit.
  assert.deepEqual(modelPriceHint([{ price: 1n, ms: 3, logrows: 12 }], 1), { p50: 1n, p90: 1n, count: 1 });
  assert.equal(modelPriceHint([], 1000), null);
  assert.equal(modelPriceHint(samples, null), null);
  // Money stays exact beyond 2^53.
  assert.equal(modelPriceHint([{ price: 10n ** 30n, ms: 1000, logrows: 12 }], 1000)!.p50, 10n ** 30n);
});
