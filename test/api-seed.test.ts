// The seed-compatible API, end to end through the HTTP layer (fastify inject), with real proofs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataCommitmentInput } from '../src/proofs/builtin/data-commitment.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { proveBuiltin } from './support/proofs.ts';

const PROVER = '550e8400-e29b-41d4-a716-446655440000';
const TASK = '660e8400-e29b-41d4-a716-446655440001';
const seedTask = { task_id: TASK, privacy_level: 2, circuit_data: [1, 2, 3, 4], reward_amount: 100, requester: 'client-001', priority: 10 };

let c: TestCoordinator;
before(async () => {
  c = await testCoordinator({ proofTimeoutMs: 60_000, heartbeatTimeoutMs: 30_000 });
});
after(async () => {
  await c.close();
  await terminateCurves();
});

test('the README flow: register, submit, assign, a junk proof Fails, a real proof Passes', async () => {
  const reg = await c.call('POST', '/provers/register', { prover_id: PROVER, supported_levels: [1, 2, 3], capacity: 5 });
  assert.equal(reg.status, 200);
  assert.equal(reg.raw, JSON.stringify(PROVER), 'the id as a JSON string');
  assert.match(reg.contentType, /^application\/json/);

  const sub = await c.call('POST', '/tasks', seedTask);
  assert.equal(sub.status, 200);
  assert.equal(sub.raw, JSON.stringify(TASK), 'the id as a JSON string');
  assert.match(sub.contentType, /^application\/json/);

  c.clock.advance(1_000);
  const assign = await c.call('GET', `/tasks/assign/${PROVER}`);
  assert.equal(assign.status, 200);
  const t = assign.body;
  assert.equal(t.task_id, TASK);
  assert.deepEqual(t.circuit_data, [1, 2, 3, 4]);
  assert.equal(t.reward_amount, 100);
  assert.equal(t.requester, 'client-001');
  assert.equal(t.priority, 10);
  assert.equal(t.proof_system, 'groth16');
  assert.match(t.program_id, /^[0-9a-f]{64}$/);
  assert.deepEqual(t.circuit_input, JSON.parse(JSON.stringify(dataCommitmentInput(new Uint8Array([1, 2, 3, 4])))));

  const junk = await c.call('POST', '/tasks/result', { task_id: TASK, prover_id: PROVER, proof: [10, 20, 30, 40, 50] });
  assert.equal(junk.status, 200);
  assert.equal(junk.body.accepted, false);
  assert.equal(junk.body.verification_result, 'Fail');
  assert.equal(junk.body.quality_score, 0);
  assert.match(junk.body.reason, /not the UTF-8 JSON/);

  let status = await c.call('GET', `/tasks/${TASK}/status`);
  assert.equal(status.status, 200);
  assert.equal(status.body.status, 'pending');
  assert.equal(status.body.assigned_prover, null);
  assert.equal(status.body.attempts, 1);

  // Alone in the market, the prover gets the task back and proves it for real.
  const again = await c.call('GET', `/tasks/assign/${PROVER}`);
  assert.equal(again.body.task_id, TASK);
  c.clock.advance(3_000);
  const real = await proveBuiltin('data-commitment', 'groth16', again.body.circuit_input);
  const pass = await c.call('POST', '/tasks/result', { task_id: TASK, prover_id: PROVER, proof: real.bytes });
  assert.equal(pass.status, 200);
  assert.deepEqual(pass.body, { accepted: true, verification_result: 'Pass', quality_score: 0.975 });

  status = await c.call('GET', `/tasks/${TASK}/status`);
  assert.equal(status.body.status, 'completed');
  assert.equal(status.body.assigned_prover, PROVER);
  assert.match(status.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.deepEqual(
    status.body.history.map((h: any) => `${h.from ?? '-'}>${h.to}:${h.cause}`),
    ['->pending:submitted', 'pending>assigned:assigned', 'assigned>pending:proof_rejected', 'pending>assigned:assigned', 'assigned>completed:proof_verified'],
  );

  const second = await c.call('POST', '/tasks/result', { task_id: TASK, prover_id: PROVER, proof: real.bytes });
  assert.equal(second.status, 409);
  assert.equal(second.body.error.code, 'task_completed');

  const detail = await c.call('GET', `/v1/tasks/${TASK}`);
  assert.deepEqual(detail.body.proofs.map((p: any) => p.verification_result), ['Fail', 'Pass']);
});

test('a valid proof for other data Fails, and so does a tampered one or one of the wrong system', async () => {
  await c.call('POST', '/provers/register', { prover_id: 'p-check', supported_levels: [7], capacity: 1 });
  await c.call('POST', '/tasks', { task_id: 't-check', privacy_level: 7, circuit_data: [9, 9, 9], reward_amount: '5', requester: 'r' });
  const t = (await c.call('GET', '/tasks/assign/p-check')).body;
  assert.equal(t.task_id, 't-check');

  const other = await proveBuiltin('data-commitment', 'groth16', dataCommitmentInput(new Uint8Array([9, 9, 8])));
  const r1 = await c.call('POST', '/tasks/result', { task_id: 't-check', prover_id: 'p-check', proof: other.bytes });
  assert.equal(r1.body.verification_result, 'Fail');
  assert.match(r1.body.reason, /not the task's own/);

  const mine = await proveBuiltin('data-commitment', 'groth16', t.circuit_input);
  const cases: Array<[string, unknown, RegExp]> = [
    ['tampered', { ...mine.proof, pi_a: [mine.proof.pi_a[1], mine.proof.pi_a[0], mine.proof.pi_a[2]] }, /does not verify|malformed/],
    ['empty object', {}, /malformed|does not verify/],
  ];
  for (const [name, proof, reason] of cases) {
    (await c.call('GET', '/tasks/assign/p-check')).body;
    const bytes = Array.from(Buffer.from(JSON.stringify({ system: 'groth16', proof, public_signals: mine.publicSignals })));
    const r = await c.call('POST', '/tasks/result', { task_id: 't-check', prover_id: 'p-check', proof: bytes });
    assert.equal(r.status, 200, name);
    assert.equal(r.body.verification_result, 'Fail', name);
    assert.match(r.body.reason, reason, name);
  }
  // three failures: the task is failed for good
  const s = await c.call('GET', '/tasks/t-check/status');
  assert.equal(s.body.status, 'failed');
  assert.equal(s.body.attempts, 3);
});

test('only the assigned prover may submit; unknown tasks are 404', async () => {
  await c.call('POST', '/provers/register', { prover_id: 'p-own', supported_levels: [9], capacity: 1 });
  await c.call('POST', '/provers/register', { prover_id: 'p-other', supported_levels: [9], capacity: 1 });
  await c.call('POST', '/tasks', { task_id: 't-own', privacy_level: 9, circuit_data: [1], reward_amount: 1, requester: 'r' });
  assert.equal((await c.call('GET', '/tasks/assign/p-own')).body.task_id, 't-own');
  const r = await c.call('POST', '/tasks/result', { task_id: 't-own', prover_id: 'p-other', proof: [1] });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'not_assigned');
  const missing = await c.call('POST', '/tasks/result', { task_id: 'no-such-task', prover_id: 'p-own', proof: [1] });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'task_not_found');
});

