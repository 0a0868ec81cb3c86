/**
 * The README's screenshots of the dashboard, made by a script, not by hand: a live market (`proofmarket serve`,
 * one real prover node, a few real requests, fixed and weighted), then Chromium (playwright-core) takes each page.
 * Writes docs/screenshots/*.png. Run: `npx tsx scripts/screenshots.ts` (needs /usr/bin/chromium).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDashboard } from '../web/build.ts';
import { launch, newPage } from '../test/support/browser.ts';
import { liveMarket } from '../test/support/dashboard-market.ts';

const OUT = fileURLToPath(new URL('../docs/screenshots', import.meta.url));

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await buildDashboard();
  const market = await liveMarket({ requests: 4, mechanisms: ['fixed', 'weighted'], proverName: 'Fast Prover' });
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
      await w.page.goto(`${market.url}/${s.hash}`);
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
  } finally {
    await browser.close();
    await market.close();
  }
}

await main();
