/**
 * `npm start -- --chain`: the demo with settlement on anvil. anvil starts from its npm package, every contract
 * is deployed (dev key 0 is admin, matchmaker and treasury), the coordinator follows ProofMarket and locks
 * assignments with the matchmaker key, each prover node stakes on chain with its own dev key and fulfils its
 * requests itself, and the requester (dev key 1) escrows every request on chain before submitting it. The
 * summary adds the transactions sent, the gas per fulfilment, the contract balances and the ledger audit
 * against the chain. No prover is faulty here: a rejected proof's lock would hold the request for its holder
 * until the lock's deadline (minutes), see README "A request settled on chain, end to end".
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseEther, type Hex } from 'viem';
import type { TaskDetail } from '../api/index.ts';
import { startAnvil, type Anvil } from '../chain/anvil.ts';
import { anvilAccount, publicClientFor } from '../chain/client.ts';
import type { DeploymentFile } from '../chain/deployment-file.ts';
import { anvilDevKeys, deployMarket, type DevKey } from '../chain/devnet.ts';
import { ChainMarket } from '../chain/market-client.ts';
import { requestOnChain } from '../chain/requester.ts';
import { chainRequestId } from '../chain/requests.ts';
import { startCoordinator, type Coordinator } from '../coordinator/coordinator.ts';
import { keyFileOf, writeKeyFile } from '../keys/key-file.ts';
import { ProverNode } from '../prover/node.ts';
import { ProofMarketClient } from '../sdk/client.ts';
import { privateKeySigner } from '../sdk/signer.ts';
import { renderSummary, summarize } from './report.ts';
import { awaitWorkload, type DemoOptions, type RunningDemo } from './run.ts';
import { DEMO_ROUTES, demoProvers, demoWorkload, seededRandom } from './workload.ts';

/** What the chain side of the demo counted: transactions by kind, and each fulfilment's gas by proof system. */
interface ChainTally {
  setup: number;
  createRequest: { count: number; gas: bigint };
  fulfil: Map<string, bigint[]>;
}

/** Stake each demo prover puts on ProofMarket, and the stake each request asks its winner to lock. */
const PROVER_STAKE = parseEther('1');
const MIN_STAKE = parseEther('0.01');
/** A task's reward (base units of the off-chain demo) becomes that many gwei on chain. */
const GWEI = 1_000_000_000n;

