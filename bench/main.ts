// npm run bench [-- api|lifecycle|…]: prints the figures the issues ask for, each as a ratio against a
// baseline measured in the same run (the machine is shared and noisy, so absolute numbers drift).
import { apiBench } from './api.ts';
import { auctionBench } from './auction.ts';
import { fuzzBench } from './fuzz.ts';
import { chainBench } from './chain.ts';
import { chaosBench } from './chaos.ts';
import { proversBench } from './provers.ts';
import { jobsContainerBench } from './jobs-container.ts';
import { latencyBench } from './latency.ts';
import { clearingBench } from './clearing.ts';
import { lifecycleBench } from './lifecycle.ts';
import { verifyBench } from './verify.ts';
import { jobsBench } from './jobs.ts';
import { zkmlBench } from './zkml.ts';
import { artifactsBench } from './artifacts.ts';

// A bench may return its figures: with --json, they are printed as one JSON object on the bench's last line.
const BENCHES: Record<string, () => Promise<void | Record<string, unknown>>> = {
  api: apiBench,
  lifecycle: lifecycleBench,
  auction: auctionBench,
  fuzz: fuzzBench,
  latency: latencyBench,
  verify: verifyBench,
  chain: chainBench,
  'jobs-container': jobsContainerBench,
  jobs: jobsBench,
  clearing: clearingBench,
  zkml: zkmlBench,
  artifacts: artifactsBench,
  chaos: chaosBench,
  provers: proversBench,
};
// Run only when named: they take minutes, or need services.
const ON_REQUEST = new Set(['fuzz', 'chain', 'jobs-container', 'jobs', 'zkml', 'chaos', 'provers']);

// --json: a bench that returns its figures has them printed here; the others read the flag themselves.
const json = process.argv.includes('--json');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !BENCHES[w]);
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length ? wanted : Object.keys(BENCHES).filter((n) => !ON_REQUEST.has(n))) {
  const figures = await BENCHES[name]!();
  if (json && figures) console.log(JSON.stringify({ bench: name, ...figures }));
}
// zkml proves real model inferences (minutes on a shared machine): only when named.
for (const name of wanted.length ? wanted : Object.keys(BENCHES).filter((b) => b !== 'zkml')) await BENCHES[name]!();
