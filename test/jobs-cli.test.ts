// Seed 004's end-to-end test with proofmarket's commands, as real processes against a live coordinator
// (`--open`, so the seed's unsigned calls and signed ones both run): post-job, fund, match, a provider that
// submits results through the SDK, status --job, accept; then signed with keys, cancel --job, jobs, the job
// events on the stream, and the error paths (one line on stderr, the documented exit code).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { matchedJobs } from '../src/sdk/jobs.ts';
import { privateKeySigner } from '../src/sdk/signer.ts';
import { keyFileOf, writeKeyFile } from '../src/cli/keys.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';

const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pm-jobs-cli-'));
const home = join(tmp, 'home');
const REQUESTER = '0x742d35cc6634c0532925a3b8d4c9db96c4b4d8b6';
const PROVIDER = '0xabcdef1234567890abcdef1234567890abcdef12';
const TX = `0x${'5c'.repeat(32)}`;

let c: Coordinator;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const e: Record<string, string | undefined> = { ...process.env, PROOFMARKET_URL: c.url, PROOFMARKET_HOME: home, ...env };
  delete e.PROOFMARKET_KEY;
  delete e.REQUESTER_ADDR;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env: e, timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (((err as { code?: unknown }).code as number | null) ?? null) : 0, stdout, stderr });
    });
  });
}
const show = (args: string[], r: Run) => `proofmarket ${args.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
async function ok(args: string[], env?: Record<string, string>): Promise<Run> {
  const r = await cli(args, env);
  assert.equal(r.code, 0, show(args, r));
  return r;
}
const json = async (args: string[], env?: Record<string, string>) => JSON.parse((await ok([...args, '--json'], env)).stdout);
async function failed(args: string[], code: number, pattern: RegExp): Promise<void> {
  const r = await cli(args);
  assert.equal(r.code, code, show(args, r));
  assert.equal(r.stdout, '', show(args, r));
  assert.match(r.stderr, /^[^\n]+\n$/, `one line on stderr\n${show(args, r)}`);
  assert.match(r.stderr, pattern, show(args, r));
}

/** A provider's agent, in miniature: poll, start, "run" (the output is the command's), submit hashes. */
async function provide(client: ProofMarketClient, provider: string, output: string, unsigned: boolean): Promise<string> {
  const [job] = await matchedJobs(client, provider);
  assert.ok(job, 'the provider sees its matched job');
  const who = unsigned ? { providerAddr: provider } : {};
  await client.startJob(job.jobId, who);
  const bytes = Buffer.from(output);
  const r = await client.submitJobResults({
    jobId: job.jobId,
    artifacts: [{ path: '/out/output.txt', sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, localUri: `/outputs/${job.jobId}/output.txt` }],
    stdoutTail: '',
    stderrTail: '',
    runtimeSec: 1,
    exitCode: 0,
    ...who,
  });
  assert.equal(r.status, 'RESULT_SUBMITTED');
  return job.jobId;
}

before(async () => {
  mkdirSync(home, { recursive: true });
  c = await startCoordinator({ host: '127.0.0.1', port: 0, dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, open: true });
});

after(async () => {
  await c?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

test('the seed\'s end-to-end test, unsigned (--open): post-job, fund, match, an agent\'s results, status, accept', async () => {
  const posted = await ok(['post-job', '--image', 'alpine', '--cmd', 'echo test > /out/output.txt', '--price', '0.01', '--requester', REQUESTER]);
  const jobId = posted.stdout.split('\n')[0]!;
  assert.match(jobId, /^0x[0-9a-f]{64}$/, posted.stdout);
  assert.match(posted.stdout, /created \(CREATED\); expected escrow 0\.01 ETH/);
  assert.deepEqual(await json(['fund', '--job', jobId, '--tx', TX]), { ok: true, status: 'FUNDED' });
  assert.match((await ok(['match', '--job', jobId, '--provider', PROVIDER])).stdout, /MATCHED to 0xabcdef/);

  const agent = new ProofMarketClient({ baseUrl: c.url! });
  assert.equal(await provide(agent, PROVIDER, 'test\n', true), jobId);

  const status = await ok(['status', '--job', jobId]);
  assert.match(status.stdout, /RESULT_SUBMITTED/);
  assert.match(status.stdout, /\/out\/output\.txt  sha256 [0-9a-f]{64}  5 B/);
  assert.match(status.stdout, /FUNDED → MATCHED  matched \(provider 0xabcdef/);
  const accepted = await ok(['accept', '--job', jobId, '--provider', PROVIDER]);
  assert.match(accepted.stdout, /ACCEPTED: paid 0\.01 ETH/);
  const view = await json(['status', '--job', jobId]);
  assert.deepEqual([view.status, view.requesterAddr, view.providerAddr, view.fundTx], ['ACCEPTED', REQUESTER, PROVIDER, TX]);
  const listed = await json(['jobs', '--status', 'ACCEPTED', '--provider', PROVIDER]);
  assert.deepEqual(listed.jobs.map((j: { jobId: string }) => j.jobId), [jobId]);

  // every move is on the event stream, under the kind filter job.*
  const seen: string[] = [];
  for await (const e of agent.events({ kind: 'job.*', job: jobId }, { after: '0', signal: AbortSignal.timeout(20_000) })) {
    assert.equal(e.job_id, jobId);
    seen.push(e.kind);
    if (e.kind === 'job.accepted') break;
  }
  assert.deepEqual(seen, ['job.created', 'job.funded', 'job.matched', 'job.started', 'job.results_submitted', 'job.accepted']);
  assert.equal((await agent.ledgerAudit()).ok, true);
});

test('signed with keys: deposit, post-job, fund from the balance, match, results, accept; cancel --job refunds', async () => {
  const requester = (await ok(['keys', 'new'])).stdout.trim();
  const providerKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
  writeKeyFile(join(tmp, 'provider.json'), providerKey);
  await ok(['deposit', '30000000000000000']); // 0.03 ether in wei
  const jobId = (await json(['post-job', '--image', 'busybox', '--cmd', 'echo hi > /out/output.txt', '--price', '0.015', '--timeout', '60', '--output', '/out/output.txt'])).jobId;
  await failed(['fund', '--job', jobId, '--key', join(tmp, 'provider.json')], 1, /^error: not_job_requester: /);
  await ok(['fund', '--job', jobId]);
  assert.equal((await json(['balance'])).balance, '15000000000000000');
  await ok(['match', '--job', jobId, '--provider', providerKey.address]);
  const agent = new ProofMarketClient({ baseUrl: c.url!, signer: privateKeySigner(providerKey.private_key) });
  await provide(agent, providerKey.address, 'hi\n', false);
  await failed(['cancel', '--job', jobId], 1, /job_not_cancellable/);
  await failed(['accept', '--job', jobId, '--provider', PROVIDER], 1, /not_job_provider/);
  assert.equal((await json(['accept', '--job', jobId])).status, 'ACCEPTED');
  const view = await json(['status', '--job', jobId]);
  assert.deepEqual([view.requesterAddr, view.status, view.spec.outputs], [requester, 'ACCEPTED', [{ path: '/out/output.txt' }]]);

  const other = (await ok(['post-job', '--image', 'busybox', '--cmd', 'true', '--price', '0.01', '-q'])).stdout.trim();
  await ok(['fund', '--job', other]);
  assert.equal((await ok(['cancel', '--job', other])).stdout, `cancelled job ${other} (CANCELED); refunded 0.01 ETH\n`);
  assert.equal((await json(['balance'])).balance, '15000000000000000');
  const mine = await json(['jobs', '--requester', requester]);
  assert.deepEqual(mine.jobs.map((j: { status: string }) => j.status), ['ACCEPTED', 'CANCELED']);
});

test('bad input: one line on stderr, exit 2 for usage, 1 for a refusal', async () => {
  await failed(['post-job', '--image', 'alpine', '--cmd', 'true', '--price', '0.0000000000000000001'], 2, /--price has 19 decimals/);
  await failed(['post-job', '--image', 'alpine', '--cmd', 'true', '--price=-1'], 2, /must not be negative/);
  await failed(['post-job', '--image', 'alpine', '--cmd', 'true', '--price', 'lots'], 2, /decimal ether/);
  await failed(['post-job', '--cmd', 'true', '--price', '1'], 2, /--image is required/);
  await failed(['post-job', '--image', 'alpine', '--cmd', 'true', '--price', '1', '--requester', 'bob'], 2, /--requester must be an address/);
  await failed(['fund', '--job', '0x12'], 2, /--job must be a job id/);
  await failed(['fund', '--job', `0x${'1'.repeat(64)}`, '--tx', 'nope'], 2, /--tx must be a transaction hash/);
  await failed(['status', '--job', 'xyz'], 2, /--job must be a job id/);
  await failed(['match', '--job', `0x${'1'.repeat(64)}`], 2, /--provider is required/);
  await failed(['accept', '--job', `0x${'1'.repeat(64)}`], 1, /^error: job_not_found: /);
  await failed(['jobs', '--status', 'DONE'], 2, /--status must be one of CREATED/);
});
