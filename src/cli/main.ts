import { asCliError, errorLine, EXIT, refusalHint } from './errors.ts';

/** `proofmarket <command> …`: each command is a module with `run(argv)` and a `help` text. */
const COMMANDS: Record<string, () => Promise<{ run(argv: string[]): Promise<void>; help: string }>> = {
  serve: () => import('./commands/serve.ts'),
  cluster: () => import('./commands/cluster.ts'),
  prover: () => import('./commands/prover.ts'),
  demo: () => import('./commands/demo.ts'),
  prove: () => import('./commands/prove.ts'),
  keys: () => import('./commands/keys.ts'),
  stats: () => import('./commands/stats.ts'),
  register: () => import('./commands/register.ts'),
  request: () => import('./commands/request.ts'),
  provers: () => import('./commands/provers.ts'),
  status: () => import('./commands/status.ts'),
  proof: () => import('./commands/proof.ts'),
  verify: () => import('./commands/verify.ts'),
  programs: () => import('./commands/programs.ts'),
  tasks: () => import('./commands/tasks.ts'),
  bid: () => import('./commands/bid.ts'),
  bids: () => import('./commands/bids.ts'),
  choose: () => import('./commands/choose.ts'),
  subscribe: () => import('./commands/subscribe.ts'),
  cancel: () => import('./commands/cancel.ts'),
  deposit: () => import('./commands/deposit.ts'),
  withdraw: () => import('./commands/withdraw.ts'),
  balance: () => import('./commands/balance.ts'),
  faucet: () => import('./commands/faucet.ts'),
  stake: () => import('./commands/stake.ts'),
  unstake: () => import('./commands/unstake.ts'),
  submitters: () => import('./commands/submitters.ts'),
  suspend: () => import('./commands/suspend.ts'),
  reinstate: () => import('./commands/reinstate.ts'),
  slashes: () => import('./commands/slashes.ts'),
  slash: () => import('./commands/slash.ts'),
  images: () => import('./commands/images.ts'),
  'post-job': () => import('./commands/post-job.ts'),
  fund: () => import('./commands/fund.ts'),
  match: () => import('./commands/match.ts'),
  provider: () => import('./commands/provider.ts'),
  accept: () => import('./commands/accept.ts'),
  jobs: () => import('./commands/jobs.ts'),
  chain: () => import('./commands/chain.ts'),
  artifact: () => import('./commands/artifact.ts'),
  audit: () => import('./commands/audit.ts'),
  models: () => import('./commands/models.ts'),
  model: () => import('./commands/model.ts'),
};

const HELP = `proofmarket — a marketplace for zero-knowledge proofs

Usage: proofmarket <command> [options]    (proofmarket <command> --help for details)

Commands:
  demo       the whole market on one machine, with real proofs (what npm start runs)
  serve      run the coordinator (REST API, scheduler, verifier pool)
  cluster    coordinator replicas on one PostgreSQL behind one round-robin port (try scale-out by hand)
  prover     run a prover node (registers, takes tasks, proves them in worker threads)
  prove      prove one assigned task by hand; prints the body for POST /tasks/result
  keys       your key (new, show, import): its address is your id in the market, it signs your calls
  stats      market analytics: requests, prices, waits, provers, money, trends (text, json or csv)
  register   register a prover's profile: backends, price, capacity (POST /provers/register)
  provers    find provers by backend, price, reputation and status
  request    ask for a proof of a program on an input; --wait follows it and saves the verified proof
  status     a request's status and history; --watch follows it live
  proof      download the verified proof of a completed request
  verify     check a proof offline against the program's verification key
  artifact   put a file into the coordinator's content-addressed store (by CID), or get one out, hash-checked
  audit      re-check a settled request from content ids alone: every hash, and the proof verified again
  programs   list, show and register programs (circuits)
  models     the zkML models (ONNX, compiled with ezkl): versions, weight commitments, price hints
  model      model add model.onnx --sample input.json: compile with Python ezkl, upload, register (signed)
  tasks      list tasks and requests
  bid        bid for a request by hand (fixed, weighted, sealed commit/reveal, rising lock)
  bids       the bids on a requester_choice request of yours, with reputation and free stake
  choose     pick one of those bids: its prover is assigned at its fee
  subscribe  subscribe to a prover for a month or a year
  cancel     cancel a pending request of yours; its escrow is refunded
  deposit    put money into your balance (it pays your requests' escrow)
  withdraw   take money out of your balance, or out of a prover's earnings (--prover-id)
  balance    an account: balance, and the stake, locked, unstaking and earnings of the provers it owns
  faucet     free money on a dev-mode (--open) coordinator
  stake      stake collateral for a prover you own; without an amount, show its stake
  unstake    start taking stake back (slashable until the unstake delay has passed)
  submitters consent, add, remove, list the keys that may bid and submit for a prover
  suspend    operator: suspend a prover, with a reason
  reinstate  operator: reinstate a suspended prover, with a reason
  slashes    list slashes
  slash      operator: reverse a slash, with a reason (slash reverse <id>)
  images     container images for compute jobs: list, import-busybox (builds one from busybox-static)
  chain      the contracts on an EVM chain: devnet (a local anvil with everything deployed), deploy

Container jobs (seed 004):
  post-job   create a job: an image and a command, resources, a price in ether; prints its jobId
  fund       fund your job: its price into escrow (--job, --tx)
  match      match a funded job to a provider by hand (--job, --provider)
  accept     accept a job's results and pay its provider (--job, --provider)
  jobs       list jobs (--status, --provider, --requester)
  provider   run the provider agent: jobs matched to you run in hardened containers on Docker
  (status --job and cancel --job work on jobs too)

Global options of the user commands: --coordinator URL (or PROOFMARKET_URL), --key FILE (or PROOFMARKET_KEY),
--json, --quiet. --debug (or PROOFMARKET_DEBUG=1): a stack with an error.
Errors are one line on stderr, error: <code>: <what to do>. Exit codes: 0 ok, 1 refused or failed, 2 bad usage,
3 coordinator unreachable, 4 a file missing or unreadable, 5 the key file, 6 port in use, 7 the request ended
without a proof (expired, failed), 70 a bug, 130 interrupted.
`;

/** `--debug` anywhere before a `--` (removed from the command's arguments), or PROOFMARKET_DEBUG=1. */
function takeDebug(argv: string[], env: NodeJS.ProcessEnv): { debug: boolean; argv: string[] } {
  const end = argv.indexOf('--') === -1 ? argv.length : argv.indexOf('--');
  const head = argv.slice(0, end);
  const flagged = head.includes('--debug');
  return { debug: flagged || env.PROOFMARKET_DEBUG === '1', argv: flagged ? [...head.filter((a) => a !== '--debug'), ...argv.slice(end)] : argv };
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { debug, argv: args } = takeDebug(argv, env);
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`error: unknown_command: there is no command "${name}"; run proofmarket --help for the list`);
    return EXIT.usage;
  }
  try {
    await (await load()).run(rest);
    return 0;
  } catch (thrown) {
    const err = asCliError(thrown);
    console.error(errorLine(err));
    const hint = err.exitCode === EXIT.failed && process.stderr.isTTY ? refusalHint(`${err.code}: ${err.message}`) : undefined;
    if (hint) console.error(`  hint: ${hint}`);
    if (debug) console.error((err.cause instanceof Error ? err.cause : err).stack);
    return err.exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
