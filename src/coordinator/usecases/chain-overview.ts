import type { ChainOverview } from '../../api/index.ts';
import { notFound } from '../../domain/errors.ts';
import { countChainRequests, latestChainSettlements, readCursor } from '../../store/chain.ts';
import type { MarketDeps } from './deps.ts';

export type ChainOverviewErrorCode = 'chain_not_configured';

/**
 * The chain this coordinator settles on, read-only: its id, the contracts, the indexer's health and cursor, the
 * mirrored requests by status and the latest settlements with their transactions (for the dashboard's Chain page).
 */
export async function chainOverview(deps: Pick<MarketDeps, 'db' | 'chain'>, limit = 20): Promise<ChainOverview> {
  const chain = deps.chain;
  if (!chain) throw notFound('chain_not_configured', 'this coordinator does not settle on a chain (start it with serve --chain-rpc or --chain-deployment)');
  const [chainId, cursor, requests, settled] = await Promise.all([chain.chainId(), readCursor(deps.db, chain.source), countChainRequests(deps.db), latestChainSettlements(deps.db, limit)]);
  const { proofMarket, jobEscrow } = chain.contracts();
  return {
    chain_id: chainId,
    contracts: { proof_market: proofMarket, job_escrow: jobEscrow },
    indexer: chain.health(),
    cursor: cursor ? { source: chain.source, block: cursor.block.toString(), log_index: cursor.logIndex, scanned_block: cursor.scannedBlock.toString(), scanned_hash: cursor.scannedHash } : null,
    requests,
    settlements: settled.map((s) => ({ ...s, at: new Date(s.at).toISOString() })),
  };
}
