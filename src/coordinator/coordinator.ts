import type { FastifyInstance } from 'fastify';
import { ChainIndexer } from '../chain/indexer.ts';
import { ChainMatchmaker } from '../chain/matchmaker.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import { Verifier } from '../proofs/verifier.ts';
import { loadBackends } from '../proofs/backends/registry.ts';
import { openDb, type Db } from '../store/db.ts';
import { migrate } from '../store/migrate.ts';
import { DEFAULT_CONFIG, type CoordinatorConfig } from './config.ts';
import { Market } from './market.ts';
import { createMetrics } from './metrics.ts';
import { buildApp } from './server.ts';
import { EventStream, type EventStreamOptions } from './events/stream.ts';
import { openArtifactStore } from '../artifacts/open.ts';

export interface Coordinator {
  app: FastifyInstance;
  market: Market;
  db: Db;
  /** The base URL it listens on, once `listen` was asked for. */
  url?: string;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  /** Bind a socket (default true). Tests of routes use `app.inject` without one. */
  listen?: boolean;
  /** Run the sweep on a timer (default true). Tests with a manual clock call `market.sweep()` themselves. */
  scheduler?: boolean;
  /** Use an already open database (tests that share one). */
  db?: Db;
  /** GET /v1/events: heartbeat, slow-client limit, … (defaults in events/stream.ts). */
  events?: Partial<EventStreamOptions>;
}

/** Opens the store, migrates it, installs the built-in programs and serves the API. */
export async function startCoordinator(partial: Partial<CoordinatorConfig> = {}, opts: StartOptions = {}): Promise<Coordinator> {
  const config: CoordinatorConfig = { ...DEFAULT_CONFIG, ...partial };
  const clock = opts.clock ?? systemClock;
  const db = opts.db ?? (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  // one registry of proof systems for the verifier and the market (the shipped definitions plus any files given)
  const verifier = new Verifier({ threads: config.verifierThreads, backends: loadBackends({ files: config.backendFiles }), batching: { delayMs: config.verifyBatchDelayMs } });
  const artifacts = await openArtifactStore({ artifacts: config.artifacts, dataDir: config.dataDir, maxBytes: config.artifactMaxBytes, s3Credentials: config.s3Credentials });
  let app: FastifyInstance | undefined;
  let loops: Loops | undefined;
  let events: EventStream | undefined;
  let indexer: ChainIndexer | undefined;
  let matchmaker: ChainMatchmaker | undefined;
  try {
    await migrate(db);
    const market = new Market(db, clock, verifier, config, createMetrics(db), artifacts);
    await market.init();
    indexer = market.chain = startIndexer(db, config.chain);
    matchmaker = market.matchmaker = startMatchmaker(db, config.chain, opts.scheduler !== false, (err, id) => app?.log.warn({ err }, `lock of ${id} refused`));
    events = new EventStream(db, opts.events, (err) => app?.log.error({ err }, 'event stream failed'));
    await events.start();
    const stream = events;
    market.work.attach((onEvents) => stream.watch(onEvents));
    app = await buildApp(market, { bodyLimit: config.bodyLimit, logLevel: config.logLevel, events });
    let url: string | undefined;
    if (opts.listen !== false) {
      await app.listen({ host: config.host, port: config.port });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    }
    if (opts.scheduler !== false) loops = startLoops(market, db, config, (err, what) => app?.log.error({ err }, `${what} failed`));
    const theApp = app;
    const theEvents = events;
    return {
      app: theApp,
      market,
      db,
      url,
      async close() {
        const stopping = loops?.stop();
        market.work.close(); // answers the waiting long-polls
        await matchmaker?.stop();
        await indexer?.stop();
        await theEvents.stop(); // ends the open streams, which would keep the server from closing
        await theApp.close();
        await stopping;
        await verifier.close();
        await artifacts.close();
        if (!opts.db) await db.close();
      },
    };
  } catch (err) {
    await loops?.stop();
    await matchmaker?.stop();
    await indexer?.stop();
    await events?.stop();
    await app?.close().catch(() => undefined);
    await verifier.close();
    await artifacts.close();
    if (!opts.db) await db.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The scheduler's two loops: the sweep (then the store's upkeep) every `sweepIntervalMs`, the auction tick every
 * `auctionTickMs`; a run never overlaps the previous one.
 */
function startLoops(market: Market, db: Db, config: CoordinatorConfig, onError: (err: unknown, what: string) => void): Loops {
  const timers: NodeJS.Timeout[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const every = (ms: number, what: string, run: () => Promise<unknown>) => {
    let running = false;
    const t = setInterval(() => {
      if (running) return;
      running = true;
      const p = run()
        .catch((err: unknown) => onError(err, what))
        .finally(() => {
          running = false;
          inFlight.delete(p);
        });
      inFlight.add(p);
    }, ms);
    t.unref();
    timers.push(t);
  };
  every(config.sweepIntervalMs, 'sweep', () => market.sweep().then(() => db.maintain()));
  every(config.auctionTickMs, 'auction tick', () => market.tick());
  return {
    // A run under way finishes before the store closes: closing under it failed it ("Cannot use a pool after
    // calling end") and logged that at every shutdown.
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all(inFlight);
    },
  };
}

interface Loops {
  /** Stops the loops and waits for a run under way. */
  stop(): Promise<void>;
}

/** With --chain-rpc: the indexer that mirrors the contracts into the ledger, running. */
function startIndexer(db: Db, c: CoordinatorConfig['chain']): ChainIndexer | undefined {
  if (!c) return undefined;
  const indexer = new ChainIndexer({ db, rpcUrl: c.rpcUrl, proofMarket: c.proofMarket, jobEscrow: c.jobEscrow, startBlock: c.startBlock, confirmations: c.confirmations, pollMs: c.pollMs });
  indexer.start();
  return indexer;
}

/** With --matchmaker-key: the loop that locks assigned requests on ProofMarket (on a timer unless `run` is false). */
function startMatchmaker(db: Db, c: CoordinatorConfig['chain'], run: boolean, onError: (err: unknown, requestId: string) => void): ChainMatchmaker | undefined {
  if (!c?.matchmakerKey) return undefined;
  const m = new ChainMatchmaker({ db, rpcUrl: c.rpcUrl, proofMarket: c.proofMarket, privateKey: c.matchmakerKey, pollMs: Math.min(c.pollMs, 200), onError });
  if (run) m.start();
  return m;
}
