// Helpers for the ledger tests (test/ledger-property.test.ts, test/ledger-crash.test.ts): the stores to run on,
// one real proof reused for every request, and direct reads of the ledger tables.
import { dataCommitmentInput } from '../../src/proofs/builtin/data-commitment.ts';
import { encodeProof } from '../../src/proofs/envelope.ts';
import type { Queryable } from '../../src/store/db.ts';
import { proveBuiltin } from './proofs.ts';

/** The one input every ledger-test request carries, so that one real proof verifies for all of them. */
export const LEDGER_INPUT = Uint8Array.from([0x5a, 0x11, 0xed, 0x6e, 0x12]);
export const LEDGER_INPUT_B64 = Buffer.from(LEDGER_INPUT).toString('base64');

export interface LedgerProofs {
  /** A real groth16 proof of LEDGER_INPUT for the built-in data-commitment program: it verifies. */
  valid: number[];
  /** The same proof with one coordinate changed: it fails verification. */
  corrupted: number[];
}

let proofs: Promise<LedgerProofs> | undefined;

/** Proved once per process (about 0.2 s). */
export function ledgerProofs(): Promise<LedgerProofs> {
  proofs ??= (async () => {
    const p = await proveBuiltin('data-commitment', 'groth16', dataCommitmentInput(LEDGER_INPUT));
    const tampered = structuredClone(p.proof) as { pi_a: string[] };
    tampered.pi_a[0] = (BigInt(tampered.pi_a[0]!) + 1n).toString();
    return { valid: p.bytes, corrupted: encodeProof({ system: 'groth16', proof: tampered, public_signals: p.publicSignals }) };
  })();
  return proofs;
}

/** Every account and its balance. */
export async function allBalances(q: Queryable): Promise<Map<string, bigint>> {
  const rows = await q.query<{ account: string; balance: string }>(`SELECT account, balance::text AS balance FROM accounts`);
  return new Map(rows.map((r) => [r.account, BigInt(r.balance)]));
}

/** How many of these movements are of this kind. */
export const countKind = (ms: ReadonlyArray<{ kind: string }>, kind: string) => ms.filter((m) => m.kind === kind).length;
