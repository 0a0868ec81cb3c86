// npm run bench -- chain [--json]: gas per fulfilment on ProofMarket (anvil, real range-proof Groth16 proofs),
// single `fulfill` versus `fulfillBatch` of 10 and of 50, as ratios against the single fulfilment measured in
// the same run. Gas is deterministic, so unlike the other benchmarks these figures do not drift with load.
import { terminateCurves } from '../src/proofs/curves.ts';
import { lockedRequests, rangeProofs, ROLES, startBenchMarket } from './chain-support.ts';
import type { Figures } from './support.ts';

const PROGRAM = 'range-proof/groth16';
const SINGLES = 5;

export async function chainBench(): Promise<Figures> {
  const started = Date.now();
  const proofs = await rangeProofs('groth16', Array.from({ length: 50 }, (_, i) => 1_000 + i));
  const provedMs = Date.now() - started;
  const m = await startBenchMarket();
  try {
    await m.send(ROLES.prover, 'setMatchmakerConsent', [true]);
    await m.send(ROLES.prover, 'stake', [1_000_000n], 1_000_000n);

    const singleIds = await lockedRequests(m, 'single', PROGRAM, proofs.slice(0, SINGLES), 100n);
    let singleGas = 0n;
    for (const [i, id] of singleIds.entries()) {
      const p = proofs[i]!;
      singleGas += (await m.send(ROLES.prover, 'fulfill', [id, p.proof, p.publicSignals])).gasUsed;
    }
    const single = Number(singleGas) / SINGLES;

    const batchGas = async (n: number) => {
      const items = proofs.slice(0, n);
      const ids = await lockedRequests(m, `batch${n}`, PROGRAM, items, 100n);
      const r = await m.send(ROLES.prover, 'fulfillBatch', [ids, items.map((p) => p.proof), items.map((p) => p.publicSignals)]);
      return Number(r.gasUsed) / n;
    };
    const batch10 = await batchGas(10);
    const batch50 = await batchGas(50);

    const fmt = (g: number) => Math.round(g).toLocaleString('en-US');
    console.log(`chain: gas per fulfilment, ${PROGRAM}, real proofs (${proofs.length} proved in ${provedMs} ms), stake locked and released per request`);
    console.log(`  single fulfill            ${fmt(single)} gas (mean of ${SINGLES})`);
    console.log(`  fulfillBatch of 10        ${fmt(batch10)} gas per proof  = ${(batch10 / single).toFixed(3)} × single (target ≤ 0.7)`);
    console.log(`  fulfillBatch of 50        ${fmt(batch50)} gas per proof  = ${(batch50 / single).toFixed(3)} × single`);
    return {
        program: PROGRAM,
        single_gas: Math.round(single),
        batch10_gas_per_proof: Math.round(batch10),
        batch50_gas_per_proof: Math.round(batch50),
        batch10_ratio: Number((batch10 / single).toFixed(4)),
        batch50_ratio: Number((batch50 / single).toFixed(4)),
    };
  } finally {
    await m.close();
    await terminateCurves();
  }
}
