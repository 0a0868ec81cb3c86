// `proofmarket artifact put|get` and `proofmarket audit` through the published bin, against a listening coordinator.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { cidOfBytes } from '../src/artifacts/cid.ts';
import type { LocalDriver } from '../src/artifacts/drivers/local.ts';
import { LEDGER_INPUT, ledgerProofs } from './support/economy.ts';

const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pm-artifact-cli-'));
let c: Coordinator;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, PROOFMARKET_URL: c.url, PROOFMARKET_HOME: join(tmp, 'home') };
  delete env.PROOFMARKET_KEY;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env, timeout: 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  c = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true }, { scheduler: false });
});
after(async () => {
  await c?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

test('artifact put prints the CID; artifact get writes the bytes back, checked', async () => {
  const bytes = randomBytes(700_000);
  writeFileSync(join(tmp, 'blob.bin'), bytes);
  const put = await cli(['artifact', 'put', 'blob.bin', '--quiet']);
  assert.equal(put.code, 0, put.stderr);
  const cid = put.stdout.trim();
  assert.equal(cid, await cidOfBytes(bytes));
  const get = await cli(['artifact', 'get', cid, '-o', 'back.bin', '--json']);
  assert.equal(get.code, 0, get.stderr);
  assert.deepEqual(JSON.parse(get.stdout), { cid, size: bytes.length, file: 'back.bin' });
  assert.ok(readFileSync(join(tmp, 'back.bin')).equals(bytes));
  const bad = await cli(['artifact', 'get', 'Qm-nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /not a CID/);
});

test('audit prints PASS for a settled request, and FAIL (exit 1) once its proof is damaged', async () => {
  const pm = new ProofMarketClient({ baseUrl: c.url! });
  await pm.registerProver({ prover_id: 'p-cli', supported_levels: [1], capacity: 1 });
  const id = await pm.submitTask({ privacy_level: 1, circuit_data: [...LEDGER_INPUT], reward_amount: 10, requester: 'client-cli' });
  await pm.assignTask('p-cli');
  await pm.submitResult({ task_id: id, prover_id: 'p-cli', proof: (await ledgerProofs()).valid });
  const pass = await cli(['audit', id]);
  assert.equal(pass.code, 0, pass.stderr);
  assert.match(pass.stdout, /ok {4}proof verifies: groth16 verification passed here/);
  assert.match(pass.stdout, /verdict: PASS$/m);

  const record = JSON.parse(Buffer.from(await pm.getArtifact((await pm.getRequest(id)).audit_cid!)).toString()) as { proof_cid: string };
  writeFileSync((c.market.artifacts.driver as LocalDriver).pathOf(record.proof_cid), '{"system":"groth16"}');
  const fail = await cli(['audit', id]);
  assert.equal(fail.code, 1);
  assert.match(fail.stdout, /FAIL {2}proof: .*damaged and refused/);
  assert.match(fail.stdout, /verdict: FAIL$/m);
  assert.match(fail.stderr, /audit FAILED/);
});
