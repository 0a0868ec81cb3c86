import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { poseidon8 as reference } from 'poseidon-lite/poseidon8';
import { poseidon8 } from './poseidon8.ts';

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const element = fc.oneof(fc.bigInt({ min: 0n, max: R - 1n }), fc.constantFrom(0n, 1n, R - 1n), fc.bigInt({ min: 0n, max: (1n << 248n) - 1n }));

test('poseidon8 equals poseidon-lite (circomlib Poseidon(8)) on random field elements and edge values', () => {
  fc.assert(fc.property(fc.array(element, { minLength: 8, maxLength: 8 }), (xs) => poseidon8(xs) === reference(xs)), { numRuns: 60 });
  assert.equal(poseidon8([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]), reference([0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n]));
});

test('poseidon8 reduces inputs at or above r, and takes exactly 8', () => {
  const xs = [R, R + 1n, 2n * R + 5n, 3n, 4n, 5n, 6n, 7n];
  assert.equal(poseidon8(xs), reference(xs.map((x) => x % R)));
  assert.throws(() => poseidon8([1n, 2n]), RangeError);
});
