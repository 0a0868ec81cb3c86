import { availableParallelism } from 'node:os';
import type { ProofSystem } from '../store/programs.ts';

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
  privacyRoutes: PrivacyRoute[];
  /** Request body limit in bytes for ordinary routes (program uploads get more). */
  bodyLimit: number;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
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
  verifierThreads: availableParallelism(),
  privacyRoutes: [{ from: 1, to: 255, program: 'data-commitment', system: 'groth16' }],
  bodyLimit: 1 << 20,
  logLevel: 'info',
};
