// The layering rules (issue #13, point 8), checked on the source: every static `import … from '…'`,
// `export … from '…'` and dynamic `import('…')` of every .ts file under src/, tests included, is resolved and
// held against the rules below. A failure names the file, the specifier and the rule it breaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

interface Rule {
  /** The layer the importing file is in (a folder under src/). */
  from: string;
  /** True when importing `target` (a path relative to src/, '/'-separated) breaks the rule. */
  forbids: (target: string) => boolean;
  why: string;
}

const inLayer = (target: string, layer: string) => target === layer || target.startsWith(`${layer}/`);

const RULES: Rule[] = [
  { from: 'domain', forbids: (t) => !inLayer(t, 'domain'), why: 'domain imports nothing of ours outside domain' },
  { from: 'proofs', forbids: (t) => inLayer(t, 'store'), why: 'proofs must not import store' },
  { from: 'prover', forbids: (t) => inLayer(t, 'cli'), why: 'prover must not import cli' },
  { from: 'sdk', forbids: (t) => ['coordinator', 'store', 'cli'].some((l) => inLayer(t, l)), why: 'sdk must not import coordinator, store or cli' },
];

// Static imports and re-exports (`import x from`, `import type { … } from`, `export * from`, side-effect
// `import '…'`), and dynamic `import('…')`. Multi-line import lists are fine: `[^'"]*?` spans newlines.
const SPECIFIER_RES = [
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function importSpecifiers(source: string): string[] {
  const found = new Set<string>();
  for (const re of SPECIFIER_RES) for (const m of source.matchAll(re)) found.add(m[1]!);
  return [...found];
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.isFile() && e.name.endsWith('.ts') ? [path] : [];
  });
}

const posix = (p: string) => p.split(sep).join('/');

/** The imports of one file (its path relative to src/, '/'-separated) that break a rule, as "src/<file>: '<specifier>' (<why>)". */
function violationsOf(file: string, source: string): string[] {
  const rules = RULES.filter((r) => r.from === file.split('/')[0]);
  const out: string[] = [];
  for (const spec of rules.length > 0 ? importSpecifiers(source) : []) {
    if (!spec.startsWith('.')) continue; // packages and node: built-ins are not ours
    const target = posix(relative(SRC, resolve(SRC, dirname(file), spec)));
    for (const r of rules) if (r.forbids(target)) out.push(`src/${file}: '${spec}' (${r.why})`);
  }
  return out;
}

test('the specifier scan sees static imports, re-exports, side-effect and dynamic imports', () => {
  const source = [
    `import { a } from './a.ts';`,
    `import type {\n  B,\n  C,\n} from "../b.ts";`,
    `export { d } from './d.ts';`,
    `export * from './e.ts';`,
    `import './f.ts';`,
    `const g = await import('./g.ts');`,
    `const text = 'not an import from here';`,
  ].join('\n');
  assert.deepEqual(importSpecifiers(source).sort(), ['../b.ts', './a.ts', './d.ts', './e.ts', './f.ts', './g.ts']);
});

test('each rule catches an import it forbids, and lets its layer import what it may', () => {
  assert.deepEqual(violationsOf('domain/market/x.ts', `import { a } from '../../store/db.ts';\nimport { b } from '../money.ts';`), [
    `src/domain/market/x.ts: '../../store/db.ts' (domain imports nothing of ours outside domain)`,
  ]);
  assert.equal(violationsOf('proofs/x.ts', `import type { P } from '../store/programs.ts';`).length, 1);
  assert.equal(violationsOf('proofs/x.ts', `import type { P } from '../domain/programs.ts';`).length, 0);
  assert.equal(violationsOf('prover/x.test.ts', `const { k } = await import('../cli/keys.ts');`).length, 1);
  assert.equal(violationsOf('sdk/x.ts', `export { c } from '../coordinator/c.ts';`).length, 1);
  assert.equal(violationsOf('sdk/x.ts', `export { e } from '../proofs/envelope.ts';`).length, 0);
  assert.equal(violationsOf('cli/x.ts', `import { s } from '../store/db.ts';`).length, 0, 'cli may import anything');
});

test('the layering rules hold: domain, proofs, prover and sdk import only what they may', () => {
  const broken = tsFiles(SRC).flatMap((f) => violationsOf(posix(relative(SRC, f)), readFileSync(f, 'utf8')));
  assert.deepEqual(broken, [], `layering broken:\n${broken.join('\n')}`);
});
