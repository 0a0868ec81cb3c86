// Every kind of bad input gets a 4xx {"error": {"code", "message"}} and changes nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';

let c: TestCoordinator;
const task = { task_id: 'bad-input-base', privacy_level: 2, circuit_data: [1, 2, 3, 4], reward_amount: 100, requester: 'client-001', priority: 10 };
const prover = { prover_id: 'bad-input-prover', supported_levels: [1, 2, 3], capacity: 5 };

before(async () => {
  c = await testCoordinator({ bodyLimit: 64 * 1024 });
  assert.equal((await c.call('POST', '/provers/register', prover)).status, 200);
  assert.equal((await c.call('POST', '/tasks', task)).status, 200);
});
after(() => c.close());

async function snapshot() {
  const rows = await c.db.query(`SELECT (SELECT count(*) FROM tasks)::int AS tasks, (SELECT count(*) FROM provers)::int AS provers,
    (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM proofs)::int AS proofs,
    (SELECT coalesce(max(updated_at), 'epoch') FROM provers)::text AS provers_updated`);
  return rows[0];
}

type Case = [name: string, method: string, url: string, body: unknown, status: number, code: string | RegExp, headers?: Record<string, string>];

const cases: Case[] = [
  ['malformed JSON', 'POST', '/tasks', '{"task_id": ', 400, 'malformed_json'],
  ['truncated JSON to result', 'POST', '/tasks/result', '{"task_id": "x", "proof": [1,', 400, 'malformed_json'],
  ['empty body', 'POST', '/tasks', '', 400, /malformed_json|invalid_request/],
  ['JSON that is not an object', 'POST', '/tasks', '[1,2,3]', 400, 'invalid_request'],
  ['missing privacy_level', 'POST', '/tasks', { ...task, task_id: 'm1', privacy_level: undefined }, 400, 'invalid_request'],
  ['missing circuit_data', 'POST', '/tasks', { ...task, task_id: 'm2', circuit_data: undefined }, 400, 'invalid_request'],
  ['missing requester', 'POST', '/tasks', { ...task, task_id: 'm3', requester: undefined }, 400, 'invalid_request'],
  ['privacy_level as a string', 'POST', '/tasks', { ...task, task_id: 'm4', privacy_level: '2' }, 400, 'invalid_request'],
  ['privacy_level 0', 'POST', '/tasks', { ...task, task_id: 'm5', privacy_level: 0 }, 400, 'invalid_request'],
  ['privacy_level 256', 'POST', '/tasks', { ...task, task_id: 'm6', privacy_level: 256 }, 400, 'invalid_request'],
  ['privacy_level 1.5', 'POST', '/tasks', { ...task, task_id: 'm7', privacy_level: 1.5 }, 400, 'invalid_request'],
  ['priority -1', 'POST', '/tasks', { ...task, task_id: 'm8', priority: -1 }, 400, 'invalid_request'],
  ['priority 101', 'POST', '/tasks', { ...task, task_id: 'm9', priority: 101 }, 400, 'invalid_request'],
  ['negative reward', 'POST', '/tasks', { ...task, task_id: 'm10', reward_amount: -100 }, 400, 'negative_amount'],
  ['negative reward as string', 'POST', '/tasks', { ...task, task_id: 'm11', reward_amount: '-1' }, 400, 'negative_amount'],
  ['fractional reward', 'POST', '/tasks', { ...task, task_id: 'm12', reward_amount: 1.5 }, 400, 'invalid_amount'],
  ['reward not a number', 'POST', '/tasks', { ...task, task_id: 'm13', reward_amount: 'lots' }, 400, 'invalid_amount'],
  ['reward as a boolean', 'POST', '/tasks', { ...task, task_id: 'm14', reward_amount: true }, 400, 'invalid_request'],
  ['circuit_data with 256', 'POST', '/tasks', { ...task, task_id: 'm15', circuit_data: [1, 256] }, 400, 'invalid_request'],
  ['circuit_data with -1', 'POST', '/tasks', { ...task, task_id: 'm16', circuit_data: [-1] }, 400, 'invalid_request'],
  ['circuit_data with a string', 'POST', '/tasks', { ...task, task_id: 'm17', circuit_data: ['a'] }, 400, 'invalid_request'],
  ['circuit_data as a string', 'POST', '/tasks', { ...task, task_id: 'm18', circuit_data: 'AQID' }, 400, 'invalid_request'],
  ['circuit_data with a fraction', 'POST', '/tasks', { ...task, task_id: 'm19', circuit_data: [1.5] }, 400, 'invalid_request'],
  ['circuit_data over the program capacity', 'POST', '/tasks', { ...task, task_id: 'm20', circuit_data: new Array(4000).fill(7) }, 400, 'input_too_large'],
  ['ill-formed task id', 'POST', '/tasks', { ...task, task_id: 'bad id!' }, 400, 'invalid_request'],
  ['task id too long', 'POST', '/tasks', { ...task, task_id: 'a'.repeat(65) }, 400, 'invalid_request'],
  ['ill-formed requester', 'POST', '/tasks', { ...task, task_id: 'm21', requester: '' }, 400, 'invalid_request'],
  ['body over the size limit', 'POST', '/tasks', { ...task, task_id: 'm22', circuit_data: new Array(30_000).fill(200) }, 413, 'payload_too_large'],
  ['duplicate task id, different body', 'POST', '/tasks', { ...task, reward_amount: 101 }, 409, 'duplicate_task_id'],
  ['not JSON content type', 'POST', '/tasks', 'privacy_level=2', 415, 'unsupported_media_type', { 'content-type': 'text/plain' }],
  ['unknown prover polling', 'GET', '/tasks/assign/nobody-here', undefined, 404, 'prover_not_found'],
  ['ill-formed prover id polling', 'GET', '/tasks/assign/no%20such', undefined, 400, 'invalid_request'],
  ['status of an unknown task', 'GET', '/tasks/unknown-task/status', undefined, 404, 'task_not_found'],
  ['status with an ill-formed id', 'GET', '/tasks/bad%20id/status', undefined, 400, 'invalid_request'],
  ['register: supported_levels with 0', 'POST', '/provers/register', { ...prover, prover_id: 'r1', supported_levels: [0] }, 400, 'invalid_request'],
  ['register: empty supported_levels', 'POST', '/provers/register', { ...prover, prover_id: 'r2', supported_levels: [] }, 400, 'invalid_request'],
  ['register: capacity 0', 'POST', '/provers/register', { ...prover, prover_id: 'r3', capacity: 0 }, 400, 'invalid_request'],
  ['register: capacity as a string', 'POST', '/provers/register', { ...prover, prover_id: 'r4', capacity: '5' }, 400, 'invalid_request'],
  ['register: unknown field', 'POST', '/provers/register', { ...prover, prover_id: 'r5', colour: 'red' }, 400, 'invalid_request'],
  ['register: bad reward address', 'POST', '/provers/register', { ...prover, prover_id: 'r6', reward_address: '0x123' }, 400, 'invalid_request'],
  ['register: ill-formed id', 'POST', '/provers/register', { ...prover, prover_id: '-bad' }, 400, 'invalid_request'],
  ['register: duplicate id, different body', 'POST', '/provers/register', { ...prover, capacity: 6 }, 409, 'duplicate_prover_id'],
  ['heartbeat: unknown prover', 'POST', '/provers/heartbeat', { prover_id: 'nobody-here' }, 404, 'prover_not_found'],
  ['heartbeat: bad status', 'POST', '/provers/heartbeat', { prover_id: prover.prover_id, status: 'sleepy' }, 400, 'invalid_request'],
  ['heartbeat: negative load', 'POST', '/provers/heartbeat', { prover_id: prover.prover_id, current_load: -1 }, 400, 'invalid_request'],
  ['result: missing proof', 'POST', '/tasks/result', { task_id: task.task_id, prover_id: prover.prover_id }, 400, 'invalid_request'],
  ['result: proof not bytes', 'POST', '/tasks/result', { task_id: task.task_id, prover_id: prover.prover_id, proof: 'deadbeef' }, 400, 'invalid_request'],
  ['result: unknown task', 'POST', '/tasks/result', { task_id: 'nope', prover_id: prover.prover_id, proof: [1] }, 404, 'task_not_found'],
  ['result: task not assigned to this prover', 'POST', '/tasks/result', { task_id: task.task_id, prover_id: prover.prover_id, proof: [1] }, 403, 'not_assigned'],
  ['program: unknown id', 'GET', `/programs/${'0'.repeat(64)}`, undefined, 404, 'program_not_found'],
  ['program: ill-formed id', 'GET', '/programs/xyz', undefined, 400, 'invalid_request'],
  ['program upload: not a zkey', 'POST', '/programs', { name: 'x', proof_system: 'groth16', wasm: 'AGFzbQEAAAA=', zkey: 'AAAA', vkey: { protocol: 'groth16' } }, 400, 'invalid_artifact'],
  ['program upload: bad wasm', 'POST', '/programs', { name: 'x', proof_system: 'groth16', wasm: 'AAAA', zkey: 'AAAA', vkey: { protocol: 'groth16' } }, 400, 'invalid_artifact'],
  ['no such route', 'GET', '/no/such/route', undefined, 404, 'route_not_found'],
];

