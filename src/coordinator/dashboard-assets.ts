/**
 * The dashboard's files (web/dist, built by web/build.ts), held in memory with their gzip and brotli forms.
 * Nothing is fetched from elsewhere at run time: every script, style and font the pages use is one of these.
 * When web/dist is missing (a checkout where `npm ci`'s prepare step did not run), it is built once, on the first
 * request, if esbuild is installed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export interface Asset {
  type: string;
  body: Buffer;
  gzip?: Buffer;
  br?: Buffer;
  /** Hashed names never change content: cached for a year. index.html is revalidated each time. */
  immutable: boolean;
}

export type Assets = Map<string, Asset>;

/** The files of `dir` by their URL path (`/` for index.html, `/assets/<name>` for the rest). */
export function readAssets(dir: string = WEB_DIST): Assets {
  const out: Assets = new Map();
  const read = (file: string) => readFileSync(join(dir, file));
  const compressed = (file: string) => (existsSync(join(dir, file)) ? read(file) : undefined);
  out.set('/', { type: TYPES['.html']!, body: read('index.html'), immutable: false });
  for (const name of readdirSync(join(dir, 'assets'))) {
    if (name.endsWith('.gz') || name.endsWith('.br')) continue;
    const file = `assets/${name}`;
    out.set(`/${file}`, { type: TYPES[extname(name)] ?? 'application/octet-stream', body: read(file), gzip: compressed(`${file}.gz`), br: compressed(`${file}.br`), immutable: true });
  }
  return out;
}

let loading: Promise<Assets | Error> | undefined;

/** The dashboard's files, built first when web/dist is missing; an Error says why there is no dashboard. */
export function dashboardAssets(): Promise<Assets | Error> {
  loading ??= (async () => {
    try {
      if (!existsSync(join(WEB_DIST, 'index.html'))) {
        const builder = '../../web/build.ts';
        const { buildDashboard } = (await import(builder)) as typeof import('../../web/build.ts');
        await buildDashboard();
      }
      return readAssets();
    } catch (err) {
      loading = undefined; // try again on the next request
      return new Error(`the dashboard is not built (${(err as Error).message}); build it with: npm run build:web`);
    }
  })();
  return loading;
}

/** Forget the files read (after a rebuild). */
export function reloadDashboard(): void {
  loading = undefined;
}
