import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { orderBook, percentile, suggestedPrice, type BookAsk, type BookRequest } from './orderbook.ts';

test('order book: depth per price level, best prices and spread, one backend at a time', () => {
  const requests: BookRequest[] = [
    { request_id: 'r1', backend: 'groth16', max_price: 100n },
    { request_id: 'r2', backend: 'groth16', max_price: 120n },
    { request_id: 'r3', backend: 'groth16', max_price: 100n },
    { request_id: 'r4', backend: 'plonk', max_price: 999n },
  ];
  const asks: BookAsk[] = [
    { prover_id: 'a', backend: 'groth16', min_price: 110n, capacity: 2 },
    { prover_id: 'b', backend: 'groth16', min_price: 130n, capacity: 1 },
    { prover_id: 'c', backend: 'groth16', min_price: 110n, capacity: 3 },
    { prover_id: 'd', backend: 'groth16', min_price: 50n, capacity: 0 },
  ];
  assert.deepEqual(orderBook(requests, asks, 'groth16'), {
    backend: 'groth16',
    bids: [{ price: 120n, quantity: 1 }, { price: 100n, quantity: 2 }],
    asks: [{ price: 110n, quantity: 5 }, { price: 130n, quantity: 1 }],
    best_bid: 120n,
    best_ask: 110n,
    spread: -10n,
    crossed: true,
  });
  assert.deepEqual(orderBook(requests, [], 'plonk'), { backend: 'plonk', bids: [{ price: 999n, quantity: 1 }], asks: [], best_bid: 999n, best_ask: null, spread: null, crossed: false });
});

test('order book: crossed exactly when some request matches some ask', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ request_id: fc.constant('r'), backend: fc.constantFrom('g', 'p'), max_price: fc.bigInt({ min: 0n, max: 50n }) })),
      fc.array(fc.record({ prover_id: fc.constant('a'), backend: fc.constantFrom('g', 'p'), min_price: fc.bigInt({ min: 0n, max: 50n }), capacity: fc.integer({ min: 0, max: 3 }) })),
      (rs, as) => {
        const b = orderBook(rs, as, 'g');
        const mine = rs.filter((r) => r.backend === 'g');
        const offers = as.filter((a) => a.backend === 'g' && a.capacity > 0);
        assert.equal(b.crossed, mine.some((r) => offers.some((a) => r.max_price >= a.min_price)));
        assert.equal(b.bids.reduce((n, l) => n + l.quantity, 0), mine.length);
        assert.equal(b.asks.reduce((n, l) => n + l.quantity, 0), offers.reduce((n, a) => n + a.capacity, 0));
        for (let i = 1; i < b.bids.length; i++) assert.ok(b.bids[i - 1]!.price > b.bids[i]!.price);
        for (let i = 1; i < b.asks.length; i++) assert.ok(b.asks[i - 1]!.price < b.asks[i]!.price);
      },
    ),
  );
});

test('suggested price: nearest-rank p50 and p90', () => {
  assert.deepEqual(suggestedPrice([100n, 10n, 90n, 20n, 80n, 30n, 70n, 40n, 60n, 50n]), { p50: 50n, p90: 90n, count: 10 });
  assert.deepEqual(suggestedPrice([7n]), { p50: 7n, p90: 7n, count: 1 });
  assert.deepEqual(suggestedPrice([1n, 2n, 3n]), { p50: 2n, p90: 3n, count: 3 });
  assert.equal(suggestedPrice([]), null);
});

test('percentile: the smallest value with at least p% of the values at or below it', () => {
  fc.assert(
    fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { minLength: 1 }), fc.integer({ min: 1, max: 100 }), (xs, p) => {
      const v = percentile(xs, p)!;
      const n = xs.length;
      assert.ok(xs.includes(v));
      assert.ok(xs.filter((x) => x <= v).length * 100 >= p * n);
      assert.ok(xs.filter((x) => x < v).length * 100 < p * n);
    }),
  );
});