test('bad input: each case is a clear 4xx and nothing is stored', async () => {
  const before = await snapshot();
  for (const [name, method, url, body, status, code, headers] of cases) {
    const payload = body === undefined || typeof body === 'string' ? body : JSON.parse(JSON.stringify(body));
    const res = await c.call(method, url, payload, headers);
    assert.equal(res.status, status, `${name}: status (got ${JSON.stringify(res.body)})`);
    assert.equal(typeof res.body?.error?.message, 'string', `${name}: has a message`);
    assert.ok(res.body.error.message.length > 5, `${name}: message says something`);
    if (code instanceof RegExp) assert.match(res.body.error.code, code, name);
    else assert.equal(res.body.error.code, code, `${name}: code (message: ${res.body.error.message})`);
  }
  assert.deepEqual(await snapshot(), before, 'nothing changed');
});

test('the identical body again is idempotent', async () => {
  const before = await snapshot();
  const t = await c.call('POST', '/tasks', task);
  assert.equal(t.status, 200);
  assert.equal(t.body, task.task_id);
  const p = await c.call('POST', '/provers/register', prover);
  assert.equal(p.status, 200);
  assert.equal(p.body, prover.prover_id);
  const after = await snapshot();
  assert.equal(after!.tasks, before!.tasks);
  assert.equal(after!.provers, before!.provers);
});

