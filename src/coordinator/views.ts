import type { AssignedTask, Program, Prover, TaskDetail, TaskHistoryEntry, TaskStatusResponse } from '../api/index.ts';
import { nPublicOf } from '../proofs/programs.ts';
import type { ProgramRecord } from '../store/programs.ts';
import type { ProverRecord } from '../store/provers.ts';
import type { ProofRecord, TaskEvent, TaskRecord } from '../store/tasks.ts';

/**
 * How records look on the wire: snake_case, RFC 3339 times, money as decimal strings. Each view is typed by
 * the API contract (src/api), so a view and its route's schema cannot drift apart.
 */
export function taskStatusView(t: TaskRecord, history: TaskEvent[]): Required<TaskStatusResponse> {
  return {
    task_id: t.task_id,
    status: t.status,
    assigned_prover: t.assigned_prover,
    created_at: t.created_at.toISOString(),
    updated_at: t.updated_at.toISOString(),
    attempts: t.attempts,
    deadline: t.deadline.toISOString(),
    program_id: t.program_id,
    history: history.map(historyEntryView),
  };
}

export function historyEntryView(e: TaskEvent): TaskHistoryEntry {
  return { at: e.at.toISOString(), from: e.from_status, to: e.to_status, cause: e.cause, prover_id: e.prover_id, detail: e.detail };
}

export function taskDetailView(t: TaskRecord, history: TaskEvent[], proofs: ProofRecord[]): TaskDetail {
  return {
    ...taskStatusView(t, history),
    privacy_level: t.privacy_level,
    reward_amount: t.reward_amount.toString(),
    requester: t.requester,
    priority: t.priority,
    proofs: proofs.map((p) => ({
      prover_id: p.prover_id,
      submitted_at: p.submitted_at.toISOString(),
      verification_result: p.verification_result,
      reason: p.reason,
      quality_score: p.quality_score,
      verify_ms: p.verify_ms,
    })),
  };
}

/**
 * The seed's assigned task. Its reward stays a bigint: the route's schema says integer, and the serializer
 * writes a bigint's digits, so the JSON number is exact whatever its size.
 */
export type AssignedTaskView = Omit<AssignedTask, 'reward_amount'> & { reward_amount: bigint };

export function assignedTaskView(t: TaskRecord, program: ProgramRecord, circuitInput: Record<string, unknown>): AssignedTaskView {
  return {
    task_id: t.task_id,
    privacy_level: t.privacy_level,
    circuit_data: Array.from(t.circuit_data),
    reward_amount: t.reward_amount,
    requester: t.requester,
    priority: t.priority,
    program_id: t.program_id,
    program_name: program.name,
    proof_system: program.proof_system,
    circuit_input: circuitInput,
    deadline: t.deadline.toISOString(),
    assigned_at: (t.assigned_at ?? t.updated_at).toISOString(),
  };
}

export function proverView(p: ProverRecord, activeTasks?: number): Prover {
  const r = p.registration;
  return {
    prover_id: p.prover_id,
    supported_levels: p.supported_levels,
    capacity: p.capacity,
    status: p.status,
    current_load: p.current_load,
    ...(activeTasks === undefined ? {} : { active_tasks: activeTasks }),
    registered_at: p.registered_at.toISOString(),
    last_heartbeat: p.last_heartbeat_at.toISOString(),
    ...(typeof r.name === 'string' ? { name: r.name } : {}),
    ...(Array.isArray(r.backends) ? { backends: r.backends as string[] } : {}),
    ...(typeof r.gpu_enabled === 'boolean' ? { gpu_enabled: r.gpu_enabled } : {}),
    ...(typeof r.proving_speed === 'number' ? { proving_speed: r.proving_speed } : {}),
    ...(typeof r.reward_address === 'string' ? { reward_address: r.reward_address } : {}),
  };
}

export function programView(p: ProgramRecord): Program {
  const base = `/programs/${p.program_id}/artifacts`;
  return {
    program_id: p.program_id,
    name: p.name,
    proof_system: p.proof_system,
    input_encoding: p.input_encoding,
    description: p.description,
    max_input_bytes: p.max_input_bytes,
    builtin: p.builtin,
    n_public: nPublicOf(p.vkey),
    artifacts: {
      wasm: { sha256: p.wasm_sha256, url: `${base}/wasm` },
      zkey: { sha256: p.zkey_sha256, url: `${base}/zkey` },
      vkey: { sha256: p.vkey_sha256, url: `${base}/vkey` },
    },
    created_at: p.created_at.toISOString(),
  };
}
