import type { ChainIndexer } from '../../chain/indexer.ts';
import type { ArtifactStore } from '../../artifacts/store.ts';
import type { Clock } from '../../domain/clock.ts';
import type { KernelConfig } from '../../domain/kernel/transitions.ts';
import type { BackendRegistry } from '../../proofs/backends/registry.ts';
import type { Verifier } from '../../proofs/verifier.ts';
import type { Db } from '../../store/db.ts';
import type { Access } from '../access.ts';
import type { AuctionHouse } from '../auction-house.ts';
import type { CoordinatorConfig } from '../config.ts';
import type { Economy } from '../economy.ts';
import type { HandedOut } from '../handed-out.ts';
import type { Metrics } from '../metrics.ts';
import type { ProgramCatalog } from '../program-catalog.ts';
import type { ReputationTracker } from '../reputation.ts';
import type { WorkSignal } from '../work-signal.ts';

/**
 * What the use cases work with, built once by the composition root (`Market`, src/coordinator/market.ts).
 * Each use case takes the parts it needs; tests may build their own.
 */
export interface MarketDeps {
  db: Db;
  clock: Clock;
  config: CoordinatorConfig;
  kernel: KernelConfig;
  verifier: Verifier;
  backends: BackendRegistry;
  metrics: Metrics;
  programs: ProgramCatalog;
  access: Access;
  reputation: ReputationTracker;
  handedOut: HandedOut;
  work: WorkSignal;
  economy: Economy;
  auctions: AuctionHouse;
  /** With --chain-rpc: the indexer mirroring the contracts into the ledger. */
  chain?: ChainIndexer;
  /** The content-addressed artifact store (src/artifacts): uploads, downloads, audit records. */
  artifacts: ArtifactStore;
}

export type { Caller } from '../access.ts';