test('property: no body, however strange, makes a route answer 5xx', async () => {
  const nearTask = fc.record(
    {
      task_id: fc.oneof(fc.uuid(), fc.string({ maxLength: 70 })),
      privacy_level: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double(), fc.string(), fc.constant(null)),
      circuit_data: fc.oneof(fc.array(fc.integer({ min: -2, max: 300 }), { maxLength: 40 }), fc.string(), fc.array(fc.anything(), { maxLength: 3 })),
      reward_amount: fc.oneof(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String), fc.integer(), fc.double(), fc.string()),
      requester: fc.oneof(fc.string({ maxLength: 70 }), fc.integer()),
      priority: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.string()),
    },
    { requiredKeys: [] },
  );
  const anyBody = fc.oneof(fc.json(), fc.anything().map((v) => JSON.stringify(v) ?? 'null'), fc.string());
  const routes = ['/tasks', '/tasks/result', '/provers/register', '/provers/heartbeat', '/programs', '/v1/tasks/x/start', '/v1/tasks/x/release'];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(anyBody, nearTask.map((o) => JSON.stringify(o))), async (route, body) => {
      const res = await c.call('POST', route, body);
      assert.ok(res.status < 500, `${route} ${body} → ${res.status} ${JSON.stringify(res.body)}`);
      if (res.status >= 400) assert.equal(typeof res.body?.error?.code, 'string');
    }),
    { numRuns: 300 },
  );
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 80 }), async (segment) => {
      for (const url of [`/tasks/${encodeURIComponent(segment)}/status`, `/tasks/assign/${encodeURIComponent(segment)}`, `/programs/${encodeURIComponent(segment)}`]) {
        const res = await c.call('GET', url);
        assert.ok(res.status < 500, `${url} → ${res.status}`);
      }
    }),
    { numRuns: 100 },
  );
});

