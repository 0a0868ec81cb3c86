import { verdictReached, type Verdict } from '../../domain/kernel/transitions.ts';
import { applyPlan } from '../../store/plans.ts';
import { applyLocked, verdictContext } from '../transitions.ts';
import type { Caller, MarketDeps } from './deps.ts';
import { heldBy } from './held-request.ts';
import { recordAudit } from './record-audit.ts';

export interface SubmitResultParameters {
  task_id: string;
  prover_id: string;
  proof: number[];
}
export interface SubmitResultReturnType {
  accepted: boolean;
  verification_result: 'Pass' | 'Fail';
  quality_score: number;
  reason?: string;
}
export type SubmitResultErrorCode = 'task_not_found' | 'task_completed' | 'task_failed' | 'not_assigned' | 'task_changed' | 'not_prover_agent' | 'signature_missing';

/**
 * Verifies a submitted proof and settles the request by the kernel's `verdictReached`. Verification runs
 * outside any transaction (milliseconds of CPU on a worker thread). The plan is then applied optimistically,
 * against the request as read before verifying; if it changed meanwhile (it timed out, was swept, got another
 * result), it is re-read under lock and settled from what is there now, so a late result for a request that
 * timed out is refused with the same errors as before verifying.
 */
export async function submitResult(deps: MarketDeps, input: SubmitResultParameters, caller: Caller): Promise<SubmitResultReturnType> {
  await deps.access.authorizeProver(caller, input.prover_id);
  const handed = deps.handedOut.take(input.task_id);
  const seen = handed?.assigned_prover === input.prover_id ? handed : await heldBy(deps.db, input.task_id, input.prover_id);
  const program = await deps.programs.get(seen.program_id);
  const proof = Uint8Array.from(input.proof);
  const verdict = await deps.verifier.verify(proof, {
    system: program.proof_system,
    vkey: program.vkey,
    expectedPublicSignals: seen.expected_public_signals,
    // external verifiers may need more of the program than its vkey (e.g. a zkVM's ELF)
    artifact: (kind) => deps.programs.artifact(program.program_id, kind),
  });
  deps.metrics.verification.observe({ result: verdict.pass ? 'Pass' : 'Fail' }, verdict.ms / 1000);
  const now = deps.clock.now();
  const v: Verdict = { prover_id: input.prover_id, proof, pass: verdict.pass, reason: verdict.reason, verify_ms: verdict.ms, expected_ms: await deps.reputation.expectedProofMs(deps.db, input.prover_id) };
  const plan = await deps.db.transaction(async (tx) => {
    const optimistic = verdictReached(seen, v, await verdictContext(tx, seen), deps.kernel, now);
    if (await applyPlan(tx, optimistic)) return optimistic;
    const task = await heldBy(tx, input.task_id, input.prover_id);
    const locked = verdictReached(task, v, await verdictContext(tx, task), deps.kernel, now);
    await applyLocked(tx, locked);
    return locked;
  });
  deps.reputation.markStale(input.prover_id);
  if (seen.mechanism === 'rising' && verdict.pass) await deps.auctions.closeOnDelivery(seen.task_id, now);
  deps.metrics.results.inc({ result: verdict.pass ? 'Pass' : 'Fail' });
  const { quality_score } = plan.proof!;
  // The audit record is written once the settlement is committed; failing to write it does not undo the settlement.
  if (plan.next.status === 'completed') {
    await recordAudit(deps, input.task_id, proof, { verified_at: now, verify_ms: verdict.ms, quality_score }).catch((err: unknown) => {
      console.error(`proofmarket: the audit record of ${input.task_id} was not written: ${(err as Error).message}`);
    });
  }
  return verdict.pass ? { accepted: true, verification_result: 'Pass', quality_score } : { accepted: false, verification_result: 'Fail', quality_score: 0, reason: verdict.reason };
}
