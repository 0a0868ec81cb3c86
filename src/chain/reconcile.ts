/**
 * The mirror checked against the chain: every `chain:` account of the ledger (src/domain/chain-mirror.ts)
 * compared with the contract's view of it, at the block the indexer has applied everything up to (so a mirror
 * that is only behind is not reported as wrong), and the ETH ProofMarket holds compared with what the mirror
 * says it must hold. `GET /v1/ledger/audit` adds this report in chain mode.
 */
import type { Hex } from 'viem';
import { JobEscrow } from '../../contracts/artifacts/JobEscrow.ts';
import { ProofMarket } from '../../contracts/artifacts/ProofMarket.ts';
import type { Queryable } from '../store/db.ts';
import { listChainJobs, readCursor } from '../store/chain.ts';
import { accountsLike } from '../store/ledger.ts';
import { publicClientFor } from './client.ts';

export interface ChainDifference {
  account: string;
  mirror: string;
  chain: string;
}

export interface ChainReconciliation {
  ok: boolean;
  /** The block both sides were read at; null before the indexer applied anything. */
  block: string | null;
  accounts_checked: number;
  differences: ChainDifference[];
}

const OPEN = 1;

export async function reconcileWithChain(q: Queryable, opts: { rpcUrl: string; proofMarket: Hex; jobEscrow?: Hex; source: string }): Promise<ChainReconciliation> {
  const cursor = await readCursor(q, opts.source);
  if (!cursor || cursor.scannedBlock < 0n) return { ok: true, block: null, accounts_checked: 0, differences: [] };
  const client = publicClientFor(opts.rpcUrl);
  const blockNumber = cursor.scannedBlock;
  const read = <T>(address: Hex, abi: typeof ProofMarket.abi | typeof JobEscrow.abi, functionName: string, args: unknown[] = []) =>
    client.readContract({ address, abi, functionName, args, blockNumber } as never) as Promise<T>;
  const pm = opts.proofMarket;
  const mirror = await accountsLike(q, 'chain:');
  const differences: ChainDifference[] = [];
  const compare = (account: string, chain: bigint) => {
    const mine = mirror.get(account) ?? 0n;
    if (mine !== chain) differences.push({ account, mirror: mine.toString(), chain: chain.toString() });
  };
  const stakes = new Map<string, readonly [bigint, bigint, bigint, bigint, boolean]>();
  const stakeOf = async (a: string) => {
    if (!stakes.has(a)) stakes.set(a, await read(pm, ProofMarket.abi, 'stakes', [a]));
    return stakes.get(a)!;
  };
  let held = 0n;
  for (const [account, amount] of mirror) {
    const [, kind, key] = account.split(':') as [string, string, string | undefined];
    if (kind !== 'job') held += amount;
    if (kind === 'balance') compare(account, await read<bigint>(pm, ProofMarket.abi, 'balances', [key]));
    else if (kind === 'stake') compare(account, (await stakeOf(key!))[0]);
    else if (kind === 'locked') compare(account, (await stakeOf(key!))[1]);
    else if (kind === 'unstaking') compare(account, (await stakeOf(key!))[2]);
    else if (kind === 'escrow') {
      const r = await read<readonly unknown[]>(pm, ProofMarket.abi, 'requests', [key]);
      compare(account, Number(r[2]) === OPEN ? BigInt(r[6] as bigint) : 0n);
    } else if (kind === 'burned') compare(account, await read<bigint>(pm, ProofMarket.abi, 'burned'));
  }
  if (!mirror.has('chain:burned')) compare('chain:burned', await read<bigint>(pm, ProofMarket.abi, 'burned'));
  if (opts.jobEscrow) {
    for (const job of await listChainJobs(q)) compare(`chain:job:${job.job_key}`, await read<bigint>(opts.jobEscrow, JobEscrow.abi, 'getJobBalance', [job.job_id]));
  }
  const eth = await client.getBalance({ address: pm, blockNumber });
  if (eth !== held) differences.push({ account: `eth:${pm.toLowerCase()}`, mirror: held.toString(), chain: eth.toString() });
  return { ok: differences.length === 0, block: blockNumber.toString(), accounts_checked: mirror.size, differences };
}
