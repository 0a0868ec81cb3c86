// Container jobs on a real Docker engine (issue #15 §3): each limit of the hardened container holds, outputs are
// hashed right, every container and volume is removed, and the provider agent runs a matched job end to end.
// The engine is the one .ci/docker.sh starts (PROOFMARKET_DOCKER_SOCKET); under CI=true a missing engine fails.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireService } from './support/services.ts';
import { BUSYBOX_IMAGE, dockerFromEnv, dockerReachable, GiB, imagePresent, importBusybox, LocalDirectorySink, runContainerJob } from '../src/jobs/executor/index.ts';
import type { ArtifactSink, ContainerJobResult, ContainerJobSpec, ExecutorOptions } from '../src/jobs/executor/index.ts';
import { startDockerAgent } from '../src/jobs/agent.ts';
import { MemoryJobFeed } from '../src/jobs/memory-feed.ts';

const docker = dockerFromEnv();
let available = false;
const outputs = mkdtempSync(join(tmpdir(), 'pm-jobs-docker-'));
const sink = new LocalDirectorySink(outputs);
const MiB = 1024 * 1024;

before(async () => {
  available = await dockerReachable(docker);
  // outside CI, a developer's engine may not have the image yet; .ci/docker.sh imports it in CI
  if (available && !(await imagePresent(docker, BUSYBOX_IMAGE)) && existsSync('/bin/busybox')) await importBusybox(docker);
});
after(() => rmSync(outputs, { recursive: true, force: true }));

function engine(t: TestContext): boolean {
  return requireService(t, 'Docker engine', available, 'start dockerd and set PROOFMARKET_DOCKER_SOCKET, as .ci/run does');
}

