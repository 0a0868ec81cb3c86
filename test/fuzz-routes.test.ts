// Every route in /openapi.json, fuzzed from its own schema with valid, boundary and hostile values, signed,
// unsigned and forged: no answer is a 5xx, none takes over 2 s, every refusal is {error:{code,message}}, and the
// ledger still audits clean afterwards. `npm run bench -- fuzz` runs the same property 100,000 times.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { signedCall, testSigner } from './support/signing.ts';
import { callFor, describeCall, loadOperations, send, type FuzzIds, type Operation } from './support/route-fuzz.ts';
import { seedFuzzMarket } from './support/route-fuzz-seed.ts';

const CASES = Number(process.env.FUZZ_CASES ?? 2_000);
let c: TestCoordinator;
let ops: Operation[];
let ids: FuzzIds;
const signer = testSigner();

before(async () => {
  c = await testCoordinator({ open: false, operatorAddress: signer.address, bodyLimit: 1024 * 1024 });
  Object.assign(signer, testSigner(c)); // sign with the coordinator's manual clock
  ids = await seedFuzzMarket(c, signer);
  ops = await loadOperations(c);
});
after(() => c.close());

test('the fuzzer covers every published route but the event stream', () => {
  assert.ok(ops.length >= 50, `${ops.length} operations`);
  for (const must of ['POST /v1/requests', 'POST /tasks/result', 'POST /v1/accounts/withdraw', 'DELETE /v1/provers/{prover_id}/submitters/{address}']) {
    assert.ok(ops.some((o) => `${o.method} ${o.path}` === must), must);
  }
});

test(`${CASES} generated calls over every route: never a 5xx, never over 2 s, refusals well formed`, async () => {
  const byStatus = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ops).chain((op) => callFor(op, ids)), async (call) => {
      const outcome = await send(c, signer, call, 2_000);
      byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
      assert.equal(outcome.problem, undefined, `${describeCall(call)} → ${outcome.problem}`);
    }),
    { numRuns: CASES, includeErrorInReport: true, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
  );
  assert.ok((byStatus.get(200) ?? 0) + (byStatus.get(201) ?? 0) > CASES / 50, `enough calls succeed to reach past validation: ${[...byStatus]}`);
  const audit = (await signedCall(c, signer, 'GET', '/v1/ledger/audit')).body as { ok: boolean; problems: string[] };
  assert.deepEqual(audit.problems, [], 'the ledger audits clean after the fuzzing');
  assert.equal(audit.ok, true);
});
