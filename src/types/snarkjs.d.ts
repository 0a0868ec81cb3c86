// Minimal type surface for snarkjs 0.7.x (the package ships no types).
// Only what proofmarket uses is declared; extend as needed.
declare module 'snarkjs' {
  /** A file path, or the file's bytes, or snarkjs' in-memory file descriptor. */
  export type ZkArtifact = string | Uint8Array | { type: 'mem'; data?: Uint8Array };
  /** Circuit input signals: decimal strings / numbers / bigints, possibly nested arrays. */
  export type CircuitSignals = Record<string, unknown>;
  /** Public signals as decimal strings, in snarkjs order (outputs, then public inputs). */
  export type PublicSignals = string[];
  /** A snarkjs-compatible logger (e.g. console); optional everywhere. */
  export interface Logger {
    debug(msg: string): void;
    info(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }

  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: 'groth16';
    curve: string;
  }
  /** PLONK and FFLONK proofs are objects of curve points / field elements (as decimal strings). */
  export interface PlonkProof {
    protocol: 'plonk';
    curve: string;
    [key: string]: unknown;
  }
  export interface FflonkProof {
    protocol: 'fflonk';
    curve: string;
    [key: string]: unknown;
  }
  /** A verification key as exported by `zkey export verificationkey` (JSON). */
  export interface VerificationKey {
    protocol: 'groth16' | 'plonk' | 'fflonk';
    curve: string;
    nPublic: number;
    [key: string]: unknown;
  }

  export interface ProofResult<P> {
    proof: P;
    publicSignals: PublicSignals;
  }

  interface ProofSystem<P> {
    fullProve(input: CircuitSignals, wasm: ZkArtifact, zkey: ZkArtifact, logger?: Logger): Promise<ProofResult<P>>;
    prove(zkey: ZkArtifact, witness: ZkArtifact, logger?: Logger): Promise<ProofResult<P>>;
    /** Returns false for an invalid proof; may THROW for a malformed proof or signals. */
    verify(vkey: object, publicSignals: readonly (string | bigint)[], proof: object, logger?: Logger): Promise<boolean>;
  }

  export const groth16: ProofSystem<Groth16Proof> & {
    exportSolidityCallData(proof: object, publicSignals: readonly string[]): Promise<string>;
  };
  export const plonk: ProofSystem<PlonkProof> & {
    exportSolidityCallData(proof: object, publicSignals: readonly string[]): Promise<string>;
  };
  export const fflonk: ProofSystem<FflonkProof> & {
    /** NOTE: argument order is (publicSignals, proof), the reverse of groth16/plonk. */
    exportSolidityCallData(publicSignals: readonly string[], proof: object): Promise<string>;
  };

  export const wtns: {
    /** Computes the witness for `input` with the circuit wasm and writes it to `wtns` (path or mem descriptor). */
    calculate(input: CircuitSignals, wasm: ZkArtifact, wtns: ZkArtifact): Promise<void>;
    /** The witness as field elements: [1, outputs…, public inputs…, private signals…]. */
    exportJson(wtns: ZkArtifact): Promise<bigint[]>;
  };

  export const zKey: {
    exportVerificationKey(zkey: ZkArtifact, logger?: Logger): Promise<VerificationKey>;
    /** A Solidity verifier for the zkey's system, rendered from `templates` (keyed by protocol: snarkjs' templates/*.sol.ejs). */
    exportSolidityVerifier(zkey: ZkArtifact, templates: Record<string, string>, logger?: Logger): Promise<string>;
  };
}

declare module 'ffjavascript' {
  /** Builds the bn128 curve; with singleThread true it spawns no worker threads and is not cached. */
  export function buildBn128(singleThread?: boolean): Promise<unknown>;
  export const utils: {
    /** Decimal strings (also nested in arrays and objects) to bigints, as snarkjs does with circuit inputs. */
    unstringifyBigInts<T>(x: T): unknown;
  };
}

declare module 'circom_runtime' {
  /** A circuit's compiled witness calculator; reusable for many inputs, one at a time. */
  export interface WitnessCalculator {
    circom_version(): number;
    /** The witness in snarkjs' .wtns format. */
    calculateWTNSBin(input: unknown, sanityCheck?: boolean): Promise<Uint8Array>;
  }
  export function WitnessCalculatorBuilder(code: Uint8Array, options?: { memorySize?: number }): Promise<WitnessCalculator>;
}

declare module 'circomlibjs' {
  /** circomlib's Poseidon compiled to wasm; `F.toObject` turns its field element into a bigint. */
  export function buildPoseidon(): Promise<((inputs: bigint[]) => unknown) & { F: { toObject(x: unknown): bigint } }>;
}
