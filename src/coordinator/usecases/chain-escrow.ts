import { signalsCommitment } from '../../chain/calldata.ts';
import { chainRequestId } from '../../chain/requests.ts';
import { conflict, invalid } from '../../domain/errors.ts';
import { getChainRequest } from '../../store/chain.ts';
import type { MarketDeps } from './deps.ts';

/** What a request settled on chain keeps in its stored terms: ProofMarket's id of it. */
export interface ChainTerms {
  request_id: string;
}

export interface ChainEscrowQuery {
  requestId: string;
  requester: string;
  programId: string;
  maxPrice: bigint;
  minStake: bigint;
  expectedSignals: readonly string[];
  subscription: boolean;
  reauction: boolean;
}

/**
 * With --chain-rpc a request is escrowed on ProofMarket by its requester (`createRequest`) before it is
 * submitted here, and its auction opens only once the indexer has applied that `RequestCreated` event (the
 * chain_requests row). The on-chain request must be the one submitted: same requester, program, max price and
 * minimum stake, open, and committed to the public signals this input makes a correct proof carry. Answers
 * what the off-chain row takes from it: ProofMarket's id and the on-chain deadline (the one that counts).
 */
export async function chainEscrowOf(deps: Pick<MarketDeps, 'db' | 'config' | 'chain'>, q: ChainEscrowQuery): Promise<{ terms: ChainTerms; deadline: Date }> {
  if (q.subscription || q.reauction) throw invalid('chain_terms_unsupported', 'on a chain a request is escrowed at its max price: subscriptions and re-auction are off-chain only');
  const id = chainRequestId(q.requestId);
  const row = await getChainRequest(deps.db, id);
  const seen = deps.chain?.health().indexed_block ?? null;
  if (!row) {
    throw conflict('chain_escrow_missing', `ProofMarket ${deps.config.chain!.proofMarket} has no request ${id} for "${q.requestId}" (indexed up to block ${seen ?? 'none'}): send createRequest first, then submit once the coordinator has indexed its block`);
  }
  const want: Array<[string, string, string]> = [
    ['status', row.status, 'open'],
    ['requester', row.requester, q.requester.toLowerCase()],
    ['program id', row.program_id, `0x${q.programId}`.toLowerCase()],
    ['max price', row.max_price, q.maxPrice.toString()],
    ['min stake', row.min_stake, q.minStake.toString()],
    ['commitment (keccak256 of the expected public signals)', row.commitment, signalsCommitment(q.expectedSignals).toLowerCase()],
  ];
  const wrong = want.filter(([, chain, here]) => chain !== here);
  if (wrong.length > 0) {
    throw conflict('chain_escrow_mismatch', `ProofMarket's request ${id} is not this request: ${wrong.map(([what, chain, here]) => `${what} is ${chain} on chain, ${here} here`).join('; ')}`);
  }
  return { terms: { request_id: id }, deadline: row.deadline };
}
