// What a program and a proof system are, as pure types: the proofs layer (verifier, envelope, program
// checks), the store and the coordinator all speak of them, so they live here, below all of them.

/** The snarkjs systems, built in. */
export type ProofSystem = 'groth16' | 'plonk' | 'fflonk';

/** A program's backend: a snarkjs ProofSystem or an external backend the registry knows (src/proofs/backends). */
export type BackendName = string;

export interface ProgramRecord {
  program_id: string;
  name: string;
  proof_system: BackendName;
  /** How a task's `circuit_data` bytes become circuit inputs: a built-in encoder's name, or `json`. */
  input_encoding: string;
  description: string;
  max_input_bytes: number | null;
  builtin: boolean;
  vkey: unknown;
  wasm_sha256: string;
  zkey_sha256: string;
  vkey_sha256: string;
  created_at: Date;
}

export interface ProgramArtifacts {
  wasm: Uint8Array;
  zkey: Uint8Array;
  vkey: unknown;
}
