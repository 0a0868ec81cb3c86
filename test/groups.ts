// Named groups of test files, for scripts/run-tests.ts (`npm test` runs them all; see the README's Tests section).
//
// SLOW: files that take minutes (real zkML proofs, browsers, chains, containers, chaos). They start first, in the
// order below (longest first, as `npm test` measured them), so the wall time is not set by a slow file that
// happened to start last; `npm run test:quick` leaves them out for a fast loop while developing, and
// `npm run test:slow` runs only them. Each entry says why it is slow.
export const SLOW: Record<string, string> = {
  'test/dashboard.test.ts': 'Chromium drives every page, proofs verified in the browser',
  'test/prover-e2e.test.ts': 'prover nodes proving for real over HTTP',
  'test/readme.test.ts': 'the README run as written, with real proofs',
  'test/cli-commands.test.ts': 'every command as a process, with real proofs',
  'test/demo.test.ts': 'the whole demo: provers, real proofs',
  'test/jobs-provider.test.ts': 'the provider agent running real containers',
  'test/models-cli.test.ts': 'Python ezkl compiles a model, then an engine proof',
  'test/fuzz-routes.test.ts': 'every route fuzzed',
  'test/ledger-crash.test.ts': 'coordinators killed mid-write',
  'test/chain-serve.test.ts': 'anvil, contracts, the coordinator on a chain',
  'src/proofs/groth16-fast/differential.test.ts': 'thousands of proofs through two verifiers',
  'test/chaos.test.ts': '500 tasks through killed provers and coordinators',
  'test/demo-chain.test.ts': 'the demo settled on anvil',
  'test/zkml-e2e.test.ts': 'real ezkl proofs with the WebAssembly engine',
  'test/zkml-regenerated.test.ts': 'Python ezkl regenerates a model, then a proof',
  'test/dashboard-chain.test.ts': 'Chromium and anvil',
  'test/proof-market-verify.test.ts': 'anvil, on-chain verifiers with real proofs',
  'test/chain-cli.test.ts': 'anvil, the CLI sending transactions',
  'test/dashboard-scale.test.ts': 'Chromium renders 100,000 requests',
  'test/chain-settlement.test.ts': 'anvil, a real proof fulfilled on chain by a prover node',
  'test/jobs-docker.test.ts': 'real containers under every limit',
  'test/chain-indexer.test.ts': 'anvil, the indexer across a restart',
  'test/pg-restart.test.ts': 'a PostgreSQL server stopped and started',
  'test/proof-market.test.ts': 'anvil, every contract path',
};

/** Files that measure the machine (render time, load) and so run alone, after the rest. */
export const ALONE: string[] = [];
