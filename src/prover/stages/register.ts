// Start-up: the GPU check, the proving speed (measured once per state dir), the registration (retried while
// the coordinator is unreachable) and the stake top-up. A coordinator that later forgets this node gets the
// same registration again: NodeContext.reregister.
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProofMarketError } from '../../sdk/client.ts';
import type { RegisterProverRequest } from '../../api/index.ts';
import { backoffMs } from '../backoff.ts';
import { advertisedLevels, type ProverConfig } from '../config.ts';
import type { NodeContext } from '../context.ts';
import { classifyError, errorMessage, ProverStartError } from '../errors.ts';
import type { GpuProbe } from '../gpu.ts';
import type { ProvingPool } from '../proving.ts';
import { advertisedSpeed, measureProofRate } from '../speed.ts';
import { saveNodeState, type NodeState } from '../state-dir.ts';

/** The proof systems this node proves (snarkjs, in worker threads). */
export const BACKENDS = ['groth16', 'plonk', 'fflonk'] as const;

/** What this node can prove: the snarkjs systems, every external backend whose prove command is installed here, and ezkl models when enabled (--ezkl). */
export function servedBackends(pool: ProvingPool): string[] {
  const registry = pool.backends;
  return [...BACKENDS, ...registry.list().filter((b) => b.kind === 'external' && registry.canProve(b.name)).map((b) => b.name), ...(pool.ezkl !== 'off' ? ['ezkl'] : [])];
}

/** Throws a ProverStartError when gpu_enabled is set but there is no GPU. */
export function checkGpu(config: ProverConfig, gpu: GpuProbe): void {
  if (config.gpu_enabled && !gpu.detect()) {
    throw new ProverStartError('no_gpu', 'gpu_enabled is set but no usable GPU was found (no /dev/nvidia0, no nvidia-smi); set gpu_enabled to false to prove on the CPU');
  }
}

/**
 * Sets the node's per-worker rate and advertised speed: the state dir's, else (when `measure`) measured
 * now and saved, so a restarted node advertises the same speed.
 */
export async function learnSpeed(ctx: NodeContext, state: NodeState, measure: boolean): Promise<void> {
  const c = ctx.config;
  let rate = state.proof_rate_per_worker;
  if (rate === undefined && measure) {
    const measured = await measureProofRate(ctx.pool!).catch((err: unknown) => {
      ctx.emitError(err);
      return null;
    });
    if (measured) {
      rate = measured.rate;
      saveNodeState(c.state_dir, { ...state, proof_rate_per_worker: rate, benchmark: measured.benchmark });
    }
  }
  ctx.ratePerWorker = rate;
  ctx.provingSpeed = rate === undefined ? undefined : advertisedSpeed(rate, c.max_concurrent_proofs, availableParallelism());
}

/** The registration body, from the config and what start-up learned. */
export function registrationOf(ctx: NodeContext): RegisterProverRequest {
  const c = ctx.config;
  return {
    prover_id: ctx.nodeId!,
    supported_levels: advertisedLevels(c),
    capacity: c.max_concurrent_proofs,
    backends: ctx.backends,
    gpu_enabled: c.gpu_enabled,
    ...(ctx.provingSpeed !== undefined ? { proving_speed: ctx.provingSpeed } : {}),
    ...(c.reward_address !== undefined ? { reward_address: c.reward_address } : {}),
    ...(c.name !== undefined ? { name: c.name } : {}),
    // The market's defaults ("0", per_proof) are left out, so a seed coordinator still accepts the body.
    ...(c.base_price !== '0' ? { base_price: c.base_price } : {}),
    ...(c.price_type !== 'per_proof' ? { price_type: c.price_type } : {}),
  };
}

/** Registers, retrying with backoff while the coordinator is unreachable; a refusal is a ProverStartError. */
export async function registerAtStart(ctx: NodeContext): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (ctx.stopping) throw new ProverStartError('stopped', 'the node was stopped while starting');
    try {
      await ctx.client.registerProver(ctx.registration!);
      ctx.connected();
      ctx.events.emit('registered', { nodeId: ctx.nodeId!, provingSpeed: ctx.provingSpeed, again: false });
      return;
    } catch (err) {
      if (err instanceof ProofMarketError && err.code === 'duplicate_prover_id') {
        throw new ProverStartError(
          'duplicate_node_id',
          `node id "${ctx.nodeId}" is already registered at the coordinator with other settings; use another --node-id (or a fresh --state-dir) for a node with new settings`,
        );
      }
      const c = classifyError(err);
      if (c.kind !== 'retry' || c.retry !== 'transient') {
        throw new ProverStartError('registration_refused', `the coordinator refused the registration: ${errorMessage(err)}`);
      }
      if (c.connection) ctx.disconnected(err);
      const delayMs = backoffMs(attempt, ctx.backoff, ctx.random());
      ctx.noteRetry(undefined, 'register', attempt + 1, delayMs, err);
      await sleep(delayMs, undefined, { signal: ctx.stopSignal }).catch(() => undefined);
    }
  }
}

/**
 * Tops the prover's stake up to `config.stake` from its owner's balance (possible when the node's key is
 * the owner; a node running with a submitter key relies on its owner staking).
 */
export async function keepStaked(ctx: NodeContext): Promise<void> {
  const target = BigInt(ctx.config.stake);
  if (target === 0n) return;
  const s = await ctx.client.stakeOf(ctx.nodeId!);
  const have = BigInt(s.stake) + BigInt(s.locked) + BigInt(s.unstaking);
  if (have >= target) return;
  try {
    await ctx.client.stake(ctx.nodeId!, (target - have).toString());
  } catch (err) {
    const hint = ctx.signer ? ` (fund ${ctx.signer.address} first: proofmarket deposit)` : '';
    throw new ProverStartError('stake_failed', `cannot stake ${target - have} for prover "${ctx.nodeId}": ${errorMessage(err)}${hint}`);
  }
}
