/** The programs' read-only use cases: the list, one program, one of its artifacts; the backends they may use. */
import type { ProgramRecord } from '../../domain/programs.ts';
import type { BackendInfo } from '../../proofs/backends/registry.ts';
import { listPrograms as storedPrograms, type ArtifactKind } from '../../store/programs.ts';
import type { MarketDeps } from './deps.ts';
import { EZKL_BACKEND } from '../../proofs/ezkl/model-key.ts';

export type { ArtifactKind };

/**
 * Every program, built-ins and uploads, but models: zkML models (proof system ezkl) are programs too (GET
 * /programs/:id answers for them) but are listed as models (model-queries.ts), so the circuit catalogue stays as it was.
 */
export async function listPrograms(deps: Pick<MarketDeps, 'db'>): Promise<ProgramRecord[]> {
  return (await storedPrograms(deps.db)).filter((p) => p.proof_system !== EZKL_BACKEND);
}

/** One program; 404 program_not_found. */
export async function getProgram(deps: Pick<MarketDeps, 'programs'>, programId: string): Promise<ProgramRecord> {
  return deps.programs.get(programId);
}

/** One of a program's artifacts (wasm, zkey: binary; vkey: JSON text); 404 program_not_found, artifact_not_found. */
export async function getProgramArtifact(deps: Pick<MarketDeps, 'programs'>, programId: string, kind: ArtifactKind): Promise<Uint8Array> {
  return deps.programs.artifact(programId, kind);
}

/** The proof systems this coordinator knows, and whether each one's verifier is installed here. */
export function listBackends(deps: Pick<MarketDeps, 'backends'>): BackendInfo[] {
  return deps.backends.list();
}
