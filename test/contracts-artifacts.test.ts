// The committed typed artifacts (contracts/artifacts/*.ts) are exactly what solc-js makes of contracts/*.sol now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR, compileContracts, renderArtifact } from '../scripts/compile-contracts.ts';

test('every contract artifact matches its source (run `npx tsx scripts/compile-contracts.ts` after editing a .sol)', () => {
  const compiled = compileContracts();
  const committed = readdirSync(ARTIFACTS_DIR).filter((f) => f.endsWith('.ts')).sort();
  assert.deepEqual(committed, compiled.map((c) => `${c.name}.ts`).sort(), 'one artifact per deployable contract, none stale');
  for (const c of compiled) {
    assert.equal(readFileSync(join(ARTIFACTS_DIR, `${c.name}.ts`), 'utf8'), renderArtifact(c), `contracts/artifacts/${c.name}.ts drifted from contracts/${c.source}`);
  }
});
