// `proofmarket models` and `proofmarket model add` through the published bin. model add runs Python ezkl's pipeline
// on a tiny ONNX model that scripts/compile-models.py --make-tiny builds (2 -> 2 linear, 2^8 rows), registers it,
// and a request for the new model id is proved by a prover node with @ezkljs/engine and verified. Without Python
// ezkl that part skips (fails under CI=true), after checking model add's one-line error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { closeSharedEngine } from '../src/proofs/ezkl/engine.ts';
import { nativeEzkl } from '../src/proofs/ezkl/native.ts';
import { ProverNode } from '../src/prover/node.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { requireService } from './support/services.ts';
import type { AuditRecord } from '../src/api/artifacts.ts';
import type { AuditReport } from '../src/artifacts/audit.ts';
import { auditTarget } from '../src/cli/commands/audit.ts';
import { canonicalJson } from '../src/proofs/canonical.ts';

const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pm-models-cli-'));
let c: Coordinator;
let node: ProverNode | undefined;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const full: Record<string, string | undefined> = { ...process.env, PROOFMARKET_URL: c.url, PROOFMARKET_HOME: join(tmp, 'home'), ...env };
  delete full.PROOFMARKET_KEY;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env: full, timeout: 300_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

before(async () => {
  c = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true, auctionTickMs: 50 });
});
after(async () => {
  await node?.stop();
  await c?.close();
  await closeSharedEngine();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

test('proofmarket models lists the shipped versions; models show one with its commitment and versions', async () => {
  const list = await cli(['models']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^MODEL\s+OWNER\s+COMMITMENT/m);
  assert.match(list.stdout, /^digits-cnn:1\s+built in\s+\d{12}…\s+\d+\s+public\/public\/hashed\s+dev \(UNSAFE\)/m);
  assert.match(list.stdout, /^iris-mlp:1\s+built in/m);
  const json = JSON.parse((await cli(['models', '--json'])).stdout) as Array<{ model_id: string }>;
  assert.deepEqual(json.map((m) => m.model_id), ['digits-cnn:1', 'iris-mlp:1']);
  const show = await cli(['models', 'show', 'iris-mlp']);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^iris-mlp:1 \(built in\)$/m);
  assert.match(show.stdout, /versions\s+iris-mlp:1/);
  const missing = await cli(['models', 'show', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^error: model_not_found: no model "nope"/);
  assert.equal(missing.stderr.trim().split('\n').length, 1);
});

test('model add: usage errors and a missing Python ezkl are one line each', async () => {
  writeFileSync(join(tmp, 'in.json'), '[1, 2]');
  const noSample = await cli(['model', 'add', 'nothing.onnx']);
  assert.equal(noSample.code, 2);
  assert.match(noSample.stderr, /--sample is required/);
  const noFile = await cli(['model', 'add', 'nothing.onnx', '--sample', 'in.json']);
  assert.equal(noFile.code, 4);
  assert.match(noFile.stderr, /cannot read model.onnx nothing.onnx: no such file/);
  writeFileSync(join(tmp, 'x.onnx'), 'not onnx');
  const badVis = await cli(['model', 'add', 'x.onnx', '--sample', 'in.json', '--visibility', 'params=public']);
  assert.equal(badVis.code, 2);
  assert.match(badVis.stderr, /--visibility: params is one of fixed, hashed, got "public"/);
  // No Python with ezkl: PROOFMARKET_PYTHON (the only one tried when set) names none.
  const noEzkl = await cli(['model', 'add', 'x.onnx', '--sample', 'in.json'], { PROOFMARKET_PYTHON: '/nonexistent/python' });
  assert.equal(noEzkl.code, 1);
  assert.equal(noEzkl.stderr.trim(), 'error: ezkl_not_installed: Python ezkl is not installed: python3 -m venv .venv && .venv/bin/pip install -r requirements.txt (or set PROOFMARKET_PYTHON to a Python that has it)');
});

test('model add compiles a tiny ONNX model with Python ezkl, registers it, and a request for it is proved and verified', async (t) => {
  const py = nativeEzkl();
  if (!requireService(t, 'Python ezkl', py !== null, 'source .ci/ezkl.sh, or pip install -r requirements.txt into .venv')) return;
  execFileSync(py!.python, [fileURLToPath(new URL('../scripts/compile-models.py', import.meta.url)), '--make-tiny', tmp], { stdio: 'pipe' });
  assert.equal((await cli(['keys', 'new'])).code, 0);
  const add = await cli(['model', 'add', 'tiny.onnx', '--sample', 'input.json', '--name', 'tiny', '--json']);
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stderr, /local development SRS, UNSAFE/);
  const model = JSON.parse(add.stdout) as { model_id: string; commitment: string; logrows: number; srs_unsafe: boolean; owner: string };
  assert.deepEqual([model.model_id, model.logrows, model.srs_unsafe], ['tiny:1', 8, true]);
  assert.match(model.commitment, /^\d+$/);
  assert.match((await cli(['models'])).stdout, /^tiny:1\s+0x[0-9a-f]{40}/m);

  node = new ProverNode({ coordinator_url: c.url!, state_dir: join(tmp, 'prover'), name: 'tiny prover', max_concurrent_proofs: 1, ezkl: 'engine', heartbeat_interval: 1, poll_interval: 0.2, proof_timeout: 300 });
  await node.start();
  assert.equal((await cli(['faucet', '1000'])).code, 0);
  writeFileSync(join(tmp, 'x.json'), JSON.stringify({ input_data: [[0.5, -1]] }));
  const req = await cli(['request', '--model', 'tiny:1', '--input', 'x.json', '--max-price', '10', '--wait', '--out', 'tiny.proof.json', '--json']);
  assert.equal(req.code, 0, req.stderr);
  const pm = new ProofMarketClient({ baseUrl: c.url! });
  const view = JSON.parse(req.stdout) as { request_id: string; status: string; proof_file: string };
  assert.deepEqual([view.status, view.proof_file], ['completed', 'tiny.proof.json']);
  const done = await pm.getRequest(view.request_id);
  assert.equal(done.program_id, (await pm.getModel('tiny:1')).program_id);

  // Its measured prove time gives the price hints: its own, and the built-in models' estimated per circuit row.
  const detail = await pm.getModel('tiny:1');
  assert.deepEqual([detail.prove_time?.source, detail.prove_time?.count], ['measured', 1]);
  assert.equal(detail.suggested_price?.p50, done.price, 'one settled request: its price per ms × its own time');
  const iris = await pm.getModel('iris-mlp:1');
  assert.equal(iris.prove_time?.source, 'estimated');
  assert.ok(Math.abs(iris.prove_time!.ms - detail.prove_time!.ms * 2 ** (12 - 8)) < 1, 'time per row × 2^12 rows');
  assert.ok(BigInt(iris.suggested_price!.p50) > BigInt(done.price!), 'a bigger circuit is priced higher');

  // The audit record names the model version, its commitment and artifacts; proofmarket audit checks them.
  const audit = await cli(['audit', view.request_id, '--json']);
  assert.equal(audit.code, 0, audit.stderr);
  const report = JSON.parse(audit.stdout) as AuditReport;
  for (const check of ['model id', 'model commitment', 'commitment in proof', 'model compiled', 'model SRS', 'model vk', 'model settings', 'proof verifies']) {
    assert.ok(report.checks.some((x) => x.check === check && x.ok), `${check}: ${JSON.stringify(report.checks)}`);
  }
  const record = JSON.parse(Buffer.from(await pm.getArtifact((await pm.getRequest(view.request_id)).audit_cid!)).toString()) as AuditRecord;
  assert.deepEqual([record.model?.id, record.model?.commitment], ['tiny:1', model.commitment]);
  const other = (await c.market.artifacts.put(new TextEncoder().encode('{}'))).cid;
  const forgeries = {
    'model commitment': { ...record.model!, commitment: '1' },
    'model id': { ...record.model!, id: 'tiny:2' },
    'model settings': { ...record.model!, artifacts: { ...record.model!.artifacts, settings: other } },
  };
  for (const [check, forged] of Object.entries(forgeries)) {
    const cid = (await c.market.artifacts.put(new TextEncoder().encode(canonicalJson({ ...record, model: forged })))).cid;
    const r = await auditTarget(pm, cid);
    assert.equal(r.verdict, 'FAIL', check);
    assert.ok(r.checks.some((x) => x.check === check && !x.ok), `${check}: ${JSON.stringify(r.checks.filter((x) => !x.ok))}`);
  }
});
