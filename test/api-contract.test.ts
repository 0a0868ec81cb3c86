// The API contract (src/api): what it may import, and that its vocabularies are the server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as api from '../src/api/index.ts';
import { ID_PATTERN } from '../src/domain/ids.ts';
import { TASK_STATUSES } from '../src/domain/task.ts';
import { STATS_PERIODS } from '../src/domain/analytics.ts';
import { BACKEND_NAME_RE } from '../src/proofs/backends/registry.ts';
import { INPUT_ENCODINGS } from '../src/proofs/programs.ts';
import { PRIORITIES } from '../src/coordinator/market.ts';

const API_DIR = new URL('../src/api/', import.meta.url);

test('src/api imports TypeBox and itself only: no node:, no server code, so the SDK can bundle its types for a browser', () => {
  const files = readdirSync(API_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  assert.ok(files.includes('tasks.ts') && files.includes('index.ts'));
  const stray: string[] = [];
  for (const file of files) {
    const source = readFileSync(new URL(file, API_DIR), 'utf8');
    for (const [, from] of source.matchAll(/(?:import|export)[^'";]*?from\s+'([^']+)'/g)) {
      if (from !== '@sinclair/typebox' && !/^\.\/[a-z-]+\.ts$/.test(from!)) stray.push(`${file}: ${from}`);
    }
  }
  assert.deepEqual(stray, []);
});

test("the contract's vocabularies are the server's", () => {
  assert.equal(api.ID_PATTERN, ID_PATTERN);
  assert.equal(api.BACKEND_NAME_PATTERN, BACKEND_NAME_RE.source);
  assert.deepEqual(api.TASK_STATUSES, TASK_STATUSES);
  assert.deepEqual(api.STATS_PERIODS, STATS_PERIODS);
  assert.deepEqual(api.PRIORITIES, PRIORITIES);
  assert.deepEqual([...api.INPUT_ENCODING_NAMES], Object.keys(INPUT_ENCODINGS));
});
