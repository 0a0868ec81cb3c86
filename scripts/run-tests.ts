// `npm test`'s runner: every *.test.ts file in its own `node --test` process, several at once.
//
// Why not `node --test --test-concurrency=N` alone: it reports no time per file, and it starts files in name
// order, so the longest file may start last and set the wall time. Here the known-slow files start first (longest
// first), files that must have the machine to themselves run alone at the end, and each file's time is printed, so
// the README's figures come from a real run. Output: one line per file; a failing file's whole output; then the
// totals in node's own `# pass N` form (which .ci/run prints).
//
//   tsx scripts/run-tests.ts [--group all|quick|slow] [--concurrency N] [FILE…]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALONE, SLOW } from '../test/groups.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A file still running after this long is stopped and counted as failed: CI must end, not hang. */
const FILE_TIMEOUT_MS = 20 * 60_000;

interface FileResult {
  file: string;
  ms: number;
  ok: boolean;
  counts: Record<string, number>;
  output: string;
}

function testFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(join(ROOT, path)).isDirectory()) found.push(...testFiles(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

function runFile(file: string): Promise<FileResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n# run-tests: stopped after ${FILE_TIMEOUT_MS / 60_000} minutes\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const counts: Record<string, number> = {};
      for (const m of output.matchAll(/^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) counts[m[1]!] = Number(m[2]);
      resolve({ file, ms: Date.now() - started, ok: code === 0, counts, output });
    });
  });
}

/** Runs `files` with at most `concurrency` at once, in the order given; reports each as it ends. */
async function pool(files: string[], concurrency: number, report: (r: FileResult) => void): Promise<FileResult[]> {
  const results: FileResult[] = [];
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      const result = await runFile(file);
      results.push(result);
      report(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  return results;
}

function parseArgs(argv: string[]): { group: 'all' | 'quick' | 'slow'; concurrency: number; only: string[] } {
  let group: 'all' | 'quick' | 'slow' = 'all';
  let concurrency = Number(process.env.PROOFMARKET_TEST_CONCURRENCY ?? availableParallelism() + 1);
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--group') {
      const value = argv[++i];
      if (value !== 'all' && value !== 'quick' && value !== 'slow') throw new Error('--group is all, quick or slow');
      group = value;
    } else if (arg === '--concurrency') concurrency = Number(argv[++i]);
    else only.push(relative(ROOT, join(process.cwd(), arg)));
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('--concurrency is a whole number ≥ 1');
  return { group, concurrency, only };
}

/** The files of a group, in the order they should start: slow ones longest first, then the rest by name. */
function plan(all: string[], group: 'all' | 'quick' | 'slow'): { parallel: string[]; alone: string[] } {
  const slow = Object.keys(SLOW).filter((f) => all.includes(f));
  const rest = all.filter((f) => !(f in SLOW)).sort();
  const chosen = group === 'slow' ? slow : group === 'quick' ? rest : [...slow, ...rest];
  return { parallel: chosen.filter((f) => !ALONE.includes(f)), alone: chosen.filter((f) => ALONE.includes(f)) };
}

async function main(): Promise<number> {
  const { group, concurrency, only } = parseArgs(process.argv.slice(2));
  const all = only.length > 0 ? only : [...testFiles('src'), ...testFiles('test')];
  const { parallel, alone } = only.length > 0 ? { parallel: only, alone: [] } : plan(all, group);
  const started = Date.now();
  const report = (r: FileResult) => {
    const tests = r.counts.tests ?? 0;
    console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file} (${tests} tests)`);
    if (!r.ok) console.log(r.output.replace(/^/gm, '    '));
  };
  console.log(`# ${parallel.length + alone.length} test files, ${concurrency} at a time${alone.length ? `, then ${alone.length} alone` : ''}`);
  const results = [...(await pool(parallel, concurrency, report)), ...(await pool(alone, 1, report))];
  const total = (key: string) => results.reduce((sum, r) => sum + (r.counts[key] ?? 0), 0);
  const failedFiles = results.filter((r) => !r.ok);
  for (const key of ['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo']) console.log(`# ${key} ${total(key)}`);
  console.log(`# duration_ms ${Date.now() - started}`);
  if (failedFiles.length > 0) console.log(`# failed files: ${failedFiles.map((r) => r.file).join(', ')}`);
  return failedFiles.length > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    console.error(`run-tests: ${err.message}`);
    process.exitCode = 2;
  },
);
