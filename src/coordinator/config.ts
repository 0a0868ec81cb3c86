import { availableParallelism } from 'node:os';
import type { ProofSystem } from '../store/programs.ts';
import { invalid } from '../domain/errors.ts';
import { DEFAULT_ECONOMICS, type EconomicsConfig } from '../domain/ledger.ts';
import { DEFAULT_AUTH_WINDOW_MS } from '../domain/auth.ts';

/** Which built-in program and proof system serve the tasks of a range of privacy levels. */
export interface PrivacyRoute {
  from: number;
  to: number;
  program: string;
  system: ProofSystem;
}

export interface CoordinatorConfig {
  host: string;
  port: number;
  /** PGlite's data directory (the embedded default). */
  dataDir: string;
  /** A postgres:// URL selects the PostgreSQL server instead. */
  databaseUrl?: string;
  heartbeatTimeoutMs: number;
  /** How long a prover may hold a task (assigned or in progress) before it goes back to pending. */
  proofTimeoutMs: number;
  /** Failed verifications after which a task is `failed`. */
  maxAttempts: number;
  /** How long a seed task (which names no deadline) may stay unfinished. */
  taskDeadlineMs: number;
  sweepIntervalMs: number;
  verifierThreads: number;
  /** Groth16 proofs of one program arriving within this many ms are verified as one batch (0: each alone). */
  verifyBatchDelayMs: number;
  privacyRoutes: PrivacyRoute[];
  /** Request body limit in bytes for ordinary routes (program uploads get more). */
  bodyLimit: number;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** How often the scheduler closes due auction rounds and refreshes reputations. */
  auctionTickMs: number;
  /** Extra external-backend definition files (JSON), besides the shipped ones. */
  backendFiles: string[];
  /**
   * The market operator's address (lower case): its signed calls alone may seed a reputation, suspend or
   * reinstate a prover, and reverse a slash.
   */
  operatorAddress?: string;
  /** Fees, stake rules, slashing and unstaking (src/domain/ledger.ts). */
  economics: EconomicsConfig;
  /**
   * `--open`: mutating calls need no signature (the seed API's behaviour); signed calls are still verified.
   * Refused by `serve` unless `host` is loopback.
   */
  open: boolean;
  /** How far a signed call's `x-pm-timestamp` may be from the coordinator's clock, either way. */
  authWindowMs: number;
  /**
   * Calls per client address (IP) per window, answered 429 `rate_limited` beyond it, so that one flooding
   * client cannot starve the others. Loopback clients are exempt unless `limitLoopback` (the demo and local
   * prover nodes run there); `max: 0` turns the limit off.
   */
  rateLimit: { max: number; windowMs: number; limitLoopback: boolean };
  /**
   * `serve --chain-rpc`: balances and stakes are the contracts', mirrored by the chain indexer
   * (src/chain/indexer.ts); the off-chain money routes refuse with 409 chain_mode.
   */
  chain?: ChainConfig;
  /** `--artifacts`: a directory or `s3://bucket?endpoint=…`; default `<dataDir>/artifacts` (src/artifacts/open.ts). */
  artifacts?: string;
  /** The largest artifact accepted (uploads stop there, mid-stream). */
  artifactMaxBytes: number;
  /** S3 credentials given in code (tests); a served coordinator takes them from the AWS SDK's environment. */
  s3Credentials?: { accessKeyId: string; secretAccessKey: string };
}

export interface ChainConfig {
  rpcUrl: string;
  proofMarket: `0x${string}`;
  jobEscrow?: `0x${string}`;
  /** Blocks a log must be under before the coordinator applies it. */
  confirmations: number;
  /** Where the indexer starts (the market's deployment block). */
  startBlock: bigint;
  /** How often the indexer polls the RPC. */
  pollMs: number;
  /** The matchmaker's private key (serve --matchmaker-key): locks assigned requests on chain. None: no locks sent. */
  matchmakerKey?: `0x${string}`;
}

export const DEFAULT_CONFIG: CoordinatorConfig = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: './.proofmarket/db',
  heartbeatTimeoutMs: 30_000,
  proofTimeoutMs: 300_000,
  maxAttempts: 3,
  taskDeadlineMs: 3_600_000,
  sweepIntervalMs: 1_000,
  // One core is left to the event loop (HTTP, and PGlite's SQL, which runs on it): on 2 cores the market
  // completes ~24% more tasks per second with 1 verifier thread than with 2 (npm run bench -- lifecycle).
  verifierThreads: Math.max(1, availableParallelism() - 1),
  verifyBatchDelayMs: 2,
  privacyRoutes: [{ from: 1, to: 255, program: 'data-commitment', system: 'groth16' }],
  bodyLimit: 1 << 20,
  logLevel: 'info',
  auctionTickMs: 100,
  backendFiles: [],
  economics: DEFAULT_ECONOMICS,
  open: false,
  authWindowMs: DEFAULT_AUTH_WINDOW_MS,
  rateLimit: { max: 3_000, windowMs: 10_000, limitLoopback: false },
  artifactMaxBytes: 1 << 30,
};

/**
 * Parses `--privacy-routes`: comma-separated `FROM-TO:program/system` (or `LEVEL:program/system`), e.g.
 * `1-100:data-commitment/groth16,101-255:data-commitment/plonk`. Every level 1-255 must be covered once.
 */
export function parsePrivacyRoutes(text: string): PrivacyRoute[] {
  const routes: PrivacyRoute[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d{1,3})(?:-(\d{1,3}))?:([a-z0-9][a-z0-9_-]*)\/(groth16|plonk|fflonk)$/.exec(part);
    if (!m) throw invalid('invalid_privacy_routes', `"${part}" is not FROM-TO:program/system (e.g. 1-255:data-commitment/groth16)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > 255 || from > to) throw invalid('invalid_privacy_routes', `"${part}": levels must be within 1-255, low to high`);
    routes.push({ from, to, program: m[3]!, system: m[4] as ProofSystem });
  }
  const covered = new Array<number>(256).fill(0);
  for (const r of routes) for (let l = r.from; l <= r.to; l++) covered[l]!++;
  const gap = covered.findIndex((n, l) => l >= 1 && n !== 1);
  if (gap !== -1) throw invalid('invalid_privacy_routes', `privacy level ${gap} is ${covered[gap] === 0 ? 'not covered' : 'covered twice'}`);
  return routes;
}
