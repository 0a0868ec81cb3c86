// ProofMarketClient.follow: the async iterator over a request's states, against a coordinator in this process
// listening on 127.0.0.1 (manual clock, no scheduler: the test moves the request along itself). Then the
// README's SDK example, type-checked as written and run against a live market with a prover node.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import ts from 'typescript';
import { keyFileOf, writeKeyFile } from '../src/cli/keys.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { ProverNode } from '../src/prover/index.ts';
import { ManualClock } from '../src/domain/clock.ts';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient, ProofMarketError } from '../src/sdk/client.ts';
import type { RequestView } from '../src/api/index.ts';
import { proveBuiltin } from './support/proofs.ts';
import { waitFor } from './support/wait.ts';

let c: Coordinator;
let pm: ProofMarketClient;
let program: string;

before(async () => {
  c = await startCoordinator(
    { dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true },
    { clock: new ManualClock('2026-03-01T12:00:00.000Z'), scheduler: false },
  );
  pm = new ProofMarketClient({ baseUrl: c.url! });
  program = (await pm.listPrograms()).find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
  await pm.faucet('1000000', 'alice');
  await pm.registerProver({ prover_id: 'p1', supported_levels: [1], capacity: 2 });
});
after(async () => {
  await c?.close();
  await terminateCurves();
});

let seq = 0;
const submit = () =>
  pm.submitRequest({ requester: 'alice', program_id: program, input: Buffer.from([7, ++seq]).toString('base64'), backend: 'groth16', max_price: '1000' });

/** Runs `follow` in the background, collecting what it yields. */
function collect(requestId: string, opts: { intervalMs?: number; signal?: AbortSignal } = {}) {
  const seen: RequestView[] = [];
  const done = (async () => {
    for await (const r of pm.follow(requestId, opts)) seen.push(r);
  })();
  return { seen, done, statuses: () => seen.map((r) => r.status) };
}

test('follow yields each new state once, from pending to the verified proof, then ends', async () => {
  const { request_id: id } = await submit();
  const f = collect(id, { intervalMs: 10 });
  await waitFor('pending', () => f.seen.length === 1);

  const task = await pm.assignTask('p1'); // a fixed request: the seed poll takes it at the max price
  assert.equal(task?.task_id, id);
  await waitFor('assigned', () => f.seen.length === 2);
  await pm.startTask(id, 'p1');
  await waitFor('in progress', () => f.seen.length === 3);
  // many polls see the same state in between: none of them is yielded again
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(f.seen.length, 3);

  const proof = await proveBuiltin('data-commitment', 'groth16', task!.circuit_input!);
  assert.equal((await pm.submitResult({ task_id: id, prover_id: 'p1', proof: proof.bytes })).verification_result, 'Pass');
  await f.done; // ends by itself once completed

  assert.deepEqual(f.statuses(), ['pending', 'assigned', 'in_progress', 'completed']);
  assert.deepEqual(f.seen.map((r) => r.assigned_prover), [null, 'p1', 'p1', 'p1']);
  assert.deepEqual(f.seen.map((r) => r.price), [null, '1000', '1000', '1000']);
  assert.ok(f.seen.every((r) => r.request_id === id));
  assert.deepEqual((await pm.getProof(id)).public_signals, proof.publicSignals);
});

test('follow ends on a failed request (cancelled by its requester)', async () => {
  const { request_id: id } = await submit();
  const f = collect(id, { intervalMs: 10 });
  await waitFor('pending', () => f.seen.length === 1);
  await pm.cancelRequest(id);
  await f.done;
  assert.deepEqual(f.statuses(), ['pending', 'failed']);
});

