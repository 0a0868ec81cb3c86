/**
 * Builds the dashboard (web/src) into web/dist with esbuild: index.html, and under assets/ the app's script and
 * style and the verification worker (snarkjs), each named by its content hash and stored also gzipped and
 * brotli-compressed, which the coordinator serves as the browser accepts (src/coordinator/dashboard-assets.ts).
 * Run by `npm ci` (the `prepare` script) and `npm run build:web`; the coordinator builds it on first use when
 * web/dist is missing. Prints the size of each file (`--quiet`: nothing).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';

const WEB = fileURLToPath(new URL('.', import.meta.url));
const DIST = join(WEB, 'dist');

export interface BuiltFile {
  name: string;
  bytes: number;
  gzip: number;
  brotli: number;
}

const common: BuildOptions = {
  bundle: true,
  minify: true,
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  format: 'esm',
  write: false,
  outdir: join(WEB, 'out'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  logLevel: 'silent',
  legalComments: 'none',
  jsx: 'automatic',
  jsxImportSource: 'preact',
};

/** Builds web/dist afresh (into a temporary folder, renamed into place, so a reader never sees half of it). */
export async function buildDashboard(opts: { outDir?: string } = {}): Promise<BuiltFile[]> {
  const outDir = opts.outDir ?? DIST;
  // The worker first: the app learns its hashed name at build time.
  const worker = await build({ ...common, entryPoints: { verify: join(WEB, 'src/verify-worker.ts') } });
  const workerFile = worker.outputFiles!.find((f) => f.path.endsWith('.js'))!;
  const app = await build({
    ...common,
    entryPoints: { app: join(WEB, 'src/main.tsx') },
    define: { __VERIFY_WORKER__: JSON.stringify(`/assets/${basename(workerFile.path)}`) },
  });
  const files = [...worker.outputFiles!, ...app.outputFiles!].filter((f) => !f.path.endsWith('.map'));
  const script = basename(app.outputFiles!.find((f) => f.path.endsWith('.js'))!.path);
  const style = basename(app.outputFiles!.find((f) => f.path.endsWith('.css'))!.path);
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'assets'), { recursive: true });
  const built: BuiltFile[] = [];
  for (const f of files) {
    const name = basename(f.path);
    const gz = gzipSync(f.contents, { level: 9 });
    const br = brotliCompressSync(f.contents, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
    writeFileSync(join(tmp, 'assets', name), f.contents);
    writeFileSync(join(tmp, 'assets', `${name}.gz`), gz);
    writeFileSync(join(tmp, 'assets', `${name}.br`), br);
    built.push({ name, bytes: f.contents.length, gzip: gz.length, brotli: br.length });
  }
  writeFileSync(join(tmp, 'index.html'), indexHtml(script, style));
  rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  return built;
}

function indexHtml(script: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>proofmarket</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${style}">
<script type="module" src="/assets/${script}"></script>
</head>
<body>
<div id="app"><noscript>The proofmarket dashboard needs JavaScript.</noscript></div>
</body>
</html>
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildDashboard();
  if (!process.argv.includes('--quiet')) {
    for (const f of built) console.log(`web/dist/assets/${f.name}  ${(f.bytes / 1024).toFixed(1)} kB, ${(f.gzip / 1024).toFixed(1)} kB gzip, ${(f.brotli / 1024).toFixed(1)} kB brotli`);
  }
}
