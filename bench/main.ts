// npm run bench [-- api|lifecycle|…]: prints the figures the issues ask for, each as a ratio against a
// baseline measured in the same run (the machine is shared and noisy, so absolute numbers drift).
import { apiBench } from './api.ts';
import { auctionBench } from './auction.ts';
import { lifecycleBench } from './lifecycle.ts';
import { artifactsBench } from './artifacts.ts';

const BENCHES: Record<string, () => Promise<void>> = {
  api: apiBench,
  lifecycle: lifecycleBench,
  auction: auctionBench,
  artifacts: artifactsBench,
};

// flags (--json) are read by the benchmarks themselves
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !BENCHES[w]);
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) await BENCHES[name]!();
