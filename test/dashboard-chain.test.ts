// The dashboard's Chain page and GET /v1/chain, on a coordinator that settles on a real anvil: the chain id, the
// contracts, the indexer's cursor and confirmations, and a settlement (a request created and cancelled on chain)
// with its transaction hash. In Chromium: no console error or failed request, no serious axe violation, 1280 px
// light and 360 px dark; the nav shows Chain here (and not on a coordinator off chain: test/dashboard.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { anvilAccount } from '../src/chain/client.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { buildDashboard } from '../web/build.ts';
import { anvilSkip } from './support/chain.ts';
import { axe, chromiumInstalled, launch, newPage, overflowX, shoot } from './support/browser.ts';
import { requireService } from './support/services.ts';
import { testCoordinator } from './support/coordinator.ts';
import { chainMarket, type ChainMarket } from './support/dashboard-chain-market.ts';

let m: ChainMarket | undefined;

before(async () => {
  if (!anvilSkip) m = await chainMarket();
});
after(async () => {
  await m?.close();
  await terminateCurves();
});

test('GET /v1/chain: chain id, contracts, the indexer and its cursor, the settlement with its transaction; 404 off chain', { skip: anvilSkip }, async () => {
  const res = await fetch(`${m!.url}/v1/chain`);
  assert.equal(res.status, 200);
  const c = (await res.json()) as Record<string, any>;
  assert.equal(c.chain_id, 31337);
  assert.deepEqual(c.contracts, { proof_market: m!.deployment.proof_market.toLowerCase(), job_escrow: m!.deployment.job_escrow.toLowerCase() });
  assert.equal(c.indexer.confirmations, 1);
  assert.ok(BigInt(c.cursor.scanned_block) >= BigInt(m!.deployment.start_block), JSON.stringify(c.cursor));
  assert.deepEqual(c.requests, { cancelled: 1 });
  assert.equal(c.settlements.length, 1);
  assert.deepEqual([c.settlements[0].request_id, c.settlements[0].status, c.settlements[0].settled_tx, c.settlements[0].requester], [m!.requestId, 'cancelled', m!.cancelTx, anvilAccount(1).address.toLowerCase()]);
  assert.equal((await fetch(`${m!.url}/v1/chain?limit=abc`)).status, 400);
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
        await w.page.goto(`${m!.url}/#/`);
        await w.page.getByRole('link', { name: 'Chain', exact: true }).click();
        await w.page.locator(`[data-tx="${m!.cancelTx}"]`).waitFor({ timeout: 30_000 });
        assert.equal(await w.page.locator('[data-contract="proof_market"]').innerText(), m!.deployment.proof_market.toLowerCase());
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
