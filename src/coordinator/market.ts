import { registerBuiltinModels } from './usecases/register-builtin-models.ts';
import type { ChainIndexer } from '../chain/indexer.ts';
import type { ChainMatchmaker } from '../chain/matchmaker.ts';
import type { ArtifactStore } from '../artifacts/store.ts';
import type { Clock } from '../domain/clock.ts';
import type { KernelConfig } from '../domain/kernel/transitions.ts';
import type { BackendRegistry } from '../proofs/backends/registry.ts';
import type { Verifier } from '../proofs/verifier.ts';
import type { Db } from '../store/db.ts';
import { Access } from './access.ts';
import { AuctionHouse } from './auction-house.ts';
import type { CoordinatorConfig } from './config.ts';
import { Economy } from './economy.ts';
import { HandedOut } from './handed-out.ts';
import type { Metrics } from './metrics.ts';
import { ProgramCatalog } from './program-catalog.ts';
import { ReputationTracker } from './reputation.ts';
import type { MarketDeps } from './usecases/deps.ts';
import { WorkSignal } from './work-signal.ts';
import { advertisedImageAvailability, offChainFunding, type JobServices } from './jobs/seams.ts';
import { sweep, type SweepReturnType } from './usecases/sweep.ts';

export type { Caller } from './access.ts';
export { OPEN_FAUCET_GRANT } from './usecases/support.ts';

/** Priority names and the 0..100 values they stand for: the API contract's (src/api/requests.ts). */
export { PRIORITIES } from '../api/requests.ts';

/**
 * The composition root of the market: builds the parts the use cases (src/coordinator/usecases, one per
 * file) work with, and runs the scheduler's two loops. The routes pass it to the use cases as their deps.
 */
export class Market implements MarketDeps {
  readonly kernel: KernelConfig;
  readonly backends: BackendRegistry;
  readonly programs: ProgramCatalog;
  readonly access: Access;
  readonly reputation: ReputationTracker;
  readonly handedOut = new HandedOut();
  /** Wakes long-polling provers when work may exist for them (attached to the event stream at start). */
  readonly work = new WorkSignal();
  readonly economy: Economy;
  readonly auctions: AuctionHouse;
  /** The container jobs' seams: funding checked off chain (the ledger) and images from the providers' adverts. */
  readonly jobs: JobServices = { funding: offChainFunding, images: advertisedImageAvailability };
  /** Set by startCoordinator with --chain-rpc. */
  chain?: ChainIndexer;
  /** Set by startCoordinator with --chain-rpc and --matchmaker-key: sends `lock` on assignment. */
  matchmaker?: ChainMatchmaker;

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly verifier: Verifier,
    readonly config: CoordinatorConfig,
    readonly metrics: Metrics,
    readonly artifacts: ArtifactStore,
  ) {
    this.kernel = { economics: config.economics, maxAttempts: config.maxAttempts, proofTimeoutMs: config.proofTimeoutMs };
    this.backends = verifier.backends;
    this.programs = new ProgramCatalog(db, clock, config);
    this.access = new Access(db, config);
    this.reputation = new ReputationTracker(config.proofTimeoutMs);
    this.economy = new Economy(db, clock, config.economics);
    this.auctions = new AuctionHouse(db, clock, config, this.kernel, this.economy, this.reputation);
  }

  /** Registers the shipped programs and models (idempotent) and checks every privacy level has a program. */
  async init(): Promise<void> {
    await this.programs.init();
    await registerBuiltinModels(this, this.clock.now());
  }

  /**
   * The market's scheduler pass, run every `auctionTickMs`: refresh stale reputations, then let the auction
   * house close, assign, re-auction and open rounds.
   */
  async tick(): Promise<void> {
    await this.reputation.refresh(this.db, this.clock.now());
    await this.auctions.tick();
  }

  /** The sweep (timeouts, deadlines, unstakes), run every second; see `usecases/sweep.ts`. */
  sweep(): Promise<SweepReturnType> {
    return sweep(this);
  }
}
