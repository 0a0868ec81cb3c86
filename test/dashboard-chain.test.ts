// The dashboard's Chain page and GET /v1/chain, on a coordinator that settles on a real anvil: the chain id, the
// contracts, the indexer's cursor and confirmations, and a settlement (a request created and cancelled on chain)
// with its transaction hash. In Chromium: no console error or failed request, no serious axe violation, 1280 px
// light and 360 px dark; the nav shows Chain here (and not on a coordinator off chain: test/dashboard.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keccak256, parseEther, toHex, type Hex } from 'viem';
import { ProofMarket } from '../contracts/artifacts/ProofMarket.ts';
import { startAnvil, type Anvil } from '../src/chain/anvil.ts';
import { anvilAccount, confirmed, publicClientFor, testClientFor, walletFor } from '../src/chain/client.ts';
import { deployMarket } from '../src/chain/devnet.ts';
import type { DeploymentFile } from '../src/chain/deployment-file.ts';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { buildDashboard } from '../web/build.ts';
import { anvilSkip } from './support/chain.ts';
import { axe, chromiumInstalled, launch, newPage, overflowX, shoot } from './support/browser.ts';
import { requireService } from './support/services.ts';
import { testCoordinator } from './support/coordinator.ts';

let anvil: Anvil | undefined;
let d: DeploymentFile;
let live: Coordinator | undefined;
let cancelTx: Hex;
let requestId: Hex;

before(async () => {
  if (anvilSkip) return;
  anvil = await startAnvil();
  d = await deployMarket(anvil.rpcUrl, anvilAccount(0));
  live = await startCoordinator({
    host: '127.0.0.1', port: 0, dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1,
    chain: { rpcUrl: anvil.rpcUrl, proofMarket: d.proof_market, jobEscrow: d.job_escrow, confirmations: 1, startBlock: BigInt(d.start_block), pollMs: 50 },
  });
  // a request opened and cancelled on chain: its escrow comes back, the indexer records the settling transaction
  const client = publicClientFor(anvil.rpcUrl);
  const wallet = walletFor(anvil.rpcUrl, anvilAccount(1));
  requestId = keccak256(toHex('dashboard-chain'));
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3_600);
  await confirmed(client, await wallet.writeContract({ address: d.proof_market, abi: ProofMarket.abi, functionName: 'createRequest', args: [requestId, d.programs[0]!.program_id, 50_000n, deadline, 0n, keccak256('0x')], value: parseEther('0.00000000000005') }));
  cancelTx = await wallet.writeContract({ address: d.proof_market, abi: ProofMarket.abi, functionName: 'cancel', args: [requestId] });
  const receipt = await confirmed(client, cancelTx);
  await testClientFor(anvil.rpcUrl).mine({ blocks: 1 }); // one confirmation
  await live.market.chain!.waitForBlock(receipt.blockNumber);
});
after(async () => {
  await live?.close();
  await anvil?.stop();
  await terminateCurves();
});

test('GET /v1/chain: chain id, contracts, the indexer and its cursor, the settlement with its transaction; 404 off chain', { skip: anvilSkip }, async () => {
  const res = await fetch(`${live!.url}/v1/chain`);
  assert.equal(res.status, 200);
  const c = (await res.json()) as Record<string, any>;
  assert.equal(c.chain_id, 31337);
  assert.deepEqual(c.contracts, { proof_market: d.proof_market.toLowerCase(), job_escrow: d.job_escrow.toLowerCase() });
  assert.equal(c.indexer.confirmations, 1);
  assert.ok(BigInt(c.cursor.scanned_block) >= BigInt(d.start_block), JSON.stringify(c.cursor));
  assert.deepEqual(c.requests, { cancelled: 1 });
  assert.equal(c.settlements.length, 1);
  assert.deepEqual([c.settlements[0].request_id, c.settlements[0].status, c.settlements[0].settled_tx, c.settlements[0].requester], [requestId, 'cancelled', cancelTx.toLowerCase(), anvilAccount(1).address.toLowerCase()]);
  assert.equal((await fetch(`${live!.url}/v1/chain?limit=abc`)).status, 400);
  const off = await testCoordinator();
  try {
    const r = await off.call('GET', '/v1/chain');
    assert.equal(r.status, 404, r.raw);
    assert.equal(r.body.error.code, 'chain_not_configured');
  } finally {
    await off.close();
  }
});

test('the Chain page: in the nav, contracts and the settlement\'s transaction, no console error, no serious axe violation, 1280 and 360 px', { skip: anvilSkip, timeout: 180_000 }, async (t) => {
  if (!requireService(t, 'Chromium', chromiumInstalled(), 'apt-get install -y chromium, as .ci/chromium.sh does')) return;
  await buildDashboard();
  const browser = await launch();
  try {
    for (const view of [{ width: 1280, scheme: 'light' as const }, { width: 360, scheme: 'dark' as const }]) {
      const { context, w } = await newPage(browser, { width: view.width, height: 800, scheme: view.scheme });
      const label = `chain-${view.width}-${view.scheme}`;
      try {
        await w.page.goto(`${live!.url}/#/`);
        await w.page.getByRole('link', { name: 'Chain', exact: true }).click();
        await w.page.locator(`[data-tx="${cancelTx.toLowerCase()}"]`).waitFor({ timeout: 30_000 });
        assert.equal(await w.page.locator('[data-contract="proof_market"]').innerText(), d.proof_market.toLowerCase());
        await w.page.waitForTimeout(300);
        assert.deepEqual(w.take(), [], `${label}: console errors or failed requests`);
        assert.deepEqual(await axe(w.page), [], `${label}: axe-core serious/critical violations`);
        assert.ok((await overflowX(w.page)) <= 0, `${label}: the page is wider than the ${view.width} px viewport`);
      } catch (err) {
        throw Object.assign(err as Error, { message: `${(err as Error).message}\n(screenshot: ${await shoot(w.page, label)})` });
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
});
