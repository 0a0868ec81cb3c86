import { runDemo } from '../../demo/run.ts';
import { runChainDemo } from '../../demo/chain.ts';
import { intOption, parse } from '../args.ts';
import { usage } from '../errors.ts';
import { onShutdown, terminateCurves } from '../shutdown.ts';

export const help = `proofmarket demo — the whole market on one machine: a coordinator on the embedded store, prover
nodes generating real proofs, and a requester submitting a workload; then it keeps serving until Ctrl-C.
This is what \`npm start\` runs.

Options:
  --requests N          tasks the requester submits (default 30)
  --provers N           prover nodes (default 3)
  --model-requests N    zkML: requests naming the shipped models (models/), proved by one more node, the
                        "zkML Prover", with @ezkljs/engine (no Python needed); 0 for none (default 2)
  --faulty-provers N    provers that corrupt a share of their proofs, to show verification at work (default 1)
  --faulty-rate R       the share a faulty prover corrupts, 0..1 (default 0.5)
  --host HOST           (default 127.0.0.1)
  --port PORT           (default 8080; 0 picks a free one)
  --data-dir DIR        demo state: store in DIR/db (recreated each run), prover caches in DIR/provers
                        (default ./.proofmarket/demo)
  --timeout SECS        give up waiting for the workload after this long (default 300)
  --exit                exit after the summary instead of serving
  --chain               settle on a chain: anvil (from its npm package) with every contract deployed; the
                        requester escrows each request on ProofMarket, the coordinator locks the winner's
                        stake, each prover fulfils on chain with its own dev key (no faulty provers); the
                        summary adds transactions, gas per fulfilment, contract balances and the chain audit
                        (zkML model requests stay off chain: none are made)

Examples:
  npm start
  npm start -- --exit --requests 10
  npm start -- --chain --exit --requests 8
  proofmarket demo --requests 100 --provers 5 --faulty-provers 2 --port 0`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    requests: { type: 'string' },
    provers: { type: 'string' },
    'model-requests': { type: 'string' },
    'faulty-provers': { type: 'string' },
    'faulty-rate': { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'data-dir': { type: 'string' },
    timeout: { type: 'string' },
    exit: { type: 'boolean' },
    chain: { type: 'boolean' },
  });
  if (values.help) return void console.log(help);
  const provers = intOption(values.provers, 'provers', 1, 20) ?? 3;
  // At least one prover stays honest, or a faulty prover's tasks could never be re-proved.
  const faultyProvers = intOption(values['faulty-provers'], 'faulty-provers', 0, provers - 1) ?? Math.min(1, provers - 1);
  const faultyRate = values['faulty-rate'] === undefined ? 0.5 : Number(values['faulty-rate']);
  if (!(faultyRate >= 0 && faultyRate <= 1)) throw usage(`--faulty-rate must be a number from 0 to 1, got "${values['faulty-rate']}"`);

  const demo = await (values.chain ? runChainDemo : runDemo)({
    requests: intOption(values.requests, 'requests', 1, 10_000) ?? 30,
    provers,
    modelRequests: intOption(values['model-requests'], 'model-requests', 0, 100) ?? 2,
    faultyProvers,
    faultyRate,
    host: values.host ?? '127.0.0.1',
    port: intOption(values.port, 'port', 0, 65535) ?? 8080,
    dataDir: values['data-dir'] ?? './.proofmarket/demo',
    timeoutMs: (intOption(values.timeout, 'timeout', 1, 86_400) ?? 300) * 1000,
    out: process.stdout,
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') throw usage(`port ${values.port ?? 8080} is in use; stop what uses it or pass --port 0 for a free one`);
    throw err;
  });
  const complete = demo.summary.completed === demo.summary.tasks;
  if (values.exit) {
    await demo.stop();
    await terminateCurves();
    if (!complete) process.exitCode = 1;
    return;
  }
  // The demo's provers leave, so tasks submitted by hand now wait for the user's own prover (README walkthrough).
  await demo.stopProvers();
  console.log(`\nThe demo's provers have gone offline; the coordinator keeps serving: API at ${demo.url}, dashboard at ${demo.url}/, docs at ${demo.url}/docs.`);
  console.log(`Try the README walkthrough, or start a prover: npx proofmarket prover --coordinator-url ${demo.url}`);
  console.log('Press Ctrl-C to stop.');
  await onShutdown(demo.stop);
}