export async function runChainDemo(o: DemoOptions): Promise<RunningDemo> {
  const print = (line: string) => o.out.write(`${line}\n`);
  rmSync(join(o.dataDir, 'chain'), { recursive: true, force: true });
  const anvil = await startAnvil();
  const keys = anvilDevKeys(10);
  const provers: ProverNode[] = [];
  let coordinator: Coordinator | undefined;
  const stopProvers = async () => void (await Promise.allSettled(provers.map((p) => p.stop({ handBack: true, timeoutMs: 5_000 }))));
  const stop = async () => {
    await stopProvers();
    await coordinator?.close();
    await anvil.stop();
  };
  try {
    const d = await deployMarket(anvil.rpcUrl, anvilAccount(0));
    coordinator = await startCoordinator({
      host: o.host, port: o.port, dataDir: join(o.dataDir, 'chain', 'db'), privacyRoutes: DEMO_ROUTES, logLevel: 'warn', heartbeatTimeoutMs: 10_000,
      chain: { rpcUrl: anvil.rpcUrl, proofMarket: d.proof_market, jobEscrow: d.job_escrow, confirmations: 0, startBlock: BigInt(d.start_block), pollMs: 100, matchmakerKey: keys[0]!.privateKey },
    });
    const url = coordinator.url!;
    print(`chain         anvil ${anvil.rpcUrl} (chain ${d.chain_id}); ProofMarket ${d.proof_market}; dev key 0 ${keys[0]!.address} is admin, matchmaker and treasury`);
    print(`coordinator   ${url}  (follows ProofMarket; holds no money; locks assignments with the matchmaker key)`);
    const tally: ChainTally = { setup: 0, createRequest: { count: 0, gas: 0n }, fulfil: new Map() };
    const names = await startChainProvers(o, url, d, keys.slice(2), provers, tally, print);
    const requester = new ChainMarket(anvil.rpcUrl, d.proof_market, keys[1]!.privateKey);
    const client = new ProofMarketClient({ baseUrl: url, signer: privateKeySigner(keys[1]!.privateKey) });
    const started = Date.now();
    const ids = await submitOnChain(o, client, requester, tally, print);
    await awaitWorkload(o, { requester: client, ids, started }, () => 0, print);
    const details: TaskDetail[] = [];
    for (const id of ids) details.push(await client.getTask(id));
    const finished = Math.max(...details.flatMap((x) => x.history ?? []).map((h) => Date.parse(h.at)), started);
    const summary = summarize(details, names, started, finished);
    print(renderSummary(summary));
    await settledOnChain(coordinator, requester, ids, summary.completed);
    await printChain({ coordinator, anvil, d, keys, provers, names, tally, client, print });
    return { coordinator, url, provers, summary, stopProvers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

type Print = (line: string) => void;

/** The demo's provers, each with its own dev key staked on ProofMarket and consenting to the matchmaker. */
async function startChainProvers(o: DemoOptions, url: string, d: DeploymentFile, keys: DevKey[], provers: ProverNode[], tally: ChainTally, print: Print): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [i, spec] of demoProvers(Math.min(o.provers, keys.length), 0).entries()) {
    const key = keys[i]!;
    const dir = join(o.dataDir, 'chain', 'provers', `prover-${i + 1}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeKeyFile(join(dir, 'key.json'), keyFileOf(key.privateKey), { force: true });
    const market = new ChainMarket(d.rpc_url, d.proof_market, key.privateKey);
    await market.stake(PROVER_STAKE, PROVER_STAKE);
    await market.consentToMatchmaker(true);
    tally.setup += 2;
    const node = new ProverNode({
      coordinator_url: url, state_dir: dir, key_file: join(dir, 'key.json'), name: spec.name, max_concurrent_proofs: spec.capacity,
      supported_privacy_levels: spec.levels, heartbeat_interval: 1, poll_interval: 0.2, chain_rpc: d.rpc_url, market_address: d.proof_market,
    });
    node.on('fulfilled', ({ taskId, gasUsed }) => {
      const system = systemOf.get(taskId) ?? 'unknown';
      tally.fulfil.set(system, [...(tally.fulfil.get(system) ?? []), gasUsed]);
    });
    await node.start();
    provers.push(node);
    names.set(node.nodeId ?? spec.name, spec.name);
    print(`prover        ${spec.name.padEnd(24)} capacity ${spec.capacity}  key ${key.address}  staked ${PROVER_STAKE} wei on ProofMarket`);
  }
  return names;
}

/** request id → its proof system, for the gas table. */
const systemOf = new Map<string, string>();

/** The requester escrows each request on chain, then submits it (src/chain/requester.ts). */
async function submitOnChain(o: DemoOptions, client: ProofMarketClient, requester: ChainMarket, tally: ChainTally, print: Print): Promise<string[]> {
  const programs = await client.listPrograms();
  const ids: string[] = [];
  for (const task of demoWorkload(o.requests, seededRandom(42))) {
    const route = DEMO_ROUTES.find((r) => task.privacy_level >= r.from && task.privacy_level <= r.to)!;
    const program = programs.find((p) => p.name === route.program && p.proof_system === route.system)!;
    const r = await requestOnChain(client, requester, {
      program_id: program.program_id,
      input: Buffer.from(task.circuit_data).toString('base64'),
      backend: route.system,
      max_price: (BigInt(task.reward_amount) * GWEI).toString(),
      min_stake: MIN_STAKE.toString(),
      privacy_level: task.privacy_level,
      deadline: 30,
    });
    systemOf.set(r.view.request_id, route.system);
    tally.createRequest.count++;
    tally.createRequest.gas += r.tx.gasUsed;
    ids.push(r.view.request_id);
  }
  print(`requester     ${requester.address} escrowed ${ids.length} requests on ProofMarket (createRequest, value = max price) and submitted them\n`);
  return ids;
}

/** Waits until every completed request is fulfilled on chain and the indexer has applied it. */
async function settledOnChain(coordinator: Coordinator, requester: ChainMarket, ids: string[], completed: number): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    const states = await Promise.all(ids.map((id) => requester.request(chainRequestId(id))));
    if (states.filter((s) => s.status === 'fulfilled').length >= completed || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await coordinator.market.chain!.waitForBlock(await publicClientFor(requester.rpcUrl).getBlockNumber());
}

interface ChainReport {
  coordinator: Coordinator;
  anvil: Anvil;
  d: DeploymentFile;
  keys: DevKey[];
  provers: ProverNode[];
  names: Map<string, string>;
  tally: ChainTally;
  client: ProofMarketClient;
  print: Print;
}

/** Transactions, gas per fulfilment, the contract's balances, and the audit of the mirror against the chain. */
async function printChain(r: ChainReport): Promise<void> {
  const { tally, print } = r;
  const fulfils = [...tally.fulfil.values()].flat();
  const locks = r.coordinator.market.matchmaker!.stats();
  print(`transactions  ${tally.setup + tally.createRequest.count + locks.locks_sent + fulfils.length} sent: ${tally.setup} stake and consent, ${tally.createRequest.count} createRequest, ${locks.locks_sent} lock (matchmaker), ${fulfils.length} fulfill (by the provers)`);
  const avg = (xs: bigint[]) => (xs.length ? xs.reduce((a, b) => a + b, 0n) / BigInt(xs.length) : 0n);
  const per = [...tally.fulfil].map(([system, gas]) => `${system} ${avg(gas)} (${gas.length})`).join(', ');
  print(`gas           per fulfilment: ${per || 'none'}; per lock ${locks.locks_sent ? BigInt(locks.gas_used) / BigInt(locks.locks_sent) : 0n}; per createRequest ${tally.createRequest.count ? tally.createRequest.gas / BigInt(tally.createRequest.count) : 0n}`);
  const market = new ChainMarket(r.d.rpc_url, r.d.proof_market, r.keys[1]!.privateKey);
  const balances = [`requester ${await market.balanceOf()}`];
  for (const node of r.provers) balances.push(`${r.names.get(node.nodeId!) ?? node.nodeId} ${await market.balanceOf(node.signer!.address as Hex)}`);
  balances.push(`treasury (fees) ${await market.balanceOf(r.d.treasury)}`);
  const held = await publicClientFor(r.d.rpc_url).getBalance({ address: r.d.proof_market });
  print(`balances      in ProofMarket, wei: ${balances.join(', ')}; the contract holds ${held} (balances, stakes and open escrows)`);
  const audit = (await r.client.ledgerAudit()) as unknown as { ok: boolean; chain?: { ok: boolean; block: string | null; accounts_checked: number; differences: unknown[] } };
  const c = audit.chain;
  print(`audit         GET /v1/ledger/audit: ${audit.ok && c?.ok ? 'ok' : 'DIFFERENCES'} — ${c?.accounts_checked ?? 0} mirrored accounts and the contract's ETH agree with ProofMarket at block ${c?.block ?? '?'}${c && c.differences.length ? `; ${JSON.stringify(c.differences)}` : ''}`);
}
