// The dashboard in a real browser (Chromium through playwright-core) against a live market: `proofmarket serve`
// and a real prover node. Every page loads with no console error and no failed request and passes axe-core
// (no serious or critical violation), in light and dark, at 1280 px and at 360 px without sideways overflow; a
// request submitted from the form, signed by a key generated in the browser, reaches `completed` live on its
// page; the proof verifies in the browser (Pass), a tampered copy does not (Fail). A failing step leaves a
// screenshot in test-results/dashboard/.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { axe, chromiumInstalled, launch, newPage, overflowX, shoot, watch, type WatchedPage } from './support/browser.ts';
import { liveMarket, type LiveMarket } from './support/dashboard-market.ts';
import { requireService } from './support/services.ts';
import { postJob } from './support/dashboard-jobs.ts';
import { ProofMarketClient, privateKeySigner } from '../src/sdk/index.ts';
import { createHash, randomBytes } from 'node:crypto';
import { buildDashboard } from '../web/build.ts';

let market: LiveMarket | undefined;
let browser: Browser | undefined;

before(async () => {
  if (!chromiumInstalled()) return;
  await buildDashboard(); // the sources as they are now (a coordinator builds web/dist only when it is missing)
  [market, browser] = await Promise.all([liveMarket({ requests: 1 }), launch()]);
});
after(async () => {
  await browser?.close();
  await market?.close();
});

/** Runs `body`; on failure saves a screenshot of the page first. */
async function step<T>(w: WatchedPage, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const path = await shoot(w.page, name);
    throw Object.assign(err as Error, { message: `${(err as Error).message}\n(screenshot: ${path})` });
  }
}

const pages = (m: LiveMarket) => {
  const r = m.done[0]!;
  return [
    { name: 'market', hash: '#/', ready: '.stats .stat-value' },
    { name: 'provers', hash: '#/provers', ready: 'tbody tr' },
    { name: 'prover', hash: `#/provers/${encodeURIComponent(r.assigned_prover!)}`, ready: '.components li' },
    { name: 'requests', hash: '#/requests', ready: '.vrow[data-index="0"]' },
    { name: 'request', hash: `#/requests/${r.request_id}`, ready: '.verify' },
    { name: 'jobs', hash: '#/jobs', ready: 'tbody tr[data-job]' },
    { name: 'job', hash: `#/jobs/${m.jobs[0]!.jobId}`, ready: '[data-exit-code]' },
    { name: 'submit', hash: '#/submit', ready: 'form.form' },
    { name: 'account', hash: '#/account', ready: '.identity' },
  ];
};

async function visit(w: WatchedPage, url: string, name: string, ready: string): Promise<void> {
  await w.page.goto(url);
  await w.page.waitForSelector(ready, { timeout: 30_000 });
  await w.page.waitForLoadState('networkidle').catch(() => undefined); // SSE keeps one request open
  await w.page.waitForTimeout(300);
}

test('every page loads with no console error, no failed request and no serious axe violation, light and dark, 1280 and 360 px', { timeout: 300_000 }, async (t) => {
  if (!requireService(t, 'Chromium', chromiumInstalled(), 'apt-get install -y chromium, as .ci/chromium.sh does')) return;
  for (const view of [{ width: 1280, scheme: 'light' as const }, { width: 360, scheme: 'dark' as const }]) {
    const { context, w } = await newPage(browser!, { width: view.width, height: 800, scheme: view.scheme });
    for (const p of pages(market!)) {
      const label = `${p.name}-${view.width}-${view.scheme}`;
      await step(w, label, async () => {
        await visit(w, `${market!.url}/${p.hash}`, p.name, p.ready);
        assert.deepEqual(w.take(), [], `${label}: console errors or failed requests`);
        assert.deepEqual(await axe(w.page), [], `${label}: axe-core serious/critical violations`);
        assert.ok((await overflowX(w.page)) <= 0, `${label}: the page is wider than the ${view.width} px viewport`);
      });
    }
    await context.close();
  }
});

test('the Market page loads under 250 KB of compressed JavaScript, without snarkjs', async (t) => {
  if (!requireService(t, 'Chromium', chromiumInstalled(), 'apt-get install -y chromium, as .ci/chromium.sh does')) return;
  const { context, w } = await newPage(browser!);
  const scripts: Array<{ url: string; bytes: number; encoded: number }> = [];
  w.page.on('response', async (r) => {
    if (r.request().resourceType() !== 'script') return;
    const body = await r.body();
    const headers = await r.allHeaders();
    scripts.push({ url: r.url(), bytes: body.length, encoded: Number(headers['content-length'] ?? gzipSync(body).length) });
  });
  await visit(w, `${market!.url}/#/`, 'market', '.stats .stat-value');
  await w.page.waitForTimeout(500);
  const encoded = scripts.reduce((n, s) => n + s.encoded, 0);
  t.diagnostic(`Market page JavaScript: ${scripts.length} file(s), ${(scripts.reduce((n, s) => n + s.bytes, 0) / 1024).toFixed(1)} kB, ${(encoded / 1024).toFixed(1)} kB as sent (compressed)`);
  assert.ok(scripts.length > 0);
  assert.ok(encoded < 250 * 1024, `${encoded} bytes of compressed JavaScript`);
  assert.ok(!scripts.some((s) => /verify-/.test(s.url)), 'the verifier (snarkjs) is not loaded before verifying');
  await context.close();
});

