// The repository's size rules (issue #13): no source file over 400 lines, no function over 80 lines, tests and
// generated code excepted. scripts/code-size.ts does the counting; run it to list what breaks them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { codeSizeViolations, MAX_FUNCTION_LINES } from '../scripts/code-size.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('no source file over 400 lines and no function over 80', () => {
  const found = codeSizeViolations(ROOT);
  assert.deepEqual(found.map((v) => `${v.file}: ${v.what} has ${v.lines} lines`), []);
});

test('the counter sees a long function', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const root = mkdtempSync(join(tmpdir(), 'pm-size-'));
  try {
    for (const d of ['src', 'bench', 'scripts']) mkdirSync(join(root, d));
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const x${i} = ${i};`).join('\n');
    writeFileSync(join(root, 'src', 'long.ts'), `export function long() {\n${body}\n}\n`);
    writeFileSync(join(root, 'src', 'long.test.ts'), `export function skipped() {\n${body}\n}\n`);
    assert.deepEqual(codeSizeViolations(root).map((v) => [v.file, v.what]), [['src/long.ts', 'long']]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