test('assignment respects level, capacity and priority, and returns null when nothing matches', async () => {
  await c.call('POST', '/provers/register', { prover_id: 'p-cap', supported_levels: [20], capacity: 2 });
  for (const [id, priority] of [['c-low', 1], ['c-high', 90], ['c-mid', 50]] as const) {
    await c.call('POST', '/tasks', { task_id: id, privacy_level: 20, circuit_data: [1], reward_amount: 1, requester: 'r', priority });
    c.clock.advance(10);
  }
  await c.call('POST', '/tasks', { task_id: 'c-other-level', privacy_level: 21, circuit_data: [1], reward_amount: 1, requester: 'r', priority: 100 });
  assert.equal((await c.call('GET', '/tasks/assign/p-cap')).body.task_id, 'c-high');
  assert.equal((await c.call('GET', '/tasks/assign/p-cap')).body.task_id, 'c-mid');
  const full = await c.call('GET', '/tasks/assign/p-cap');
  assert.equal(full.status, 200);
  assert.equal(full.body, null, 'at capacity');
  const unknown = await c.call('GET', '/tasks/assign/nobody');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'prover_not_found');
});

test('timeouts: a silent prover goes offline and its task returns to pending; so does an overdue proof', async () => {
  await c.call('POST', '/provers/register', { prover_id: 'p-silent', supported_levels: [30], capacity: 1 });
  await c.call('POST', '/provers/register', { prover_id: 'p-slow', supported_levels: [31], capacity: 1 });
  await c.call('POST', '/tasks', { task_id: 't-silent', privacy_level: 30, circuit_data: [1], reward_amount: 1, requester: 'r' });
  await c.call('POST', '/tasks', { task_id: 't-slow', privacy_level: 31, circuit_data: [2], reward_amount: 1, requester: 'r' });
  await c.call('GET', '/tasks/assign/p-silent');
  await c.call('GET', '/tasks/assign/p-slow');
  await c.call('POST', '/v1/tasks/t-slow/start', { prover_id: 'p-slow' });
  assert.equal((await c.call('GET', '/tasks/t-slow/status')).body.status, 'in_progress');

  c.clock.advance(31_000);
  await c.call('POST', '/provers/heartbeat', { prover_id: 'p-slow', status: 'active', current_load: 1 });
  await c.market.sweep();
  const silent = await c.call('GET', '/tasks/t-silent/status');
  assert.equal(silent.body.status, 'pending');
  assert.equal(silent.body.history.at(-1).cause, 'prover_offline');
  assert.equal((await c.call('GET', '/tasks/t-slow/status')).body.status, 'in_progress');
  const provers = (await c.call('GET', '/provers')).body;
  assert.equal(provers.find((p: any) => p.prover_id === 'p-silent').status, 'offline');

  c.clock.advance(30_000);
  await c.call('POST', '/provers/heartbeat', { prover_id: 'p-slow' });
  await c.market.sweep();
  const slow = await c.call('GET', '/tasks/t-slow/status');
  assert.equal(slow.body.status, 'pending');
  assert.equal(slow.body.history.at(-1).cause, 'proof_timeout');
});

test('health, metrics, OpenAPI and docs are served', async () => {
  const h = await c.call('GET', '/healthz');
  assert.equal(h.body.status, 'ok');
  const m = await c.call('GET', '/metrics');
  assert.match(m.body, /proofmarket_tasks\{status="completed"\} \d+/);
  assert.match(m.body, /proofmarket_verification_seconds_bucket/);
  assert.match(m.body, /proofmarket_task_assignment_latency_seconds_count/);
  const o = await c.call('GET', '/openapi.json');
  assert.equal(o.body.openapi.startsWith('3.'), true);
  for (const path of ['/tasks', '/tasks/{task_id}/status', '/tasks/assign/{prover_id}', '/tasks/result', '/provers', '/provers/register', '/provers/heartbeat']) {
    assert.ok(o.body.paths[path], `OpenAPI documents ${path}`);
  }
  const docs = await c.app.inject({ method: 'GET', url: '/docs/' });
  assert.equal(docs.statusCode, 200);
  assert.match(docs.body, /swagger/i);
});