const jobId = () => `0x${randomBytes(32).toString('hex')}`;
const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** The containers and volumes a job left behind (there must be none). */
async function leftovers(id: string): Promise<string[]> {
  const filters = { label: [`proofmarket.job=${id}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const { Volumes } = await docker.listVolumes({ filters });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...(Volumes ?? []).map((v) => `volume ${v.Name}`)];
}

/** Runs a busybox job with small resources (overridable) and checks it left nothing behind. */
async function run(cmd: string | string[], over: Partial<ContainerJobSpec> & { ramMiB?: number; storageMiB?: number } = {}, opts: Partial<ExecutorOptions> = {}): Promise<ContainerJobResult & { jobId: string }> {
  const id = jobId();
  const { ramMiB = 128, storageMiB = 16, ...rest } = over;
  const spec: ContainerJobSpec = { jobId: id, image: 'busybox', cmd, resources: { cpu: 1, ramGB: ramMiB / 1024, gpu: 0, storageGB: storageMiB / 1024 }, outputs: [], timeoutSec: 30, ...rest };
  const result = await runContainerJob(docker, spec, { sink, ...opts });
  assert.deepEqual(await leftovers(id), [], 'the job container, the /out holder and the /out volume are removed');
  return { ...result, jobId: id };
}

test('a trivial job: /out files come back with their SHA-256, stdout and stderr apart, run as nobody', { timeout: 60_000 }, async (t) => {
  if (!engine(t)) return;
  const r = await run(`echo 'Job executed successfully' > /out/output.txt; mkdir /out/sub; printf 'x%.0s' $(seq 1 100000) > /out/sub/big.txt; ln -s /etc/passwd /out/link; id -u; echo oops >&2`, { outputs: [{ path: '/out/output.txt' }, { path: '/out/missing.txt' }] });
  assert.equal(r.exitCode, 0);
  assert.equal(r.failure, undefined);
  assert.equal(r.stdoutTail, '65534\n');
  assert.equal(r.stderrTail, 'oops\n');
  assert.ok(r.runtimeSec > 0 && r.runtimeSec < 30);
  const big = 'x'.repeat(100000);
  assert.deepEqual(
    r.artifacts.map(({ path, sha256, size }) => ({ path, sha256, size })),
    [
      { path: '/out/output.txt', sha256: sha256('Job executed successfully\n'), size: 26 },
      { path: '/out/sub/big.txt', sha256: sha256(big), size: 100000 },
    ],
    'regular files only (the symbolic link is not an output), names normalised to /out/…',
  );
  for (const a of r.artifacts) assert.equal(sha256(readFileSync(a.localUri)), a.sha256, `${a.localUri} holds what was hashed`);
  assert.equal(r.artifacts[0]!.localUri, join(outputs, r.jobId, 'output.txt'));
  assert.deepEqual(r.missingOutputs, ['/out/missing.txt']);
});

test('no network: a job that opens a socket fails, and sees only a loopback of its own', { timeout: 60_000 }, async (t) => {
  if (!engine(t)) return;
  let connections = 0;
  const server = createServer((s) => (connections++, s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const local = await run(`ls /sys/class/net; nc -w 3 127.0.0.1 ${port} </dev/null`);
  assert.equal(local.stdoutTail, 'lo\n');
  assert.notEqual(local.exitCode, 0);
  assert.equal(local.failure, 'error');
  assert.match(local.stderrTail, /Connection refused/);
  assert.equal(connections, 0, "the host's loopback is not reachable");
  const out = await run('nc -w 3 1.1.1.1 53 </dev/null');
  assert.equal(out.failure, 'error');
  assert.match(out.stderrTail, /Network is unreachable/);
});

test('a fork bomb hits the pids limit, and the machine runs the next job', { timeout: 90_000 }, async (t) => {
  if (!engine(t)) return;
  // the bomb burns out when forks fail; then the cgroup's own counters say how high it got
  const bomb = 'bomb() { bomb | bomb & }; bomb; until sleep 1; do :; done; ' + 'for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do [ -r $d/pids.peak ] && read peak < $d/pids.peak; done; echo "peak=$peak"';
  const r = await run(bomb, { timeoutSec: 20 }, { pidsLimit: 64 });
  assert.match(r.stderrTail, /can't fork: Resource temporarily unavailable/);
  const peak = /peak=(\d*)/.exec(r.stdoutTail)?.[1];
  if (peak) assert.ok(Number(peak) <= 64, `at most 64 processes at once, saw ${peak}`);
  const next = await run('echo alive');
  assert.equal(next.exitCode, 0);
  assert.equal(next.stdoutTail, 'alive\n');
});

test('a memory hog is killed: failure oom, exit 137', { timeout: 60_000 }, async (t) => {
  if (!engine(t)) return;
  const r = await run('dd if=/dev/zero of=/dev/null bs=200M count=1', { ramMiB: 32, storageMiB: 1 });
  assert.equal(r.exitCode, 137);
  assert.equal(r.failure, 'oom');
  assert.match(r.reason!, /^oom:/);
});

test('a job past its timeout is killed: failure timeout', { timeout: 60_000 }, async (t) => {
  if (!engine(t)) return;
  const r = await run('echo started; sleep 60', { timeoutSec: 2 });
  assert.equal(r.failure, 'timeout');
  assert.equal(r.exitCode, 137);
  assert.equal(r.stdoutTail, 'started\n');
  assert.ok(r.runtimeSec >= 2 && r.runtimeSec < 15, `killed near its timeout, ran ${r.runtimeSec} s`);
});

test('a 2 GB write into a 10 MB /out is stopped at 10 MB', { timeout: 90_000 }, async (t) => {
  if (!engine(t)) return;
  const r = await run('dd if=/dev/zero of=/out/big bs=1M count=2048', { storageMiB: 10, timeoutSec: 60 });
  assert.equal(r.failure, 'error');
  assert.match(r.stderrTail, /No space left on device/);
  const big = r.artifacts.find((a) => a.path === '/out/big');
  assert.ok(big && big.size <= 10 * MiB && big.size > 9 * MiB, `the file stops at the cap: ${big?.size} bytes`);
  assert.equal(sha256(readFileSync(big.localUri)), big.sha256);
});

test('the root filesystem is read-only; /out and /tmp are the only writable places', { timeout: 60_000 }, async (t) => {
  if (!engine(t)) return;
  const r = await run('for f in /x /etc/x /bin/x /tmp/x /out/x; do if touch $f 2>/dev/null; then echo "$f writable"; else echo "$f read-only"; fi; done');
  assert.equal(r.stdoutTail, '/x read-only\n/etc/x read-only\n/bin/x read-only\n/tmp/x writable\n/out/x writable\n');
});

test('every capability is dropped and no privilege can be gained', { timeout: 60_000 }, async (t) => {
  if (!engine(t)) return;
  const r = await run(['sh', '-c', 'grep -E "^(CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)" /proc/self/status; chown 0 /out/ 2>&1; echo rc=$?']);
  const fields = Object.fromEntries(r.stdoutTail.split('\n').filter((l) => l.includes(':\t')).map((l) => l.split(':\t') as [string, string]));
  assert.deepEqual(fields, { CapPrm: '0000000000000000', CapEff: '0000000000000000', CapBnd: '0000000000000000', CapAmb: '0000000000000000', NoNewPrivs: '1' });
  assert.match(r.stdoutTail, /Operation not permitted\nrc=1/);
});

test('containers are removed also when collecting fails; a missing image fails before any container', { timeout: 60_000 }, async (t) => {
  if (!engine(t)) return;
  const broken: ArtifactSink = { store: async () => Promise.reject(new Error('disk full')) };
  const r = await run('head -c 1000000 /dev/zero > /out/a', {}, { sink: broken });
  assert.equal(r.failure, 'error');
  assert.equal(r.reason, 'container_error: disk full');
  const unstartable = await run(['/no/such/program']);
  assert.equal(unstartable.failure, 'error');
  assert.match(unstartable.reason!, /^container_error: .*no such file or directory/);
  assert.match((await run('true', { timeoutSec: 30 * 86400 })).reason!, /^invalid_job: timeoutSec/);
  const missing = await run('true', { image: 'alpine' });
  assert.equal(missing.failure, 'error');
  assert.match(missing.reason!, /^image_not_found: alpine is not present on this provider/);
  const gpu = await run('true', { resources: { cpu: 1, ramGB: 0.1, gpu: 1, storageGB: 0.01 } });
  assert.match(gpu.reason!, /^invalid_job: gpu_unavailable/);
  assert.equal((await run('true', { ramMiB: 64, storageMiB: 1024 })).exitCode, 0, 'a GiB of /out costs nothing until written');
  assert.equal(GiB, 1024 * MiB);
});

test('the provider agent runs a matched job end to end: polls, runs, hashes, submits, logs as the seed', { timeout: 120_000 }, async (t) => {
  if (!engine(t)) return;
  const provider = '0xabcdef1234567890abcdef1234567890abcdef12';
  const feed = new MemoryJobFeed();
  const good = jobId();
  const bad = jobId();
  const resources = { cpu: 1, ramGB: 0.125, gpu: 0, storageGB: 0.01 };
  feed.match({ jobId: bad, image: 'alpine', cmd: ['echo', 'hello'], resources, outputs: [], timeoutSec: 30 }, provider);
  feed.match({ jobId: good, image: 'busybox', cmd: 'echo "Job executed successfully" > /out/output.txt', resources, outputs: [{ path: '/out/output.txt' }], timeoutSec: 30 }, provider);
  const lines: string[] = [];
  const agent = await startDockerAgent({ docker, provider, feed, outputsDir: outputs, pollIntervalMs: 100, log: (l) => lines.push(l) });
  t.after(() => agent.stop());
  const deadline = Date.now() + 100_000;
  while ((feed.status(good) !== 'RESULT_SUBMITTED' || feed.status(bad) !== 'RESULT_SUBMITTED') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await agent.stop();
  const result = feed.result(good)!;
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.artifacts.map(({ path, sha256, size }) => ({ path, sha256, size })), [{ path: '/out/output.txt', sha256: sha256('Job executed successfully\n'), size: 26 }]);
  assert.equal(readFileSync(join(outputs, good, 'output.txt'), 'utf8'), 'Job executed successfully\n');
  assert.match(feed.result(bad)!.reason!, /^image_not_found: alpine/);
  const seedLines = [
    'Provider Agent starting...',
    'Connected to Docker',
    `Processing job: ${good}`,
    `Processing job details - ID: '${good}', Image: 'busybox', Cmd: [sh -c echo "Job executed successfully" > /out/output.txt]`,
    `Job output directory: ${join(outputs, good)}`,
    'Container finished with status: 0',
    `Results submitted for job: ${good}`,
  ];
  const mine = lines.filter((l) => seedLines.includes(l));
  assert.deepEqual(mine, seedLines, `the seed's log lines, in order:\n${lines.join('\n')}`);
  assert.ok(lines.some((l) => /^Found [12] matched jobs$/.test(l)));
  assert.deepEqual(await leftovers(good), []);
});

test('proofmarket images: list shows the imported busybox; bad usage is one line and exit 2', { timeout: 120_000 }, async (t) => {
  const bin = new URL('../bin/proofmarket.js', import.meta.url).pathname;
  const cli = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [bin, 'images', ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr })),
    );
  const bad = await cli(['bogus']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'error: bad_usage: unknown images command "bogus"; say list or import-busybox\n');
  if (!engine(t)) return;
  const listed = await cli(['list', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const { images } = JSON.parse(listed.stdout) as { images: string[] };
  assert.ok(images.includes('busybox:latest') && images.includes(BUSYBOX_IMAGE), images.join(', '));
  const noEngine = await new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(process.execPath, [bin, 'images', 'list'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: '', PROOFMARKET_DOCKER_SOCKET: join(outputs, 'no.sock') } }, (err, _o, stderr) => resolve({ code: err ? Number(err.code) : 0, stderr })),
  );
  assert.equal(noEngine.code, 3);
  assert.match(noEngine.stderr, /^error: docker_unreachable: no Docker engine answers at .*no\.sock; start dockerd or set PROOFMARKET_DOCKER_SOCKET\n$/);
});
