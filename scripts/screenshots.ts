/**
 * The README's screenshots of the dashboard, made by a script, not by hand: a live market (`proofmarket serve`,
 * one real prover node, a few real requests, fixed and weighted, container jobs), then Chromium (playwright-core)
 * takes each page; the Chain page on a coordinator settling on anvil.
 * Writes docs/screenshots/*.png. Run: `npx tsx scripts/screenshots.ts` (needs /usr/bin/chromium).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../web/build.ts';
import { launch, newPage } from '../test/support/browser.ts';
import { liveMarket, REQUESTER_KEY, type LiveMarket } from '../test/support/dashboard-market.ts';
import { postJob } from '../test/support/dashboard-jobs.ts';
import { chainMarket } from '../test/support/dashboard-chain-market.ts';
import { ProofMarketClient, privateKeySigner } from '../src/sdk/index.ts';
import type { Page } from 'playwright-core';

const OUT = fileURLToPath(new URL('../docs/screenshots', import.meta.url));

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await buildDashboard();
  const market = await liveMarket({ requests: 4, jobs: 2, mechanisms: ['fixed', 'weighted'], proverName: 'Fast Prover' });
  await postJob(market.url, REQUESTER_KEY, 'funded'); // one still waiting for a provider
  const browser = await launch();
  try {
    const weighted = market.done.find((r) => r.mechanism === 'weighted' && r.status === 'completed') ?? market.done.find((r) => r.status === 'completed')!;
    const shots = [
      { name: 'market', hash: '#/', ready: '.chart .uplot' },
      { name: 'market-dark', hash: '#/', ready: '.chart .uplot', scheme: 'dark' as const },
      { name: 'provers', hash: '#/provers', ready: 'tbody tr' },
      { name: 'prover', hash: `#/provers/${encodeURIComponent(weighted.assigned_prover!)}`, ready: '.components li' },
      { name: 'requests', hash: '#/requests', ready: '.vrow[data-index="0"] a' },
      { name: 'requests-phone', hash: '#/requests', ready: '.vrow[data-index="0"] a', width: 360 },
      { name: 'request', hash: `#/requests/${weighted.request_id}`, ready: '.verify', verify: true },
      { name: 'bid-choice', hash: '', ready: 'tr[data-bid] >> nth=1', key: true, choice: true },
      { name: 'jobs', hash: '#/jobs', ready: 'tbody tr[data-job]' },
      { name: 'job', hash: `#/jobs/${market.jobs[0]!.jobId}`, ready: '[data-exit-code]' },
      { name: 'submit', hash: '#/submit', ready: 'form.form', key: true },
      { name: 'account', hash: '#/account', ready: '.identity', key: true },
    ];
    for (const s of shots) {
      const { context, w } = await newPage(browser, { width: s.width ?? 1280, height: 800, scheme: s.scheme ?? 'light' });
      if (s.key) {
        await w.page.goto(`${market.url}/#/account`);
        await w.page.getByRole('button', { name: 'Generate a browser key' }).click();
        await w.page.getByLabel('Amount (base units)', { exact: true }).fill('250000');
        await w.page.getByRole('button', { name: 'Deposit', exact: true }).click();
        await w.page.getByText('Deposited 250,000').waitFor();
      }
      const hash = s.choice ? `#/requests/${await requesterChoice(market, w.page)}` : s.hash;
      await w.page.goto(`${market.url}/${hash}`);
      await w.page.waitForSelector(s.ready, { timeout: 30_000 }).catch((err: Error) => {
        throw new Error(`${s.name}: ${err.message}\n${w.problems.join('\n')}\n${market.done.map((r) => JSON.stringify([r.request_id, r.mechanism, r.status, r.assigned_prover])).join('\n')}`);
      });
      if (s.verify) {
        await w.page.getByRole('button', { name: 'Verify in this browser' }).click();
        await w.page.locator('.verdict').waitFor({ timeout: 120_000 });
      }
      await w.page.waitForTimeout(600);
      await w.page.screenshot({ path: join(OUT, `${s.name}.png`), fullPage: true });
      console.log(`docs/screenshots/${s.name}.png${w.problems.length ? ` (page problems: ${w.problems.join('; ')})` : ''}`);
      await context.close();
    }
    await chainShot(browser);
  } finally {
    await browser.close();
    await market.close();
  }
}

/** A requester_choice request of the page's browser key, with two provers' bids on it: answers its id. */
async function requesterChoice(market: LiveMarket, page: Page): Promise<string> {
  const key = (await page.evaluate(() => localStorage.getItem('proofmarket.browser-key')))!;
  const requester = new ProofMarketClient({ baseUrl: market.url, signer: privateKeySigner(key) });
  const program = (await requester.listPrograms()).find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!;
  const r = await requester.submitRequest({ program_id: program.program_id, backend: 'groth16', input: btoa('which prover?'), max_price: '5000', auction: { mechanism: 'requester_choice', bid_window_ms: 600_000, choice_window_ms: 600_000 } });
  for (const [name, fee] of [['Careful Prover', '2400'], ['Budget Prover', '900']] as const) {
    const prover = new ProofMarketClient({ baseUrl: market.url, signer: privateKeySigner(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex')}`) });
    const id = await prover.registerProver({ name, supported_levels: [1], capacity: 2, backends: ['groth16'] });
    await prover.bid(r.request_id, { prover_id: id, fee });
  }
  return r.request_id;
}

/** The Chain page, on a coordinator settling on anvil (one request created and cancelled there). */
async function chainShot(browser: Awaited<ReturnType<typeof launch>>): Promise<void> {
  const chain = await chainMarket();
  try {
    const { context, w } = await newPage(browser, { width: 1280, height: 800, scheme: 'light' });
    await w.page.goto(`${chain.url}/#/chain`);
    await w.page.waitForSelector('[data-tx]', { timeout: 30_000 });
    await w.page.waitForTimeout(600);
    await w.page.screenshot({ path: join(OUT, 'chain.png'), fullPage: true });
    console.log(`docs/screenshots/chain.png${w.problems.length ? ` (page problems: ${w.problems.join('; ')})` : ''}`);
    await context.close();
  } finally {
    await chain.close();
  }
}

await main();
