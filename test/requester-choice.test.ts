// requester_choice end to end (issue #17, bid selection): over real HTTP, provers bid, the requester lists the
// bids and chooses one that is not the cheapest with the CLI, and that prover gets the assignment; refusals
// (another's request, an unknown or withdrawn bid, a decided round) are one line and exit 1. On a coordinator
// with a manual clock, a round nobody chose is cleared by the weighted rule once its choice window ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { privateKeySigner } from '../src/sdk/signer.ts';
import { keyFileOf, writeKeyFile } from '../src/cli/keys.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { testCoordinator, type TestCoordinator } from './support/coordinator.ts';
import { signedCall, testSigner } from './support/signing.ts';

const BIN = new URL('../bin/proofmarket.js', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pm-choice-'));
const requesterKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
const strangerKey = keyFileOf(`0x${randomBytes(32).toString('hex')}`);
const keyFiles = { requester: join(tmp, 'requester.json'), stranger: join(tmp, 'stranger.json') };

let live: Coordinator;
let program: string;

before(async () => {
  writeKeyFile(keyFiles.requester, requesterKey);
  writeKeyFile(keyFiles.stranger, strangerKey);
  live = await startCoordinator({ host: '127.0.0.1', port: 0, dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, open: true, heartbeatTimeoutMs: 600_000 });
  const programs = await new ProofMarketClient({ baseUrl: live.url! }).listPrograms();
  program = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
});

after(async () => {
  await live?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, PROOFMARKET_URL: live.url!, PROOFMARKET_HOME: join(tmp, 'home') };
  delete env.PROOFMARKET_KEY;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: tmp, env, timeout: 120_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (((err as { code?: unknown }).code as number | null) ?? null) : 0, stdout, stderr });
    });
  });
}

const show = (r: Run) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
function refusedWith(r: Run, code: string): void {
  assert.equal(r.code, 1, show(r));
  assert.match(r.stderr, /^[^\n]+\n/, `one line first on stderr\n${show(r)}`);
  assert.match(r.stderr.split("\n")[0]!, new RegExp(`^error: ${code}: `), show(r));
}

test('over HTTP and the CLI: the requester chooses a bid that is not the cheapest, and that prover is assigned at its fee', async () => {
  const requester = new ProofMarketClient({ baseUrl: live.url!, signer: privateKeySigner(requesterKey.private_key) });
  const open = new ProofMarketClient({ baseUrl: live.url! });
  for (const id of ['cheap', 'chosen', 'pricey']) await open.registerProver({ prover_id: id, supported_levels: [1], capacity: 2, backends: ['groth16'] });
  await requester.deposit('5000');
  const r = await requester.submitRequest({
    program_id: program, backend: 'groth16', input: Buffer.from('choose me').toString('base64'), max_price: '1000',
    auction: { mechanism: 'requester_choice', bid_window_ms: 600_000, choice_window_ms: 600_000 },
  });
  const id = r.request_id;
  assert.equal((await open.bid(id, { prover_id: 'cheap', fee: '300' })).accepted, true);
  assert.equal((await open.bid(id, { prover_id: 'chosen', fee: '600' })).accepted, true);
  assert.equal((await open.bid(id, { prover_id: 'pricey', fee: '900' })).accepted, true);
  await open.withdrawBid(id, 'pricey');

  const listed = await cli(['bids', id, '--key', keyFiles.requester, '--json']);
  assert.equal(listed.code, 0, show(listed));
  const list = JSON.parse(listed.stdout) as { phase: string; bids: Array<{ bid_id: string; prover_id: string; fee: string; reputation: number | null; free_stake: string; withdrawn: boolean; eligible: boolean; reason: string | null }> };
  assert.equal(list.phase, 'bidding');
  assert.deepEqual(list.bids.map((b) => [b.prover_id, b.fee, b.withdrawn, b.eligible]), [['cheap', '300', false, true], ['chosen', '600', false, true], ['pricey', '900', true, false]]);
  assert.ok(list.bids.every((b) => b.free_stake === '0' && b.reputation === null));
  const bidOf = (p: string) => list.bids.find((b) => b.prover_id === p)!.bid_id;
  const text = await cli(['bids', id, '--key', keyFiles.requester]);
  assert.match(text.stdout, /cheap\s+300/);

  refusedWith(await cli(['bids', id, '--key', keyFiles.stranger]), 'not_requester');
  refusedWith(await cli(['choose', id, bidOf('chosen'), '--key', keyFiles.stranger]), 'not_requester');
  refusedWith(await cli(['choose', id, '1-42', '--key', keyFiles.requester]), 'bid_not_found');
  refusedWith(await cli(['choose', id, bidOf('pricey'), '--key', keyFiles.requester]), 'bid_withdrawn');
  const unsigned = await cli(['choose', id, bidOf('chosen')]);
  refusedWith(unsigned, 'signature_missing');

  const chose = await cli(['choose', id, bidOf('chosen'), '--key', keyFiles.requester]);
  assert.equal(chose.code, 0, show(chose));
  assert.match(chose.stdout, /assigned to chosen at 600/);
  const after_ = await open.getRequest(id);
  assert.deepEqual([after_.status, after_.assigned_prover, after_.price], ['assigned', 'chosen', '600']);
  const task = (await (await fetch(`${live.url}/tasks/assign/chosen`)).json()) as { task_id: string } | null;
  assert.equal(task?.task_id, id, 'the chosen prover gets the request on its next poll');
  const explained = await open.getAuction(id);
  assert.equal(explained.phase, 'closed');
  assert.match(JSON.stringify(explained.explanation), /the requester chose chosen/);
  refusedWith(await cli(['choose', id, bidOf('cheap'), '--key', keyFiles.requester]), 'phase_closed');
});

