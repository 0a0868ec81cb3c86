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

test("every built-in program's verifier is what snarkjs exports from its committed zkey (npx tsx scripts/export-verifiers.ts)", async (t) => {
  const { verifierSource } = await import('../scripts/export-verifiers.ts');
  const { builtinChainPrograms } = await import('../src/chain/programs.ts');
  const { terminateCurves } = await import('../src/proofs/curves.ts');
  t.after(terminateCurves);
  for (const p of builtinChainPrograms()) {
    const committed = readFileSync(new URL(`../contracts/verifiers/${p.verifierContract}.sol`, import.meta.url), 'utf8');
    assert.equal(committed, await verifierSource(p), `contracts/verifiers/${p.verifierContract}.sol drifted from circuits/${p.name}/${p.system}.zkey`);
  }
});