test('submit from the form with a browser key, watch it reach completed live, verify its proof here (Pass) and a tampered copy (Fail)', { timeout: 400_000 }, async (t) => {
  if (!requireService(t, 'Chromium', chromiumInstalled(), 'apt-get install -y chromium, as .ci/chromium.sh does')) return;
  const { context, w } = await newPage(browser!);
  const page = w.page;
  await step(w, 'account-deposit', async () => {
    await visit(w, `${market!.url}/#/account`, 'account', '.identity');
    await page.getByRole('button', { name: 'Generate a browser key' }).click();
    await page.getByText('key generated and kept in this browser').waitFor();
    await page.getByLabel('Amount (base units)', { exact: true }).fill('250000');
    await page.getByRole('button', { name: 'Deposit', exact: true }).click();
    await page.getByText('Deposited 250,000').waitFor();
  });
  const requestId = await step(w, 'submit', async () => {
    await page.getByRole('link', { name: 'Submit' }).click();
    await page.getByLabel('Program', { exact: true }).selectOption({ label: 'data-commitment (groth16)' });
    await page.getByLabel('Input', { exact: true }).fill('proved for the browser test');
    await page.getByLabel('Max price (base units)', { exact: true }).fill('2000');
    await page.getByRole('button', { name: 'Sign and submit' }).click();
    await page.waitForURL(/#\/requests\/[^/]+$/);
    return decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
  });
  const started = Date.now();
  await step(w, 'request-live', async () => {
    // follow() on the event stream: the page updates itself, nothing reloads it
    await page.locator('[data-status="completed"]').waitFor({ timeout: 300_000 });
  });
  t.diagnostic(`request ${requestId} reached completed on the page ${((Date.now() - started) / 1000).toFixed(1)} s after submitting`);
  const view = await market!.requester.getRequest(requestId);
  assert.equal(view.status, 'completed');
  assert.equal(view.max_price, '2000');

  await step(w, 'verify-pass', async () => {
    const verdict = page.locator('.verdict');
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await verdict.waitFor({ timeout: 120_000 });
    assert.equal(await verdict.getAttribute('data-verdict'), 'Pass', await verdict.innerText());
  });
  await step(w, 'verify-fail', async () => {
    const proof = await market!.requester.getProof(requestId);
    const tampered = structuredClone(proof.proof) as { pi_a: string[] };
    tampered.pi_a[0] = (BigInt(tampered.pi_a[0]!) + 1n).toString(); // no longer a point of the proof
    const file = join(mkdtempSync(join(tmpdir(), 'pm-tampered-')), 'tampered.proof.json');
    writeFileSync(file, JSON.stringify({ ...proof, proof: tampered }));
    await page.locator('input[type=file]').setInputFiles(file);
    await page.locator('.verdict[data-verdict="Fail"]').waitFor({ timeout: 120_000 });
    t.diagnostic(`tampered proof: ${await page.locator('.verdict').innerText()}`);
  });
  assert.deepEqual(w.take(), [], 'console errors or failed requests during submit and verify');
  await context.close();
});

/** A key generated in the page's browser, with a deposit made from the Account page; answers the key. */
async function browserKey(w: WatchedPage, amount: string): Promise<string> {
  await visit(w, `${market!.url}/#/account`, 'account', '.identity');
  await w.page.getByRole('button', { name: 'Generate a browser key' }).click();
  await w.page.getByLabel('Amount (base units)', { exact: true }).fill(amount);
  await w.page.getByRole('button', { name: 'Deposit', exact: true }).click();
  await w.page.getByText(`Deposited ${Number(amount).toLocaleString('en-US')}`).waitFor();
  return (await w.page.evaluate(() => localStorage.getItem('proofmarket.browser-key')))!;
}

test('choose a bid on a requester_choice request: the bids with reputation and stake, the choice signed in the browser, that prover assigned at its fee', { timeout: 300_000 }, async (t) => {
  if (!requireService(t, 'Chromium', chromiumInstalled(), 'apt-get install -y chromium, as .ci/chromium.sh does')) return;
  const { context, w } = await newPage(browser!);
  const page = w.page;
  await step(w, 'choice-key', () => browserKey(w, '250000'));
  const requestId = await step(w, 'choice-submit', async () => {
    await page.getByRole('link', { name: 'Submit' }).click();
    await page.getByLabel('Program', { exact: true }).selectOption({ label: 'data-commitment (groth16)' });
    await page.getByLabel('Input', { exact: true }).fill('a request whose prover I choose');
    await page.getByLabel('Mechanism', { exact: true }).selectOption('requester_choice');
    await page.getByLabel('Bid window (seconds)', { exact: true }).fill('600');
    await page.getByLabel('Choice window (seconds)', { exact: true }).fill('600');
    await page.getByLabel('Max price (base units)', { exact: true }).fill('5000');
    await page.getByRole('button', { name: 'Sign and submit' }).click();
    await page.waitForURL(/#\/requests\/[^/]+$/);
    return decodeURIComponent(new URL(page.url()).hash.split('/').pop()!);
  });
  // two provers of their own keys bid over HTTP (the market's prover node may bid too)
  const provers = await Promise.all(['Cheap Choice Prover', 'Chosen Prover'].map(async (name, i) => {
    const client = new ProofMarketClient({ baseUrl: market!.url, signer: privateKeySigner(`0x${randomBytes(32).toString('hex')}`) });
    const id = await client.registerProver({ name, supported_levels: [1], capacity: 2, backends: ['groth16'] });
    assert.equal((await client.bid(requestId, { prover_id: id, fee: String(1000 + i * 2000) })).accepted, true);
    return { id, name, fee: String(1000 + i * 2000) };
  }));
  const chosen = provers[1]!;
  await step(w, 'choice-choose', async () => {
    await page.locator('tr[data-bid]', { hasText: chosen.name }).waitFor({ timeout: 30_000 }); // the panel reads the bids again by itself
    await page.locator('tr[data-bid]', { hasText: 'Cheap Choice Prover' }).waitFor();
    assert.deepEqual(w.take(), [], 'console errors or failed requests on the bid panel');
    assert.deepEqual(await axe(page), [], 'axe-core serious/critical violations on the bid panel');
    await page.getByRole('button', { name: new RegExp(`^Choose bid \\S+ of ${chosen.name} at ${chosen.fee}$`) }).click();
    await page.locator('[data-chosen]').waitFor();
    await page.locator('[data-status="assigned"]').waitFor({ timeout: 30_000 });
  });
  const view = await market!.requester.getRequest(requestId);
  assert.deepEqual([view.status, view.assigned_prover, view.price, view.mechanism], ['assigned', chosen.id, chosen.fee, 'requester_choice']);
  assert.match(JSON.stringify((await market!.requester.getAuction(requestId)).explanation), new RegExp(`the requester chose ${chosen.id}`));
  assert.deepEqual(w.take(), [], 'console errors or failed requests while choosing');
  await context.close();
});

test('jobs: find yours by status, read its result (artifact hash, link to its CID), accept it; cancel another', { timeout: 300_000 }, async (t) => {
  if (!requireService(t, 'Chromium', chromiumInstalled(), 'apt-get install -y chromium, as .ci/chromium.sh does')) return;
  const { context, w } = await newPage(browser!);
  const page = w.page;
  const key = await step(w, 'jobs-key', () => browserKey(w, '250000'));
  const done = await postJob(market!.url, key, 'results', 'accept me');
  const funded = await postJob(market!.url, key, 'funded');
  await step(w, 'jobs-list', async () => {
    await page.getByRole('link', { name: 'Jobs' }).click();
    assert.equal(await page.getByRole('link', { name: 'Chain', exact: true }).count(), 0, 'no Chain page off chain');
    await page.getByLabel('Status', { exact: true }).selectOption('RESULT_SUBMITTED');
    await page.getByLabel('Only mine').check();
    await page.locator(`tr[data-job="${done.jobId}"]`).waitFor();
    assert.equal(await page.locator('tr[data-job]').count(), 1, 'only my job with results');
    await page.locator(`tr[data-job="${done.jobId}"] a`).click();
    await page.waitForURL(new RegExp(`#/jobs/${done.jobId}$`));
  });
  await step(w, 'jobs-accept', async () => {
    await page.locator('[data-exit-code="0"]').waitFor();
    const link = page.getByRole('link', { name: /^baf/ });
    const bytes = await (await page.request.get(new URL((await link.getAttribute('href'))!, market!.url).href)).body();
    assert.equal(bytes.toString(), 'accept me\n');
    await page.getByText(createHash('sha256').update(bytes).digest('hex')).waitFor();
    await page.getByRole('button', { name: 'Accept the results' }).click();
    await page.locator('[data-status="ACCEPTED"]').waitFor({ timeout: 30_000 });
  });
  await step(w, 'jobs-cancel', async () => {
    await page.goto(`${market!.url}/#/jobs/${funded.jobId}`);
    await page.getByRole('button', { name: 'Cancel the job' }).click();
    await page.locator('[data-status="CANCELED"]').waitFor({ timeout: 30_000 });
  });
  assert.equal((await market!.requester.getJob(done.jobId)).status, 'ACCEPTED');
  assert.equal((await market!.requester.getJob(funded.jobId)).status, 'CANCELED');
  assert.deepEqual(w.take(), [], 'console errors or failed requests on the jobs pages');
  await context.close();
});

export type { Page };
