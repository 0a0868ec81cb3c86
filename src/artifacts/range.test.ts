import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteRange } from './range.ts';

test('Range: one byte range, clipped; the whole for what is ignored; unsatisfiable past the end', () => {
  assert.deepEqual(byteRange(undefined, 10), { kind: 'whole' });
  assert.deepEqual(byteRange('bytes=0-3', 10), { kind: 'part', start: 0, end: 3 });
  assert.deepEqual(byteRange('bytes=5-', 10), { kind: 'part', start: 5, end: 9 });
  assert.deepEqual(byteRange('bytes=-4', 10), { kind: 'part', start: 6, end: 9 });
  assert.deepEqual(byteRange('bytes=-40', 10), { kind: 'part', start: 0, end: 9 });
  assert.deepEqual(byteRange('bytes=8-100', 10), { kind: 'part', start: 8, end: 9 });
  assert.deepEqual(byteRange('bytes=10-', 10), { kind: 'unsatisfiable' });
  assert.deepEqual(byteRange('bytes=-0', 10), { kind: 'unsatisfiable' });
  assert.deepEqual(byteRange('bytes=0-0', 0), { kind: 'unsatisfiable' });
  for (const ignored of ['bytes=0-1,3-4', 'items=0-1', 'bytes=4-2', 'bytes=-', 'bytes=x-1']) assert.deepEqual(byteRange(ignored, 10), { kind: 'whole' }, ignored);
});
