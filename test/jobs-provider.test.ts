// The seed's end-to-end test (seed 004: post-job, fund, match, an agent runs it, status, accept) done with
// proofmarket's own commands against a live coordinator and a real Docker engine: `proofmarket provider` polls
// for its matched job, runs it in a hardened container, stores /out in the artifact store and submits the
// hashes; the requester accepts and the provider is paid. Signed with keys. Under CI=true a missing engine fails.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { keyFileOf, writeKeyFile } from '../src/cli/keys.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { BUSYBOX_IMAGE, dockerFromEnv, dockerReachable, imagePresent, importBusybox } from '../src/jobs/executor/index.ts';
import { requireService } from './support/services.ts';
import { spawnCli, waitForOutput, type CliProcess } from './support/process.ts';

const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pm-jobs-provider-'));
const home = join(tmp, 'home');
const providerKeyPath = join(tmp, 'provider.json');
const providerKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
const docker = dockerFromEnv();
let available = false;
let c: Coordinator;
let requester: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const env = (over: Record<string, string>) => ({ ...process.env, PROOFMARKET_URL: c.url!, PROOFMARKET_HOME: home, PROOFMARKET_KEY: '', ...over });

function cli(args: string[], over: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env: env(over), timeout: 60_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (((err as { code?: unknown }).code as number | null) ?? null) : 0, stdout, stderr });
    });
  });
}
const show = (args: string[], r: Run) => `proofmarket ${args.join(' ')}\nexit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
async function ok(args: string[]): Promise<Run> {
  const r = await cli(args);
  assert.equal(r.code, 0, show(args, r));
  return r;
}
const json = async (args: string[]) => JSON.parse((await ok([...args, '--json'])).stdout);

function engine(t: TestContext): boolean {
  return requireService(t, 'Docker engine', available, 'start dockerd and set PROOFMARKET_DOCKER_SOCKET, as .ci/run does (source .ci/docker.sh)');
}

before(async () => {
  mkdirSync(home, { recursive: true });
  writeKeyFile(providerKeyPath, providerKey);
  available = await dockerReachable(docker);
  if (available && !(await imagePresent(docker, BUSYBOX_IMAGE)) && existsSync('/bin/busybox')) await importBusybox(docker);
  c = await startCoordinator({ host: '127.0.0.1', port: 0, dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, open: true });
  requester = (await ok(['keys', 'new'])).stdout.trim().toLowerCase();
});

after(async () => {
  await c?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

function startProvider(t: TestContext, extra: string[] = []): CliProcess {
  const p = spawnCli(['provider', '--key', providerKeyPath, '--poll-interval', '0.2', '--outputs', join(tmp, 'outputs'), ...extra], { PROOFMARKET_URL: c.url!, PROOFMARKET_HOME: home });
  t.after(() => p.stop());
  return p;
}

test('seed e2e with proofmarket provider: post-job, fund, match, the agent runs it on dockerd, status, accept, paid', { timeout: 180_000 }, async (t) => {
  if (!engine(t)) return;
  const provider = providerKey.address.toLowerCase();
  await ok(['deposit', '20000000000000000']); // 0.02 ether in wei
  const agent = startProvider(t);
  await waitForOutput(agent, /Polling .* every 0\.2 s as 0x[0-9a-f]{40}/, 60_000);
  assert.match(agent.output(), /Provider Agent starting\.\.\.\nConnected to Docker\n/);

  const jobId = (await json(['post-job', '--image', 'busybox', '--cmd', 'echo "Job executed successfully" > /out/output.txt', '--price', '0.01', '--timeout', '60', '--output', '/out/output.txt'])).jobId;
  await ok(['fund', '--job', jobId]);
  await ok(['match', '--job', jobId, '--provider', provider]);
  await waitForOutput(agent, new RegExp(`Results submitted for job: ${jobId}`), 90_000);
  const out = agent.output();
  assert.match(out, new RegExp(`Processing job: ${jobId}`));
  assert.match(out, /Cmd: \[sh -c echo "Job executed successfully" > \/out\/output\.txt\]/);
  assert.match(out, /Container finished with status: 0/);

  const view = await json(['status', '--job', jobId]);
  assert.equal(view.status, 'RESULT_SUBMITTED');
  assert.equal(view.providerAddr, provider);
  const expected = 'Job executed successfully\n';
  const [artifact] = view.result.artifacts;
  assert.deepEqual([artifact.path, artifact.sha256, artifact.size], ['/out/output.txt', createHash('sha256').update(expected).digest('hex'), expected.length]);
  // the output is in the coordinator's artifact store, under the URL the result names, and on the provider's disk
  const cid = /\/v1\/artifacts\/(\w+)$/.exec(artifact.localUri)?.[1];
  assert.ok(cid && artifact.localUri.startsWith(c.url!), artifact.localUri);
  assert.equal((await ok(['artifact', 'get', cid])).stdout, expected);
  assert.equal(readFileSync(join(tmp, 'outputs', jobId, 'output.txt'), 'utf8'), expected);
  // runtimeSec is a number of seconds with decimals (the seed's shape), stored as sent
  assert.equal(typeof view.result.runtimeSec, 'number');
  assert.ok(view.result.runtimeSec > 0 && view.result.runtimeSec < 60, String(view.result.runtimeSec));
  assert.deepEqual(view.history.map((h: { to: string }) => h.to), ['CREATED', 'FUNDED', 'MATCHED', 'RUNNING', 'RESULT_SUBMITTED']);

  assert.equal((await json(['accept', '--job', jobId, '--provider', provider])).status, 'ACCEPTED');
  // paid the price less the 1% protocol fee
  assert.equal((await json(['balance', provider])).balance, '9900000000000000');

  // the agent advertised what the engine holds: an image it lacks is refused at matching, never run
  const alpine = (await json(['post-job', '--image', 'alpine', '--cmd', 'true', '--price', '0.001'])).jobId;
  await ok(['fund', '--job', alpine]);
  const refused = await cli(['match', '--job', alpine, '--provider', provider]);
  assert.equal(refused.code, 1, show(['match'], refused));
  assert.match(refused.stderr, /image_not_found: alpine is not present on provider/);
  assert.equal(await agent.stop(), 0);
});

test('a failing job through proofmarket provider ends FAILED with its reason, and the requester is refunded', { timeout: 180_000 }, async (t) => {
  if (!engine(t)) return;
  const provider = providerKey.address.toLowerCase();
  await ok(['deposit', '1000000000000000']);
  const before = BigInt((await json(['balance', requester])).balance);
  const agent = startProvider(t, ['--store', 'local']);
  await waitForOutput(agent, /Polling /, 60_000);
  const jobId = (await json(['post-job', '--image', 'busybox', '--cmd', 'echo oops >&2; exit 3', '--price', '0.001', '--timeout', '60'])).jobId;
  await ok(['fund', '--job', jobId]);
  await ok(['match', '--job', jobId, '--provider', provider]);
  await waitForOutput(agent, new RegExp(`Results submitted for job: ${jobId}`), 90_000);
  const view = await json(['status', '--job', jobId]);
  assert.deepEqual([view.status, view.failure, view.result.exitCode, view.result.stderrTail], ['FAILED', 'error', 3, 'oops\n']);
  assert.match(view.result.reason, /exit/);
  assert.equal(BigInt((await json(['balance', requester])).balance), before);
  assert.equal(await agent.stop(), 0);
});

test('proofmarket provider: bad usage is one line on stderr', async () => {
  for (const [args, pattern] of [
    [['provider', '--poll-interval', 'soon'], /--poll-interval must be seconds/],
    [['provider', '--store', 'cloud', '--provider', `0x${'a'.repeat(40)}`], /--store must be one of coordinator, local/],
    [['provider'], /say who you are: --key FILE/],
  ] as const) {
    const r = await cli([...args], { PROOFMARKET_HOME: join(tmp, 'nobody') }); // no default key
    assert.equal(r.code, 2, show([...args], r));
    assert.match(r.stderr, /^[^\n]+\n$/, show([...args], r));
    assert.match(r.stderr, pattern, show([...args], r));
  }
});

test('the demo\'s container jobs: run to ACCEPTED beside the proofs when an engine answers', { timeout: 180_000 }, async (t) => {
  if (!engine(t)) return;
  const { runDemoJobs, DEMO_JOBS } = await import('../src/demo/jobs.ts');
  const jobs = await runDemoJobs(c.url!, join(tmp, 'demo'));
  t.after(() => jobs.stop());
  assert.equal(jobs.lines.length, 1 + DEMO_JOBS.length, jobs.lines.join('\n'));
  assert.match(jobs.lines[0]!, /^jobs {10}3 container jobs on the Docker engine at /);
  for (const line of jobs.lines.slice(1)) assert.match(line, /^job {11}0x[0-9a-f]{8}… .*: ACCEPTED in [\d.]+ s, paid 0\.001 ETH; \/out\/\S+ sha256 [0-9a-f]{12}…$/, jobs.lines.join('\n'));
  assert.match(jobs.lines[3]!, /\/out\/network\.txt/, 'no network in the container');
});

test('the demo\'s container jobs without an engine: one line saying why they are skipped', async () => {
  const saved = process.env.PROOFMARKET_DOCKER_SOCKET;
  process.env.PROOFMARKET_DOCKER_SOCKET = join(tmp, 'no-such-docker.sock');
  try {
    const { runDemoJobs } = await import('../src/demo/jobs.ts');
    const jobs = await runDemoJobs('http://127.0.0.1:9', join(tmp, 'demo-none'));
    assert.deepEqual(jobs.lines, [`jobs          skipped: no Docker engine answers at ${join(tmp, 'no-such-docker.sock')} (start dockerd, or set DOCKER_HOST; see "Running container jobs")`]);
  } finally {
    if (saved === undefined) delete process.env.PROOFMARKET_DOCKER_SOCKET;
    else process.env.PROOFMARKET_DOCKER_SOCKET = saved;
  }
});