test('an aborted signal ends follow at once, without an error, between polls or before the first', async () => {
  const { request_id: id } = await submit();
  const ac = new AbortController();
  const f = collect(id, { intervalMs: 60_000, signal: ac.signal });
  await waitFor('the first state', () => f.seen.length === 1);
  const t0 = Date.now();
  ac.abort();
  await f.done;
  assert.ok(Date.now() - t0 < 1000, 'it does not wait out the interval');
  assert.deepEqual(f.statuses(), ['pending']);

  const none = collect(id, { signal: AbortSignal.abort() });
  await none.done;
  assert.deepEqual(none.seen, []);

  // leaving the loop ends it too
  for await (const r of pm.follow(id, { intervalMs: 60_000 })) {
    assert.equal(r.status, 'pending');
    break;
  }
});

test('an aborted signal ends follow while a poll is in flight (a coordinator that never answers)', async (t) => {
  const silent = createServer(() => undefined); // takes the request, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => {
    silent.closeAllConnections();
    silent.close();
  });
  const stuck = new ProofMarketClient({ baseUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
  const t0 = Date.now();
  const seen: RequestView[] = [];
  for await (const r of stuck.follow('r-1', { signal: AbortSignal.timeout(200) })) seen.push(r);
  assert.deepEqual(seen, []);
  assert.ok(Date.now() - t0 < 5_000, 'it does not wait for the answer (or the 30 s timeout)');
});

test('follow on an unknown request fails with the server\'s error', async () => {
  await assert.rejects(
    async () => {
      for await (const _ of pm.follow('no-such-request')) assert.fail('nothing to yield');
    },
    (err: unknown) => err instanceof ProofMarketError && err.status === 404,
  );
});

/** The one ```ts block of a README section. */
function readmeTsBlock(section: string): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  assert.ok(start >= 0, `README has a section "${section}"`);
  const end = readme.indexOf('\n## ', start + 4);
  const blocks = [...readme.slice(start, end === -1 ? undefined : end).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.equal(blocks.length, 1);
  return blocks[0]!;
}

test('README: the SDK example type-checks as written, and runs to a verified proof against a live market', async (t) => {
  const code = readmeTsBlock('TypeScript SDK');
  assert.ok(code.split('\n').filter((l) => l.trim()).length <= 10, 'a ten-line example');
  const root = new URL('..', import.meta.url).pathname;
  // Inside the package (in its git-ignored .scratch/), so that 'proofmarket/sdk' resolves as it does for a user:
  // through package.json "exports".
  mkdirSync(join(root, '.scratch'), { recursive: true });
  const dir = mkdtempSync(join(root, '.scratch', 'readme-sdk-'));
  const home = mkdtempSync(join(tmpdir(), 'pm-readme-sdk-home-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  const example = join(dir, 'example.mts');
  writeFileSync(example, code);
  const program = ts.createProgram([example], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true, skipLibCheck: true, types: ['node'],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' }));
  assert.deepEqual(diagnostics, [], 'the example type-checks');

  // a market that takes signed calls only, with one prover node
  const live = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: false, sweepIntervalMs: 200 });
  const node = new ProverNode({ coordinator_url: live.url!, state_dir: join(home, 'node'), heartbeat_interval: 0.5, poll_interval: 0.1 }, { measureSpeed: false });
  t.after(async () => {
    await node.stop({ handBack: true }).catch(() => undefined);
    await live.close();
  });
  await node.start();
  // the user's key, where `proofmarket keys new` puts it
  writeKeyFile(join(home, '.proofmarket', 'key.json'), keyFileOf(`0x${randomBytes(32).toString('hex')}`));

  const run = join(dir, 'run.mts');
  writeFileSync(run, code.replaceAll('http://127.0.0.1:8080', live.url!));
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', run], { cwd: dir, env: { ...process.env, HOME: home }, timeout: 120_000 });
  const lines = stdout.trim().split('\n');
  // the states it saw (the node may take the request before the first poll), the last one completed
  for (const l of lines.slice(0, -1)) assert.match(l, new RegExp(`^(pending  |(assigned|in_progress|completed) ${node.nodeId} 1000)$`));
  assert.equal(lines.at(-2), `completed ${node.nodeId} 1000`);
  assert.match(lines.at(-1)!, new RegExp(`^verified proof by ${node.nodeId}, public signals \\d+$`));
});
