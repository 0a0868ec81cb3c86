/**
 * The chain indexer: follows ProofMarket's (and JobEscrow's) logs `confirmations` blocks behind the head, and
 * applies each log exactly once to the store (src/store/chain.ts): in one transaction the cursor moves past
 * the log (or, when it already had, nothing is written), the mirror's ledger movement is applied
 * (src/domain/chain-mirror.ts), the request or job row is updated and the caller's hook runs. A restart
 * resumes after the cursor; an RPC that stops answering is retried with a backoff while `health()` says
 * `unreachable`; a chain whose block at the cursor has another hash than when it was read (a reorg deeper than
 * the confirmations, or a chain reset) stops the indexer with `diverged` rather than credit anything twice.
 */
import { parseEventLogs, type Hex, type Log } from 'viem';
import { JobEscrow } from '../../contracts/artifacts/JobEscrow.ts';
import { ProofMarket } from '../../contracts/artifacts/ProofMarket.ts';
import { mirrorMovement, type ChainEvent } from '../domain/chain-mirror.ts';
import type { Db, Queryable } from '../store/db.ts';
import { applyMovement } from '../store/ledger.ts';
import * as store from '../store/chain.ts';
import { publicClientFor } from './client.ts';

export interface IndexerOptions {
  db: Db;
  rpcUrl: string;
  proofMarket: Hex;
  jobEscrow?: Hex;
  /** The block the market was deployed in (the deployment file's start_block). */
  startBlock?: bigint;
  /** Blocks a log must be under before it is applied (0: as soon as it is mined). */
  confirmations?: number;
  pollMs?: number;
  /** Blocks per eth_getLogs call. */
  batchBlocks?: number;
  /** More unapplied confirmed blocks than this and health says `lagging`. */
  maxLagBlocks?: number;
  now?: () => Date;
  /** Runs inside the transaction that applies `event` (serve --chain-rpc opens requests here). */
  onEvent?: (tx: Queryable, event: ChainEvent) => Promise<void>;
}

export type IndexerStatus = 'starting' | 'ok' | 'lagging' | 'unreachable' | 'diverged';

export interface IndexerHealth {
  status: IndexerStatus;
  rpc_url: string;
  confirmations: number;
  /** The chain's head, as last seen. */
  head_block: string | null;
  /** Every log up to this block is applied. */
  indexed_block: string | null;
  lag_blocks: string | null;
  last_error: string | null;
  /** Failures in a row since the last success. */
  failures: number;
}

export class ChainDivergedError extends Error {}

export class ChainIndexer {
  readonly source: string;
  private readonly client;
  private readonly o: Required<Omit<IndexerOptions, 'jobEscrow' | 'onEvent'>> & Pick<IndexerOptions, 'jobEscrow' | 'onEvent'>;
  private treasury: string | undefined;
  private state: IndexerHealth;
  private chainIdSeen: number | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(opts: IndexerOptions) {
    this.o = { startBlock: 0n, confirmations: 0, pollMs: 1_000, batchBlocks: 2_000, maxLagBlocks: 100, now: () => new Date(), ...opts };
    this.source = `proof_market:${opts.proofMarket.toLowerCase()}`;
    this.client = publicClientFor(opts.rpcUrl);
    this.state = { status: 'starting', rpc_url: opts.rpcUrl, confirmations: this.o.confirmations, head_block: null, indexed_block: null, lag_blocks: null, last_error: null, failures: 0 };
  }

  health(): IndexerHealth {
    return { ...this.state };
  }

  /** The contracts it follows (lower case). */
  contracts(): { proofMarket: string; jobEscrow: string | null } {
    return { proofMarket: this.o.proofMarket.toLowerCase(), jobEscrow: this.o.jobEscrow?.toLowerCase() ?? null };
  }

