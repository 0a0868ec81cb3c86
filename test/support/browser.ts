// A real browser for the dashboard's tests: Debian's Chromium driven by playwright-core, with the launch flags of
// PLATFORM.md. Each page records its console errors, uncaught exceptions and failed requests; `axe` runs axe-core
// in the page; `shoot` saves a screenshot (the tests take one of each page when they fail).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumInstalled = () => existsSync(CHROMIUM);
const ROOT = new URL('../..', import.meta.url).pathname;
export const SHOTS = join(ROOT, 'test-results', 'dashboard');

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and failed requests seen so far (cleared by `take`). */
  problems: string[];
  take(): string[];
}

/**
 * A page that records what went wrong. A stream the page itself closes (the SSE connection of the page it
 * leaves, `net::ERR_ABORTED` on /v1/events) is not a failure; any other failed request or 4xx/5xx answer is.
 */
export function watch(page: Page): WatchedPage {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (r) => {
    const failure = r.failure()?.errorText ?? '';
    if (failure === 'net::ERR_ABORTED' && new URL(r.url()).pathname === '/v1/events') return;
    problems.push(`request failed: ${r.method()} ${r.url()} ${failure}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  return { page, problems, take: () => problems.splice(0) };
}

export async function newPage(browser: Browser, opts: { width?: number; height?: number; scheme?: 'light' | 'dark' } = {}): Promise<{ context: BrowserContext; w: WatchedPage }> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    colorScheme: opts.scheme ?? 'light',
    acceptDownloads: true,
  });
  return { context, w: watch(await context.newPage()) };
}

/** axe-core's serious and critical violations on the page as it is now (injected through DevTools: CSP allows no inline script). */
export async function axe(page: Page): Promise<string[]> {
  const source = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const run = (globalThis as unknown as { axe: { run(o: object): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run;
    const result = await run({ resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(' | ')})`);
}

export async function shoot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true }).catch(() => undefined);
  return path;
}

/** The page's width beyond the viewport (0: nothing sticks out sideways). */
export async function overflowX(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
