// The chain a coordinator settles on (serve --chain-rpc): where its contracts are, how far its indexer has read,
// and the latest settlements the indexer mirrored (src/store/chain.ts), each with its transaction.
import { Type, type Static } from '@sinclair/typebox';
import { Money, Nullable, StringEnum, Timestamp } from './common.ts';
import { ChainHealth } from './system.ts';

const Address = () => Type.String({ pattern: '^0x[0-9a-f]{40}$' });
const TxHash = () => Type.String({ pattern: '^0x[0-9a-f]{64}$' });

export const ChainQuery = Type.Object(
  { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$', description: 'Settlements to list, newest first: 1 to 100 (default 20)' })) },
  { additionalProperties: false },
);
export type ChainQuery = Static<typeof ChainQuery>;

export const CHAIN_REQUEST_STATUSES = ['open', 'locked', 'fulfilled', 'refunded', 'cancelled'] as const;

/** A request the contract settled: paid the prover (fulfilled), or gave the escrow back (refunded, cancelled). */
export const ChainSettlement = Type.Object({
  request_id: Type.String(),
  status: StringEnum(['fulfilled', 'refunded', 'cancelled']),
  requester: Address(),
  prover: Nullable(Address()),
  /** The locked price (null when never locked), and the escrowed maximum (wei). */
  price: Nullable(Money()),
  max_price: Money(),
  created_tx: TxHash(),
  settled_tx: TxHash(),
  /** When the indexer applied the settling log. */
  at: Timestamp(),
});
export type ChainSettlement = Static<typeof ChainSettlement>;

/** `GET /v1/chain`: 404 chain_not_configured on a coordinator that does not settle on a chain. */
export const ChainOverview = Type.Object({
  /** null until the RPC has answered once. */
  chain_id: Nullable(Type.Integer()),
  contracts: Type.Object({ proof_market: Address(), job_escrow: Nullable(Address()) }),
  indexer: ChainHealth,
  /** The indexer's cursor: the last log applied (block, log index) and the block every log up to is applied. */
  cursor: Nullable(Type.Object({ source: Type.String(), block: Type.String(), log_index: Type.Integer(), scanned_block: Type.String(), scanned_hash: Nullable(Type.String()) })),
  /** The contract's requests as mirrored, by status. */
  requests: Type.Record(Type.String(), Type.Integer()),
  settlements: Type.Array(ChainSettlement),
});
export type ChainOverview = Static<typeof ChainOverview>;