test('without a choice before the timeout, the weighted rule picks (a withdrawn bid left out), through the kernel', async () => {
  const c: TestCoordinator = await testCoordinator();
  try {
    const programs = (await c.call('GET', '/programs')).body as Array<{ program_id: string; name: string; proof_system: string }>;
    const prog = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!.program_id;
    for (const id of ['w-cheap', 'w-mid', 'w-gone']) assert.equal((await c.call('POST', '/provers/register', { prover_id: id, supported_levels: [1], capacity: 1 })).status, 200);
    const requester = testSigner(c);
    assert.equal((await signedCall(c, requester, 'POST', '/v1/accounts/deposit', { amount: '1000' })).status, 200);
    const sub = await signedCall(c, requester, 'POST', '/v1/requests', {
      program_id: prog, backend: 'groth16', input: Buffer.from('fallback').toString('base64'), max_price: '1000',
      auction: { mechanism: 'requester_choice', bid_window_ms: 1000, choice_window_ms: 2000 },
    });
    assert.equal(sub.status, 201, sub.raw);
    const id = sub.body.request_id as string;
    for (const [p, fee] of [['w-gone', '100'], ['w-cheap', '300'], ['w-mid', '500']] as const) assert.equal((await c.call('POST', `/v1/auctions/${id}/bids`, { prover_id: p, fee })).status, 200);
    assert.equal((await c.call('POST', `/v1/auctions/${id}/withdraw`, { prover_id: 'w-gone' })).status, 200);
    const noBid = await c.call('POST', `/v1/auctions/${id}/withdraw`, { prover_id: 'w-gone' });
    assert.deepEqual([noBid.status, noBid.body.error.code], [409, 'duplicate_bid']);

    c.clock.advance(1500);
    await c.market.tick();
    assert.equal((await c.call('GET', `/v1/auctions/${id}`)).body.phase, 'choosing');
    assert.equal((await c.call('GET', `/v1/requests/${id}`)).body.status, 'pending', 'still waiting for the requester');

    c.clock.advance(1600);
    await c.market.tick();
    const r = (await c.call('GET', `/v1/requests/${id}`)).body;
    // weighted, all without history (2.5 stars): the cheapest bid not withdrawn scores highest
    assert.deepEqual([r.status, r.assigned_prover, r.price], ['assigned', 'w-cheap', '300']);
    const x = (await c.call('GET', `/v1/auctions/${id}`)).body.explanation;
    assert.match(x.outcome.why, /did not choose in time, so the weighted rule picked/);
    assert.deepEqual(x.entries[0].reason, 'bid_withdrawn');
    const late = await signedCall(c, requester, 'POST', `/v1/auctions/${id}/choice`, { bid_id: '1-2' });
    assert.deepEqual([late.status, late.body.error.code], [409, 'phase_closed']);
  } finally {
    await c.close();
  }
});
