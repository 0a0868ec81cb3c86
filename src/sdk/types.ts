/** Wire types of the coordinator API (snake_case, money as decimal strings, RFC 3339 times). */

export type TaskStatus = 'pending' | 'assigned' | 'in_progress' | 'completed' | 'failed';
export type ProverStatus = 'active' | 'busy' | 'offline';
export type ProofSystem = 'groth16' | 'plonk' | 'fflonk';

export interface SubmitTaskRequest {
  task_id?: string;
  privacy_level: number;
  circuit_data: number[];
  /** Integer base units; a decimal string (or a safe integer). */
  reward_amount: string | number;
  requester: string;
  priority?: number;
}

export interface TaskHistoryEntry {
  at: string;
  from: TaskStatus | null;
  to: TaskStatus;
  cause: string;
  prover_id: string | null;
  detail: Record<string, unknown> | null;
}

export interface TaskStatusResponse {
  task_id: string;
  status: TaskStatus;
  assigned_prover: string | null;
  created_at: string;
  updated_at: string;
  attempts?: number;
  deadline?: string;
  program_id?: string;
  history?: TaskHistoryEntry[];
}

export interface TaskDetail extends TaskStatusResponse {
  privacy_level: number;
  reward_amount: string;
  requester: string;
  priority: number;
  proofs: Array<{
    prover_id: string;
    submitted_at: string;
    verification_result: 'Pass' | 'Fail';
    reason: string | null;
    quality_score: number;
    verify_ms: number;
  }>;
}

export interface AssignedTask {
  task_id: string;
  privacy_level: number;
  circuit_data: number[];
  reward_amount: string;
  requester: string;
  priority: number;
  program_id: string;
  program_name?: string;
  proof_system?: ProofSystem;
  /** The circuit's input signals, ready for snarkjs fullProve. */
  circuit_input?: Record<string, unknown>;
  deadline: string;
  assigned_at?: string;
}

export interface SubmitResultRequest {
  task_id: string;
  prover_id: string;
  /** UTF-8 bytes of the JSON {"system","proof","public_signals"}; see encodeProof. */
  proof: number[];
}

export interface SubmitResultResponse {
  accepted: boolean;
  verification_result: 'Pass' | 'Fail';
  quality_score: number;
  reason?: string;
}

export interface RegisterProverRequest {
  prover_id?: string;
  supported_levels: number[];
  capacity: number;
  name?: string;
  backends?: string[];
  gpu_enabled?: boolean;
  /** Measured proofs per second. */
  proving_speed?: number;
  reward_address?: string;
}

export interface HeartbeatRequest {
  prover_id: string;
  status?: ProverStatus;
  current_load?: number;
}

export interface HeartbeatResponse {
  prover_id: string;
  status: ProverStatus;
  last_heartbeat: string;
}

export interface Prover {
  prover_id: string;
  supported_levels: number[];
  capacity: number;
  status: ProverStatus;
  current_load: number;
  active_tasks?: number;
  registered_at: string;
  last_heartbeat: string;
  name?: string;
  backends?: string[];
  gpu_enabled?: boolean;
  proving_speed?: number;
  reward_address?: string;
}

export interface ArtifactRef {
  sha256: string;
  url: string;
}

export interface Program {
  program_id: string;
  name: string;
  proof_system: ProofSystem;
  input_encoding: string;
  description: string;
  max_input_bytes: number | null;
  builtin: boolean;
  n_public: number;
  artifacts: { wasm: ArtifactRef; zkey: ArtifactRef; vkey: ArtifactRef };
  created_at: string;
}

export interface RegisterProgramRequest {
  name: string;
  proof_system: ProofSystem;
  input_encoding?: string;
  description?: string;
  /** base64 */
  wasm: string;
  /** base64 */
  zkey: string;
  vkey: object;
}

export interface Health {
  status: string;
  store: string;
  verifier_threads: number;
}
