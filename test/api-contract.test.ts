// The API contract (src/api): what it may import, that its vocabularies are the server's, and the seed
// adapter's money (reward_amount a JSON number, at most 2^53 − 1 at submit) next to /v1's decimal strings.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as api from '../src/api/index.ts';
import { ID_PATTERN } from '../src/domain/ids.ts';
import { TASK_STATUSES } from '../src/domain/task.ts';
import { STATS_PERIODS } from '../src/domain/analytics.ts';
import { BACKEND_NAME_RE } from '../src/proofs/backends/registry.ts';
import { INPUT_ENCODINGS } from '../src/proofs/programs.ts';
import { PRIORITIES } from '../src/coordinator/market.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';

const API_DIR = new URL('../src/api/', import.meta.url);

test('src/api imports TypeBox, itself and the pure error table only: no node:, no server code, so the SDK can bundle it for a browser', () => {
  const files = readdirSync(API_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  assert.ok(files.includes('tasks.ts') && files.includes('index.ts'));
  const stray: string[] = [];
  for (const file of files) {
    const source = readFileSync(new URL(file, API_DIR), 'utf8');
    for (const [, from] of source.matchAll(/(?:import|export)[^'";]*?from\s+'([^']+)'/g)) {
      // the error catalogue's table lives in domain/ (which throws the codes and imports nothing of ours)
      if (from !== '@sinclair/typebox' && from !== '../domain/error-codes.ts' && !/^\.\/[a-z-]+\.ts$/.test(from!)) stray.push(`${file}: ${from}`);
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
  assert.equal(api.SEED_REWARD_MAX, 2 ** 53 - 1);
});

let c: TestCoordinator;
before(async () => {
  c = await testCoordinator();
});
after(async () => {
  await c?.close();
  await terminateCurves();
});

const seedTask = (task_id: string, reward_amount: unknown) => ({ task_id, privacy_level: 40, circuit_data: [1, 2, 3], reward_amount, requester: 'seed-client' });

test('seed: reward_amount is a JSON number on the assigned task, exact up to 2^53 - 1', async () => {
  assert.equal((await c.call('POST', '/provers/register', { prover_id: 'seed-p', supported_levels: [40], capacity: 5 })).status, 200);
  for (const [id, sent, shown] of [
    ['r-number', 100, '100'],
    ['r-string', '250', '250'],
    ['r-max', 2 ** 53 - 1, '9007199254740991'],
    ['r-max-string', '9007199254740991', '9007199254740991'],
  ] as const) {
    const sub = await c.call('POST', '/tasks', seedTask(id, sent));
    assert.equal(sub.status, 200, sub.raw);
    const t = await c.call('GET', '/tasks/assign/seed-p');
    assert.equal(t.body.task_id, id);
    assert.equal(typeof t.body.reward_amount, 'number', 'a JSON number, as the seed shows it');
    assert.match(t.raw, new RegExp(`"reward_amount":${shown}[,}]`));
    // /v1 keeps money as a decimal string
    assert.equal((await c.call('GET', `/v1/tasks/${id}`)).body.reward_amount, shown);
  }
});

test('seed: a reward above 2^53 - 1 is refused at submit with a 400 that says so', async () => {
  for (const reward of [2 ** 53, 1e300, '9007199254740992', String(10n ** 30n)]) {
    const r = await c.call('POST', '/tasks', seedTask(`too-big-${String(reward).length}`, reward));
    assert.equal(r.status, 400, r.raw);
    assert.equal(r.body.error.code, 'reward_too_large');
    assert.match(r.body.error.message, /above 2\^53 - 1 \(9007199254740991\)/);
  }
  // the other refusals keep their codes
  assert.equal((await c.call('POST', '/tasks', seedTask('frac', 1.5))).body.error.code, 'invalid_amount');
  assert.equal((await c.call('POST', '/tasks', seedTask('neg', -1))).body.error.code, 'negative_amount');
});

test("seed poll of a /v1 request whose price is above 2^53 - 1: the JSON number's digits are exact", async () => {
  const programs = (await c.call('GET', '/programs')).body as Array<{ program_id: string; name: string; proof_system: string }>;
  const program = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
  const price = String(10n ** 30n + 7n);
  assert.equal((await c.call('POST', '/provers/register', { prover_id: 'big-p', supported_levels: [41], capacity: 1 })).status, 200);
  const r = await c.call('POST', '/v1/requests', {
    requester: 'big-spender', program_id: program, input: Buffer.from([4, 1]).toString('base64'), backend: 'groth16', privacy_level: 41, max_price: price,
  });
  assert.equal(r.status, 201, r.raw);
  assert.equal(r.body.max_price, price, '/v1: a decimal string');
  const t = await c.call('GET', '/tasks/assign/big-p');
  assert.equal(t.body.task_id, r.body.request_id);
  assert.match(t.raw, new RegExp(`"reward_amount":${price}[,}]`), 'the seed: a JSON number, its digits exact');
});
