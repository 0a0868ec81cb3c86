// The system routes: liveness and readiness.
import { Type, type Static } from '@sinclair/typebox';

/** With --chain-rpc: the chain indexer's state (src/chain/indexer.ts); `status` is then `degraded` unless it is ok. */
export const ChainHealth = Type.Object({
  status: Type.Union([Type.Literal('starting'), Type.Literal('ok'), Type.Literal('lagging'), Type.Literal('unreachable'), Type.Literal('diverged')]),
  rpc_url: Type.String(),
  confirmations: Type.Integer(),
  head_block: Type.Union([Type.String(), Type.Null()]),
  indexed_block: Type.Union([Type.String(), Type.Null()]),
  lag_blocks: Type.Union([Type.String(), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()]),
  failures: Type.Integer(),
});
export const Health = Type.Object({ status: Type.String(), store: Type.String(), verifier_threads: Type.Integer(), chain: Type.Optional(ChainHealth) });
export type Health = Static<typeof Health>;
