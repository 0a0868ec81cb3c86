// The Requests page over a history of 100,000 requests: server paging (GET /v1/requests) and a virtual list keep
// the page light. Measured and printed (not asserted: no timed assertions in tests): the time to the first rows,
// the time to the last row after a jump to the end, and the longest main-thread task meanwhile. Asserted: the
// total, the last row's content, and that only the rows in view exist as elements.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { buildDashboard } from '../web/build.ts';
import { chromiumInstalled, launch, newPage, shoot } from './support/browser.ts';
import { requireService } from './support/services.ts';

const N = 100_000;
let coordinator: Coordinator | undefined;
let browser: Browser | undefined;

before(async () => {
  if (!chromiumInstalled()) return;
  await buildDashboard();
  coordinator = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: false }, { scheduler: false });
  const [program] = await coordinator.db.query<{ program_id: string }>(`SELECT program_id FROM programs WHERE name = 'data-commitment' AND proof_system = 'groth16'`);
  // 100,000 requests written straight into the store (submitting them one by one would take minutes), one a second
  await coordinator.db.query(
    `INSERT INTO tasks (task_id, privacy_level, circuit_data, reward_amount, requester, priority, program_id, expected_public_signals, status,
       deadline, request_hash, created_at, updated_at, backend, mechanism, max_price)
     SELECT 'seed-' || lpad(g::text, 6, '0'), 1, '\\x00'::bytea, 0, 'requester-' || (g % 50), 50, $1, '[]'::jsonb,
       (ARRAY['pending','completed','failed'])[1 + g % 3], now() + interval '1 day', 'h', now() - (g || ' seconds')::interval, now(), 'groth16', 'fixed', 100 + g % 900
     FROM generate_series(1, ${N}) g`,
    [program!.program_id],
  );
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await coordinator?.close();
  await terminateCurves();
});

test(`the Requests page over ${N.toLocaleString('en-US')} requests: first rows, a jump to the last row, rows in the page`, { timeout: 300_000 }, async (t) => {
  if (!requireService(t, 'Chromium', chromiumInstalled(), 'apt-get install -y chromium, as .ci/chromium.sh does')) return;
  const { context, w } = await newPage(browser!);
  const page = w.page;
  await page.addInitScript(() => {
    const long: number[] = [];
    (globalThis as unknown as { __long: number[] }).__long = long;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => long.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  try {
    const t0 = Date.now();
    await page.goto(`${coordinator!.url}/#/requests`);
    await page.locator(`h2[data-total="${N}"]`).waitFor({ timeout: 60_000 });
    await page.locator('.vrow[data-index="0"] a').waitFor();
    const firstRows = Date.now() - t0;
    const t1 = Date.now();
    await page.locator('.vlist').evaluate((el) => (el.scrollTop = el.scrollHeight));
    const last = page.locator(`.vrow[data-index="${N - 1}"] a`);
    await last.waitFor({ timeout: 60_000 });
    const toLast = Date.now() - t1;
    assert.equal(await last.innerText(), 'seed-100000', 'the oldest request is the last row');
    // scroll through the middle like a user flinging the list
    for (const f of [0.25, 0.5, 0.75]) {
      await page.locator('.vlist').evaluate((el, frac) => (el.scrollTop = el.scrollHeight * frac), f);
      await page.locator(`.vrow[data-index="${Math.floor(N * f) + 2}"] a`).waitFor({ timeout: 60_000 });
    }
    const rows = await page.locator('.vrow').count();
    assert.ok(rows < 200, `${rows} rows in the page: the list must be virtual`);
    const longest = await page.evaluate(() => Math.max(0, ...(globalThis as unknown as { __long: number[] }).__long));
    t.diagnostic(`${N.toLocaleString('en-US')} requests: first rows shown ${firstRows} ms after navigation; last row ${toLast} ms after jumping to the end; ${rows} row elements in the page; longest main-thread task ${Math.round(longest)} ms`);
    assert.deepEqual(w.take(), []);
  } catch (err) {
    await shoot(page, 'requests-100k');
    throw err;
  } finally {
    await context.close();
  }
});