  /** The chain's id as the RPC gives it (asked once), or null while the RPC does not answer. */
  async chainId(): Promise<number | null> {
    this.chainIdSeen ??= await this.client.getChainId().catch(() => undefined);
    return this.chainIdSeen ?? null;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Resolves once every log up to `block` is applied (the tests' and the CLI's way to wait for the mirror). */
  async waitForBlock(block: bigint, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (BigInt(this.state.indexed_block ?? -1) < block) {
      if (Date.now() > until) throw new Error(`the indexer did not reach block ${block} within ${timeoutMs} ms (${JSON.stringify(this.state)})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.add(() => (clearTimeout(t), resolve()));
      });
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = this.o.pollMs;
      try {
        await this.syncOnce();
      } catch (err) {
        const diverged = err instanceof ChainDivergedError;
        this.state = { ...this.state, status: diverged ? 'diverged' : 'unreachable', last_error: (err as Error).message.split('\n')[0]!, failures: this.state.failures + 1 };
        delay = diverged ? 5_000 : Math.min(this.o.pollMs * 2 ** Math.min(this.state.failures, 6), 5_000);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => (clearTimeout(t), resolve());
      });
    }
  }

  /** One pass: reads the head and applies every confirmed log after the cursor. */
  async syncOnce(): Promise<void> {
    const head = await this.client.getBlockNumber({ cacheTime: 0 });
    const target = head - BigInt(this.o.confirmations);
    this.treasury ??= String(await this.client.readContract({ address: this.o.proofMarket, abi: ProofMarket.abi, functionName: 'treasury' })).toLowerCase();
    let cursor = await store.ensureCursor(this.o.db, this.source, this.o.startBlock, this.o.now());
    if (cursor.scannedHash !== null) {
      const block = await this.client.getBlock({ blockNumber: cursor.scannedBlock }).catch(() => undefined);
      if (block?.hash !== cursor.scannedHash) throw new ChainDivergedError(`block ${cursor.scannedBlock} is not the one indexed (${cursor.scannedHash}): the chain was reset or reorganised deeper than ${this.o.confirmations} confirmations`);
    }
    while (cursor.scannedBlock < target) {
      const from = cursor.scannedBlock + 1n;
      const to = from + BigInt(this.o.batchBlocks) - 1n < target ? from + BigInt(this.o.batchBlocks) - 1n : target;
      const events = await this.eventsIn(from, to);
      for (const e of events) {
        if (e.blockNumber < cursor.block || (e.blockNumber === cursor.block && e.logIndex <= cursor.logIndex)) continue;
        await this.o.db.transaction((tx) => this.apply(tx, e));
      }
      const block = await this.client.getBlock({ blockNumber: to });
      await store.markScanned(this.o.db, this.source, to, block.hash!, this.o.now());
      cursor = (await store.readCursor(this.o.db, this.source))!;
      this.progress(head, cursor.scannedBlock);
    }
    this.progress(head, cursor.scannedBlock);
  }

  private progress(head: bigint, indexed: bigint): void {
    const lag = head - BigInt(this.o.confirmations) - indexed;
    this.state = {
      ...this.state,
      status: lag > BigInt(this.o.maxLagBlocks) ? 'lagging' : 'ok',
      head_block: head.toString(),
      indexed_block: indexed.toString(),
      lag_blocks: (lag < 0n ? 0n : lag).toString(),
      last_error: null,
      failures: 0,
    };
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  private async eventsIn(from: bigint, to: bigint): Promise<ChainEvent[]> {
    const address = this.o.jobEscrow ? [this.o.proofMarket, this.o.jobEscrow] : [this.o.proofMarket];
    const logs = await this.client.getLogs({ address, fromBlock: from, toBlock: to });
    const of = (contract: Hex | undefined) => logs.filter((l: Log) => contract && l.address.toLowerCase() === contract.toLowerCase());
    const decoded: ChainEvent[] = [
      ...parseEventLogs({ abi: ProofMarket.abi, logs: of(this.o.proofMarket) }).map((l) => eventOf('proof_market', l)),
      ...parseEventLogs({ abi: JobEscrow.abi, logs: of(this.o.jobEscrow) }).map((l) => eventOf('job_escrow', l)),
    ];
    return decoded.sort((a, b) => (a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1));
  }

  /** Applies one log, exactly once: nothing at all when the cursor is already past it. */
  private async apply(tx: Queryable, e: ChainEvent): Promise<void> {
    const at = this.o.now();
    if (!(await store.claimLog(tx, this.source, e.blockNumber, e.logIndex, at))) return;
    const a = e.args;
    const requestId = typeof a.requestId === 'string' ? a.requestId.toLowerCase() : undefined;
    if (e.name === 'RequestFulfilled' || e.name === 'RequestCancelled' || e.name === 'RequestRefunded') {
      const request = await store.getChainRequest(tx, requestId!);
      e.args = { ...a, treasury: this.treasury, requester: a.requester ?? request?.requester };
    }
    const movement = mirrorMovement(e);
    if (movement) await applyMovement(tx, movement, at);
    await recordEvent(tx, e, at);
    await this.o.onEvent?.(tx, e);
  }
}

function eventOf(source: ChainEvent['source'], l: { eventName: string; args: unknown; blockNumber: bigint | null; logIndex: number | null; transactionHash: Hex | null }): ChainEvent {
  return { source, name: l.eventName, args: { ...(l.args as Record<string, unknown>) }, blockNumber: l.blockNumber!, logIndex: l.logIndex!, txHash: l.transactionHash! };
}

/** The request and job rows an event changes. */
async function recordEvent(tx: Queryable, e: ChainEvent, at: Date): Promise<void> {
  const a = e.args;
  const id = typeof a.requestId === 'string' ? a.requestId.toLowerCase() : '';
  const tx_ = e.txHash.toLowerCase();
  switch (e.name) {
    case 'RequestCreated':
      return store.insertChainRequest(tx, {
        request_id: id,
        requester: String(a.requester).toLowerCase(),
        program_id: String(a.programId).toLowerCase(),
        max_price: String(a.maxPrice),
        min_stake: String(a.minStake),
        deadline: new Date(Number(a.deadline) * 1000),
        commitment: String(a.commitment).toLowerCase(),
        created_tx: tx_,
      }, at);
    case 'RequestLocked':
      return store.updateChainRequest(tx, id, { status: 'locked', prover: String(a.prover).toLowerCase(), price: String(a.price) }, at);
    case 'RequestFulfilled':
      return store.updateChainRequest(tx, id, { status: 'fulfilled', settled_tx: tx_ }, at);
    case 'RequestCancelled':
      return store.updateChainRequest(tx, id, { status: 'cancelled', settled_tx: tx_ }, at);
    case 'RequestRefunded':
      return store.updateChainRequest(tx, id, { status: 'refunded', settled_tx: tx_ }, at);
    case 'JobDeposited':
    case 'JobReleased':
    case 'JobCancelled': {
      const status = e.name === 'JobDeposited' ? 'funded' : e.name === 'JobReleased' ? 'released' : 'cancelled';
      const depositor = String(a.depositor ?? '').toLowerCase();
      return store.upsertChainJob(tx, { job_key: String(a.jobKey).toLowerCase(), job_id: String(a.jobId), depositor, status }, at);
    }
  }
}
