import { ConnectionError, ProofMarketError } from '../sdk/client.ts';
import type { RetryClass } from './task-state.ts';

/** A downloaded or cached artifact does not hash to its program id: it is never used. */
export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/** Proving failed in the worker thread (snarkjs threw, the worker crashed or ran past the proof timeout). */
export class ProveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProveError';
  }
}

/** The node cannot start (no GPU although gpu_enabled, the coordinator refused the registration, …). */
export class ProverStartError extends Error {
  constructor(
    readonly code: 'no_gpu' | 'duplicate_node_id' | 'registration_refused' | 'stake_failed' | 'stopped',
    message: string,
  ) {
    super(message);
    this.name = 'ProverStartError';
  }
}

/** Codes with which the coordinator says this node no longer holds the task. */
const LOST_CODES = new Set(['task_not_found', 'not_assigned', 'task_completed', 'task_failed']);

export type ErrorClass =
  | { kind: 'retry'; retry: RetryClass; reregister: boolean; connection: boolean }
  | { kind: 'lost'; code: string; reason: string };

/**
 * What a failed call or stage means for the node. Pure (it only looks at the error), so the policy is
 * unit-tested: connection trouble and 5xx are transient; `prover_not_found` means the coordinator forgot
 * this node (a fresh database) and it must register again; the task codes mean the task is gone.
 */
export function classifyError(err: unknown): ErrorClass {
  const retry = (r: RetryClass, extra: { reregister?: boolean; connection?: boolean } = {}): ErrorClass => ({
    kind: 'retry',
    retry: r,
    reregister: extra.reregister ?? false,
    connection: extra.connection ?? false,
  });
  if (err instanceof ConnectionError) return retry('transient', { connection: true });
  if (err instanceof ProofMarketError) {
    if (err.code === 'prover_not_found') return retry('transient', { reregister: true });
    if (LOST_CODES.has(err.code)) return { kind: 'lost', code: err.code, reason: err.message };
    if (err.status >= 500 || err.status === 429 || err.status === 408) return retry('transient');
    return retry('never');
  }
  if (err instanceof ArtifactError) return retry('never');
  return retry('limited');
}

export function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 300);
}