test('property: the market routes answer any body or query with a 4xx, never a 5xx', async () => {
  const programs = (await c.call('GET', '/programs')).body as Array<{ program_id: string }>;
  const amount = fc.oneof(fc.bigInt({ min: -(10n ** 80n), max: 10n ** 80n }).map(String), fc.integer(), fc.double(), fc.string({ maxLength: 8 }));
  const nearRequest = fc.record(
    {
      requester: fc.oneof(fc.constant('alice'), fc.string({ maxLength: 70 })),
      program_id: fc.oneof(fc.constantFrom(...programs.map((p) => p.program_id)), fc.string({ maxLength: 70 })),
      input: fc.oneof(fc.base64String({ maxLength: 40 }), fc.string({ maxLength: 20 }), fc.integer()),
      backend: fc.constantFrom('groth16', 'plonk', 'fflonk', 'koalabear', 'snarkjs-cli', 'x', ''),
      max_price: amount,
      min_reputation: fc.oneof(fc.double({ min: -1, max: 7 }), fc.string({ maxLength: 3 })),
      deadline: fc.oneof(fc.double({ min: -5, max: 1e7 }), fc.constant(0)),
      priority: fc.oneof(fc.constantFrom('low', 'normal', 'high', 'urgent', 'extreme'), fc.integer({ min: -5, max: 200 })),
      auction: fc.oneof(
        fc.record(
          {
            mechanism: fc.constantFrom('fixed', 'weighted', 'sealed', 'rising', 'dutch'),
            bid_window_ms: fc.integer({ min: -10, max: 10 ** 9 }),
            reveal_window_ms: fc.integer({ min: -10, max: 10 ** 9 }),
            price_weight: fc.double({ min: -1, max: 2000 }),
            min_price: amount,
            ramp_period_ms: fc.integer({ min: -10, max: 10 ** 9 }),
            lock_timeout_ms: fc.integer({ min: -10, max: 10 ** 9 }),
          },
          { requiredKeys: [] },
        ),
        fc.anything(),
      ),
      allow_list: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.anything()),
      reauction: fc.oneof(fc.record({ max_price_step: amount, max_price_ceiling: amount, min_reputation_step: fc.double() }, { requiredKeys: [] }), fc.anything()),
    },
    { requiredKeys: [] },
  );
  const anyBody = fc.oneof(fc.json(), fc.string());
  const bid = fc.record({ prover_id: fc.oneof(fc.constant('p-1'), fc.string({ maxLength: 70 })), fee: amount, commitment: fc.string({ maxLength: 70 }), nonce: fc.string({ maxLength: 10 }) }, { requiredKeys: [] });
  const routes = ['/v1/requests', '/v1/auctions/x/bids', '/v1/auctions/x/commit', '/v1/auctions/x/reveal', '/v1/auctions/x/lock', '/v1/subscriptions'];
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(anyBody, nearRequest.map((o) => JSON.stringify(o)), bid.map((o) => JSON.stringify(o))), async (route, body) => {
      const res = await c.call('POST', route, body);
      assert.ok(res.status < 500, `${route} ${body} → ${res.status} ${JSON.stringify(res.body)}`);
      if (res.status >= 400) assert.equal(typeof res.body?.error?.code, 'string');
    }),
    { numRuns: 300 },
  );
  await fc.assert(
    fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 12 }), async (segment, value) => {
      const v = encodeURIComponent(value);
      for (const url of [
        `/v1/provers?backend=${v}&max_price=${v}`, `/v1/provers?min_reputation=${v}&sort=${v}&status=${v}`, `/v1/auctions?state=${v}&limit=${v}`,
        `/v1/auctions/${encodeURIComponent(segment)}?round=${v}`, `/v1/requests/${encodeURIComponent(segment)}`, `/v1/orderbook?backend=${v}`,
        `/v1/provers/${encodeURIComponent(segment)}/reputation`, `/v1/subscriptions/${encodeURIComponent(segment)}`,
      ]) {
        const res = await c.call('GET', url);
        assert.ok(res.status < 500, `${url} → ${res.status} ${res.raw}`);
      }
    }),
    { numRuns: 100 },
  );
});
