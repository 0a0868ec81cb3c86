// Routes call use cases and nothing else (issue #13, point 2): a file under src/coordinator/routes/ imports
// nothing from src/store/ (type-only imports included), and never reaches through the market to its database,
// its economy, its auction house or its verifier (`market.db`, `.economy`, `.auctions`, `.verifier`). What a
// route needs of those is a use case in src/coordinator/usecases/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');
const ROUTES = join(SRC, 'coordinator', 'routes');

// Static imports and re-exports (type-only too, lists over several lines), side-effect and dynamic imports.
const SPECIFIER_RES = [
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  /\bimport\s*['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** The market's parts a route must not touch: `market.db`, `x.economy`, `{ auctions } = market`, `market['verifier']`. */
const PARTS = '(db|economy|auctions|verifier)';
const REACH_RES = [
  new RegExp(`\\.\\s*${PARTS}\\b`, 'g'),
  // an index on a value (`market['db']`), not an array literal (`tags: ['auctions']`)
  new RegExp(`[\\w)\\]]\\s*\\[\\s*['"\`]${PARTS}['"\`]\\s*\\]`, 'g'),
  new RegExp(`\\{[^{}]*\\b${PARTS}\\b[^{}]*\\}\\s*=\\s*market\\b`, 'g'),
];

/** The source without its comments (a comment may name `market.db`; only code counts). */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const posix = (p: string) => p.split(sep).join('/');

/** What breaks the rule in one routes file (its path relative to src/), as "src/<file>: <what>". */
function violationsOf(file: string, source: string): string[] {
  const out: string[] = [];
  const body = code(source);
  for (const re of SPECIFIER_RES) {
    for (const m of body.matchAll(re)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) continue;
      const target = posix(relative(SRC, resolve(SRC, dirname(file), spec)));
      if (target === 'store' || target.startsWith('store/')) out.push(`src/${file}: imports '${spec}' (routes call use cases, not the store)`);
    }
  }
  for (const re of REACH_RES) {
    for (const m of body.matchAll(re)) out.push(`src/${file}: '${m[0]}' (routes call use cases, not the market's ${m[1]})`);
  }
  return out;
}

test('the check catches a store import of any kind and each reach into the market, and passes a route that calls use cases', () => {
  const file = 'coordinator/routes/x.ts';
  assert.equal(violationsOf(file, `import { listTasks } from '../../store/tasks.ts';`).length, 1);
  assert.equal(violationsOf(file, `import type {\n  Slash,\n} from '../../store/ledger.ts';`).length, 1, 'type-only imports too');
  assert.equal(violationsOf(file, `const s = await import('../../store/stats.ts');`).length, 1);
  assert.equal(violationsOf(file, `export { ping } from '../../store/db.ts';`).length, 1);
  assert.equal(violationsOf(file, `await market.db.query('SELECT 1');`).length, 1);
  assert.equal(violationsOf(file, `const economy = market.economy;`).length, 1);
  assert.equal(violationsOf(file, `return m.auctions.act(id, input);`).length, 1);
  assert.equal(violationsOf(file, `const n = market.verifier.pool.size;`).length, 1);
  assert.equal(violationsOf(file, `const n = market['verifier'].pool.size;`).length, 1);
  assert.equal(violationsOf(file, `const { db, clock } = market;`).length, 1);
  const clean = [
    `import * as uc from '../usecases/index.ts';`,
    `import type { Market } from '../market.ts';`,
    `import { EventFilter } from '../../domain/events.ts';`,
    `// not market.db: a use case`,
    `/** reaches market.economy through uc.deposit */`,
    `const url = 'http://127.0.0.1/v1';`,
    `const schema = { tags: ['auctions'], summary: 'the economy of auctions' };`,
    `app.post('/v1/accounts/deposit', async (req) => uc.deposit(market, req.body, { signer: req.signer }));`,
  ].join('\n');
  assert.deepEqual(violationsOf(file, clean), []);
});

test('routes call use cases and nothing else: no store import, no market.db, .economy, .auctions or .verifier', () => {
  const files = readdirSync(ROUTES).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length >= 10, `expected the route files under ${ROUTES}, found ${files.join(', ')}`);
  const broken = files.flatMap((f) => violationsOf(posix(relative(SRC, join(ROUTES, f))), readFileSync(join(ROUTES, f), 'utf8')));
  assert.deepEqual(broken, [], `routes reach past the use cases:\n${broken.join('\n')}`);
});
