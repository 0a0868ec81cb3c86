// serve's chain flags: --chain-rpc URL --market-address 0x… [--job-escrow-address 0x…] [--confirmations N]
// [--chain-start-block N], or --chain-deployment FILE (what chain devnet/deploy --out wrote) for all of them;
// --matchmaker-key FILE: the key the coordinator locks assigned requests with (ProofMarket's matchmaker).
import { isAddress } from 'viem';
import type { ChainConfig } from '../coordinator/config.ts';
import { readDeploymentFile } from '../chain/deployment-file.ts';
import { intOption } from './args.ts';
import { usage } from './errors.ts';
import { readKeyFile } from './keys.ts';

export const chainOptions = {
  'chain-rpc': { type: 'string' },
  'market-address': { type: 'string' },
  'job-escrow-address': { type: 'string' },
  confirmations: { type: 'string' },
  'chain-start-block': { type: 'string' },
  'chain-deployment': { type: 'string' },
  'matchmaker-key': { type: 'string' },
} as const;

export const chainHelp = `Settlement on a chain (balances and stakes then come only from the contracts' events):
  --chain-rpc URL             the EVM RPC to follow
  --market-address 0x…        ProofMarket's address
  --job-escrow-address 0x…    JobEscrow's address (optional)
  --confirmations N           blocks a log must be under before it counts (default 1)
  --chain-start-block N       where the indexer starts (default 0: the deployment's block is better)
  --chain-deployment FILE     all of the above from proofmarket chain devnet|deploy --out FILE
                              (flags given as well override it)
  --matchmaker-key FILE       the key file of ProofMarket's matchmaker: the coordinator then locks each
                              assigned request on chain (lock(requestId, prover, price)); it can pay no one`;

export function chainFromFlags(v: Record<string, string | boolean | string[] | undefined>): ChainConfig | undefined {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const file = str('chain-deployment') === undefined ? undefined : (() => {
    try {
      return readDeploymentFile(str('chain-deployment')!);
    } catch (err) {
      throw usage((err as Error).message);
    }
  })();
  const rpcUrl = str('chain-rpc') ?? file?.rpc_url;
  const named = ['market-address', 'job-escrow-address', 'confirmations', 'chain-start-block', 'matchmaker-key'].filter((k) => str(k) !== undefined);
  if (rpcUrl === undefined) {
    if (named.length) throw usage(`--${named[0]} needs --chain-rpc URL (or --chain-deployment FILE)`);
    return undefined;
  }
  if (!/^https?:\/\//.test(rpcUrl)) throw usage(`--chain-rpc must be an http(s) URL, got "${rpcUrl}"`);
  const address = (k: string, fallback: string | undefined) => {
    const a = str(k) ?? fallback;
    if (a !== undefined && !isAddress(a)) throw usage(`--${k} must be an address (0x and 40 hex digits), got "${a}"`);
    return a?.toLowerCase() as `0x${string}` | undefined;
  };
  const proofMarket = address('market-address', file?.proof_market);
  if (!proofMarket) throw usage('--chain-rpc needs --market-address 0x… (ProofMarket\'s address), or --chain-deployment FILE');
  const start = str('chain-start-block') ?? file?.start_block ?? '0';
  if (!/^\d{1,20}$/.test(start)) throw usage(`--chain-start-block must be a block number, got "${start}"`);
  return {
    rpcUrl,
    proofMarket,
    jobEscrow: address('job-escrow-address', file?.job_escrow),
    confirmations: intOption(str('confirmations'), 'confirmations', 0, 1_000) ?? 1,
    startBlock: BigInt(start),
    pollMs: 1_000,
    ...(str('matchmaker-key') !== undefined ? { matchmakerKey: matchmakerKeyOf(str('matchmaker-key')!) } : {}),
  };
}

function matchmakerKeyOf(path: string): `0x${string}` {
  try {
    return readKeyFile(path).private_key as `0x${string}`;
  } catch (err) {
    throw usage(`--matchmaker-key ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}
