// npm run bench -- fuzz: the route fuzzer of test/fuzz-routes.test.ts at full scale (100,000 calls, or
// FUZZ_CASES), printing the answers by status, the slowest call, and whether the ledger still audits clean.
import fc from 'fast-check';
import { testCoordinator } from '../test/support/coordinator.ts';
import { callFor, describeCall, loadOperations, send } from '../test/support/route-fuzz.ts';
import { seedFuzzMarket } from '../test/support/route-fuzz-seed.ts';
import { signedCall, testSigner } from '../test/support/signing.ts';

export async function fuzzBench(): Promise<Record<string, unknown>> {
  const cases = Number(process.env.FUZZ_CASES ?? 100_000);
  const signer = testSigner();
  const c = await testCoordinator({ open: false, operatorAddress: signer.address, bodyLimit: 1024 * 1024 });
  Object.assign(signer, testSigner(c));
  try {
    const ids = await seedFuzzMarket(c, signer);
    const ops = await loadOperations(c);
    const byStatus = new Map<number, number>();
    const problems: string[] = [];
    let slowest = 0;
    const started = performance.now();
    const calls = fc.sample(fc.constantFrom(...ops).chain((op) => callFor(op, ids)), { numRuns: cases });
    for (const call of calls) {
      const outcome = await send(c, signer, call, 2_000);
      byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
      slowest = Math.max(slowest, outcome.ms);
      if (outcome.problem && problems.length < 20) problems.push(`${describeCall(call)} → ${outcome.problem}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const audit = (await signedCall(c, signer, 'GET', '/v1/ledger/audit')).body as { ok: boolean };
    console.log(`\nfuzz: ${cases} calls over ${ops.length} operations in ${seconds.toFixed(1)} s (${(cases / seconds).toFixed(0)} calls/s)`);
    for (const [status, n] of [...byStatus].sort((a, b) => a[0] - b[0])) console.log(`  ${status}  ${n}`);
    console.log(`  5xx: ${[...byStatus].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0)}, slowest call ${slowest.toFixed(0)} ms, ledger audit ${audit.ok ? 'balanced' : 'NOT balanced'}`);
    for (const p of problems) console.log(`  problem: ${p}`);
    return { calls: cases, operations: ops.length, by_status: Object.fromEntries(byStatus), problems: problems.length, slowest_ms: Math.round(slowest), ledger_balanced: audit.ok };
  } finally {
    await c.close();
  }
}
