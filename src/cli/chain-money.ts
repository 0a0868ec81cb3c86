// The money commands' chain mode: with --chain-rpc URL --market-address 0x… (or --chain-deployment FILE) the
// command sends the transaction to ProofMarket itself, signed with the key file's key, and says so
// ("on chain: tx 0x… in block N"); without, it calls the coordinator's off-chain ledger, as before.
import { isAddress, type Hex } from 'viem';
import { readDeploymentFile } from '../chain/deployment-file.ts';
import { ChainMarket, type SentTransaction } from '../chain/market-client.ts';
import { ProofMarketError } from '../sdk/errors.ts';
import { CliError, EXIT, usage } from './errors.ts';
import { readKeyFile, resolveKeyPath } from './keys.ts';

export const CHAIN_MONEY_OPTIONS = {
  'chain-rpc': { type: 'string' },
  'market-address': { type: 'string' },
  'chain-deployment': { type: 'string' },
} as const;

export const CHAIN_MONEY_HELP = `On a chain (a coordinator started with serve --chain-rpc takes no money off chain):
  --chain-rpc URL --market-address 0x…   send the transaction to ProofMarket, signed with your key file
  --chain-deployment FILE                 the same from proofmarket chain devnet|deploy --out FILE
  (amounts are then wei)`;

type Values = Record<string, string | boolean | string[] | undefined>;

/** The chain market to use, or undefined for the off-chain ledger. */
export function chainMarketFrom(v: Values): ChainMarket | undefined {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  let rpc = str('chain-rpc');
  let market = str('market-address');
  const file = str('chain-deployment');
  if (file !== undefined) {
    try {
      const d = readDeploymentFile(file);
      rpc ??= d.rpc_url;
      market ??= d.proof_market;
    } catch (err) {
      throw usage((err as Error).message);
    }
  }
  if (rpc === undefined && market === undefined) return undefined;
  if (rpc === undefined || !/^https?:\/\//.test(rpc)) throw usage('--chain-rpc must be an http(s) URL (with --market-address, or --chain-deployment FILE)');
  if (market === undefined || !isAddress(market)) throw usage('--market-address must be ProofMarket\'s address (0x and 40 hex digits)');
  const key = readKeyFile(resolveKeyPath(str('key')));
  return new ChainMarket(rpc, market as Hex, key.private_key as Hex);
}

/** Sends a transaction, turning a revert or an RPC that does not answer into one line and an exit code. */
export async function sendOnChain<T = SentTransaction>(market: ChainMarket, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof ProofMarketError || err instanceof CliError) throw err; // the coordinator's answer: guard() reports it
    const text = (err as Error).message;
    if (/fetch failed|ECONNREFUSED|HTTP request failed/i.test(text)) throw new CliError('rpc_unreachable', `no EVM RPC answers at ${market.rpcUrl}: start the chain, or pass another --chain-rpc`, EXIT.unreachable);
    const reason = /reverted with the following (?:signature|reason):?\s*\n?\s*([^\n]+)/.exec(text)?.[1] ?? /Error: ([A-Za-z]+\([^)]*\))/.exec(text)?.[1] ?? text.split('\n')[0];
    throw new CliError('transaction_refused', `ProofMarket refused the transaction: ${reason}`);
  }
}

export const onChainLine = (tx: SentTransaction) => `on chain: tx ${tx.hash} in block ${tx.block} (gas ${tx.gasUsed})`;

/**
 * Runs a money command on chain when the flags name one: sends `action`'s transaction and prints what it did
 * (`--json`: one document with mode "chain"). False when no chain is named (the caller goes off chain).
 */
export async function runOnChain(v: Values, action: (m: ChainMarket) => { send: () => Promise<SentTransaction>; after: (m: ChainMarket) => Promise<{ text: string; doc: Record<string, string> }> }): Promise<boolean> {
  const market = chainMarketFrom(v);
  if (!market) return false;
  const a = action(market);
  const tx = await sendOnChain(market, a.send);
  const { text, doc } = await a.after(market);
  if (v.json === true) console.log(JSON.stringify({ mode: 'chain', tx: tx.hash, block: tx.block.toString(), gas_used: tx.gasUsed.toString(), address: market.address.toLowerCase(), ...doc }));
  else if (v.quiet !== true) console.log(`${onChainLine(tx)}: ${text}`);
  return true;
}
