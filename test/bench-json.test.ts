// The benches' one output convention: with --json, bench/main.ts ends stdout with exactly one JSON object of the
// figures. Runs the cheapest bench (clearing) at a tiny size; no timing is asserted, only the shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { allRows, FIGURES, markdownTable } from '../bench/all.ts';

const run = promisify(execFile);
const MAIN = new URL('../bench/main.ts', import.meta.url).pathname;

test('npm run bench -- clearing --json ends with one JSON object holding the issue keys', { timeout: 180_000 }, async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', MAIN, 'clearing', '--json'], {
    env: { ...process.env, CLEARING_BIDS: '40', CLEARING_RUNS: '1' },
    maxBuffer: 16 << 20,
  });
  const lines = stdout.trimEnd().split('\n');
  assert.ok(lines.length > 3, 'the human table comes first');
  const figures = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  assert.equal(figures.bench, 'clearing');
  assert.equal(figures.bids, 40);
  for (const key of ['fixed_ms', 'weighted_ms', 'sealed_ms', 'rising_ms']) assert.equal(typeof figures[key], 'number', key);
  // only the last line is JSON: the bench itself printed none
  assert.equal(lines.slice(0, -1).filter((l) => l.trimStart().startsWith('{')).length, 0);
  // the all table reads them
  const rows = allRows({ clearing: figures });
  for (const m of ['fixed', 'weighted', 'sealed', 'rising']) {
    const row = rows.find((r) => r.figure === `clearing 10,000 bids, ${m} (ms)`)!;
    assert.equal(row.value, figures[`${m}_ms`]);
    assert.equal(row.met, (figures[`${m}_ms`] as number) < 10);
  }
});

test('an unknown bench name is refused with exit 2', { timeout: 60_000 }, async () => {
  await assert.rejects(run(process.execPath, ['--import', 'tsx', MAIN, 'no-such-bench']), (err: { code?: number; stderr?: string }) => err.code === 2 && /unknown benchmark no-such-bench/.test(err.stderr ?? ''));
});

test('the all table: a figure against its baseline and target, nested keys, and every other number after', () => {
  const rows = allRows({
    verify: { snarkjs_per_s: 100, fast_per_s: 250, batch_per_s: 1200, pool_threads: 2 },
    artifacts: { local_mbps: { put: 50 }, baseline_mbps: { write: 200, read: 300 } },
  });
  const fast = rows.find((r) => r.figure.startsWith('Groth16 mcl-wasm, one proof'))!;
  assert.deepEqual([fast.value, fast.baseline, fast.ratio, fast.met], [250, 100, 2.5, false]);
  const batch = rows.find((r) => r.figure.startsWith('Groth16 mcl-wasm, batch'))!;
  assert.equal(batch.met, true);
  const put = rows.find((r) => r.figure === 'artifact put, local (MB/s)')!;
  assert.deepEqual([put.value, put.baseline, put.ratio], [50, 200, 0.25]);
  // the rest, once each: pool_threads and the read baseline; snarkjs_per_s and write were shown as baselines
  assert.deepEqual(rows.filter((r) => r.target === '' && r.baseline === undefined).map((r) => `${r.bench}:${r.figure}`), ['verify:pool_threads', 'artifacts:baseline_mbps.read']);
  assert.match(markdownTable(rows), /\| verify \| Groth16 mcl-wasm, one proof \(proofs\/s\) \| 250 \| 100 \| 2\.50× \| ≥ 4× \| \*\*no\*\* \|/);
  assert.ok(FIGURES.every((f) => f.key !== f.baseline));
});
