import { isAddress, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startAnvil } from '../../chain/anvil.ts';
import { anvilAccount } from '../../chain/client.ts';
import { writeDeploymentFile, type DeploymentFile } from '../../chain/deployment-file.ts';
import { anvilDevKeys, deployMarket } from '../../chain/devnet.ts';
import { intOption, parse } from '../args.ts';
import { CliError, EXIT, usage } from '../errors.ts';
import { readKeyFile, resolveKeyPath } from '../keys.ts';

export const help = `proofmarket chain — the market's contracts on an EVM chain

Usage:
  proofmarket chain devnet [--port N] [--block-time S] [--out FILE]
      start a local anvil, deploy ProofMarket, JobEscrow and the built-in programs' verifiers, print the
      addresses, the RPC URL and anvil's funded dev keys, and keep running until Ctrl-C (anvil stops with it)
  proofmarket chain deploy --rpc URL [--key FILE] [--matchmaker 0x…] [--treasury 0x…] [--out FILE]
      deploy the same to any EVM RPC from your key (it becomes the admin; matchmaker and treasury default to it)

Options:
  --out FILE   also write the deployment (addresses, chain id, start block) as JSON, for
               proofmarket serve --chain-deployment FILE
  --json       print the deployment as JSON

The devnet's keys are anvil's well-known development keys: public, for a local chain only.
The devnet deploys from dev key 0, which is also the matchmaker (give it to serve --chain-key) and the treasury.

Example:
  proofmarket chain devnet --out .proofmarket/devnet.json`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {
    port: { type: 'string' },
    'block-time': { type: 'string' },
    rpc: { type: 'string' },
    key: { type: 'string' },
    matchmaker: { type: 'string' },
    treasury: { type: 'string' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  }, true);
  if (values.help) return void console.log(help);
  const [sub, ...extra] = positionals;
  if (extra.length) throw usage(`unexpected argument "${extra[0]}"`);
  for (const flag of ['matchmaker', 'treasury'] as const) {
    const v = values[flag];
    if (v !== undefined && !isAddress(v)) throw usage(`--${flag} must be an address (0x and 40 hex digits), got "${v}"`);
  }
  switch (sub) {
    case 'devnet': {
      if (values.rpc || values.key) throw usage('chain devnet starts its own anvil and uses its dev keys; --rpc and --key are for chain deploy');
      const port = intOption(values.port, 'port', 1, 65_535);
      const blockTime = intOption(values['block-time'], 'block-time', 1, 3_600);
      return devnet({ port, blockTime, out: values.out, json: values.json });
    }
    case 'deploy': {
      if (!values.rpc) throw usage('chain deploy needs --rpc URL (the chain to deploy to)');
      if (!/^https?:\/\//.test(values.rpc)) throw usage(`--rpc must be an http(s) URL, got "${values.rpc}"`);
      const key = readKeyFile(resolveKeyPath(values.key));
      const admin = privateKeyToAccount(key.private_key as Hex);
      const file = await deployOrExplain(values.rpc, () => deployMarket(values.rpc!, admin, { matchmaker: values.matchmaker as Hex | undefined, treasury: values.treasury as Hex | undefined }));
      if (values.out) writeDeploymentFile(values.out, file);
      console.log(values.json ? JSON.stringify(file) : describe(file, values.out));
      return;
    }
    case undefined:
      throw usage('say chain devnet or chain deploy');
    default:
      throw usage(`unknown chain command "${sub}"; say devnet or deploy`);
  }
}

async function deployOrExplain(rpc: string, deploy: () => Promise<DeploymentFile>): Promise<DeploymentFile> {
  try {
    return await deploy();
  } catch (err) {
    const text = (err as Error).message.split('\n')[0];
    if (/fetch failed|ECONNREFUSED|HTTP request failed/i.test((err as Error).message)) throw new CliError('rpc_unreachable', `no EVM RPC answers at ${rpc}: ${text}`, EXIT.unreachable);
    throw new CliError('deploy_failed', `deploying failed: ${text}`);
  }
}

async function devnet(opts: { port?: number; blockTime?: number; out?: string; json?: boolean }): Promise<void> {
  const anvil = await startAnvil({ port: opts.port, blockTime: opts.blockTime });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= anvil.stop());
  try {
    const file = await deployMarket(anvil.rpcUrl, anvilAccount(0));
    if (opts.out) writeDeploymentFile(opts.out, file);
    const keys = anvilDevKeys();
    if (opts.json) console.log(JSON.stringify({ ...file, anvil_pid: anvil.pid, dev_keys: keys.map((k) => ({ address: k.address, private_key: k.privateKey })) }));
    else {
      console.log(describe(file, opts.out));
      console.log(`\nanvil's well-known DEV keys (public; 10,000 ETH each on this devnet only, never use them elsewhere):`);
      for (const k of keys) console.log(`  (${k.index}) ${k.address}  ${k.privateKey}`);
      console.log(`\nanvil PID ${anvil.pid}; Ctrl-C stops it.`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      void stop().then(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  if (!opts.json) console.log('devnet stopped');
}

function describe(f: DeploymentFile, out: string | undefined): string {
  const lines = [
    `RPC URL      ${f.rpc_url}  (chain id ${f.chain_id})`,
    `ProofMarket  ${f.proof_market}`,
    `JobEscrow    ${f.job_escrow}`,
    `admin        ${f.admin}`,
    `matchmaker   ${f.matchmaker}`,
    `treasury     ${f.treasury}`,
    `programs     ${f.programs.length} verifiers registered:`,
    ...f.programs.map((p) => `  ${p.name}/${p.system}  ${p.program_id}  adapter ${p.adapter}`),
  ];
  if (out) lines.push(`deployment written to ${out}`);
  return lines.join('\n');
}
