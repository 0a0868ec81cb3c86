// npm run bench [-- api|lifecycle|…]: prints the figures the issues ask for, each as a ratio against a
// baseline measured in the same run (the machine is shared and noisy, so absolute numbers drift).
import { apiBench } from './api.ts';
import { auctionBench } from './auction.ts';
import { lifecycleBench } from './lifecycle.ts';
import { zkmlBench } from './zkml.ts';

const BENCHES: Record<string, () => Promise<void>> = {
  api: apiBench,
  lifecycle: lifecycleBench,
  auction: auctionBench,
  zkml: zkmlBench,
};

// Flags (e.g. --json) are the benches' own; the rest name benches.
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !BENCHES[w]);
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
// zkml proves real model inferences (minutes on a shared machine): only when named.
for (const name of wanted.length ? wanted : Object.keys(BENCHES).filter((b) => b !== 'zkml')) await BENCHES[name]!();
