// Worker side of Groth16 verification: which verifier a key gets, and the verdicts of a batch of proofs.
//
// A key starts on snarkjs (the reference). Its first proof that snarkjs accepts is also checked by the fast
// verifier, and so is a tampered copy (pi_a negated) that both must reject; when they agree, the key moves to
// the fast verifier for good. Any disagreement pins the key to snarkjs. So a program only ever gets a verdict
// from mcl once mcl has reproduced snarkjs on that program's own key.
import { createHash } from 'node:crypto';
import { parseProof, prepareKey, releaseKey, verifyBatch, verifyOne, type ParsedProof, type PreparedKey } from './groth16.ts';
import { P } from './mcl.ts';

export interface ProofItem {
  publicSignals: string[];
  proof: unknown;
}

export interface ItemVerdict {
  pass: boolean;
  reason?: string;
}

/** snarkjs' verdict on one proof (a throw is a Fail). Injected so that this module does not load snarkjs. */
export type ReferenceVerify = (vkey: unknown, item: ProofItem) => Promise<ItemVerdict>;

/** How one key's proofs are verified; `key` is held until the key is pinned to snarkjs. */
interface Gate {
  mode: 'checking' | 'fast' | 'reference';
  key?: PreparedKey;
  why?: string;
}

export const NOT_VALID = "the proof does not verify under the program's verification key";
const MAX_KEYS = 256;

export class Groth16Gates {
  readonly #gates = new Map<string, Gate>();

  constructor(private readonly reference: ReferenceVerify) {}

  /** For tests and logs: how the key's proofs are verified now. */
  async modeOf(vkey: unknown): Promise<Gate['mode']> {
    return (await this.#gate(vkey)).mode;
  }

  /** Why a key is on snarkjs, when it is. */
  async whyReference(vkey: unknown): Promise<string | undefined> {
    return (await this.#gate(vkey)).why;
  }

  async verify(vkey: unknown, items: ProofItem[]): Promise<ItemVerdict[]> {
    const gate = await this.#gate(vkey);
    if (gate.mode === 'fast') return this.#fast(vkey, gate.key!, items);
    if (gate.mode === 'checking') return this.#check(vkey, gate, items);
    const verdicts: ItemVerdict[] = [];
    for (const item of items) verdicts.push(await this.reference(vkey, item));
    return verdicts;
  }

  async #gate(vkey: unknown): Promise<Gate> {
    const id = createHash('sha256').update(JSON.stringify(vkey) ?? 'undefined').digest('hex');
    let gate = this.#gates.get(id);
    if (!gate) {
      const key = await prepareKey(vkey);
      gate = key ? { mode: 'checking', key } : { mode: 'reference', why: 'not a canonical bn128 Groth16 key' };
      if (this.#gates.size >= MAX_KEYS) this.#evictOne();
      this.#gates.set(id, gate);
    }
    return gate;
  }

  #evictOne(): void {
    const [id, gate] = this.#gates.entries().next().value as [string, Gate];
    if (gate.key) releaseKey(gate.key);
    this.#gates.delete(id);
  }

  /** While checking, snarkjs decides; the fast verifier's answers are compared with it. */
  async #check(vkey: unknown, gate: Gate, items: ProofItem[]): Promise<ItemVerdict[]> {
    const verdicts: ItemVerdict[] = [];
    for (const item of items) {
      const ref = await this.reference(vkey, item);
      verdicts.push(ref);
      if (gate.mode !== 'checking') continue;
      const fast = this.#single(gate.key!, item);
      if (fast === undefined) continue; // a shape the fast verifier leaves to snarkjs anyway
      if (fast !== ref.pass) {
        pin(gate, `mcl and snarkjs disagreed on a proof (snarkjs: ${ref.pass})`);
      } else if (ref.pass) {
        const tampered = { ...item, proof: negateA(item.proof) };
        const [refBad, fastBad] = [await this.reference(vkey, tampered), this.#single(gate.key!, tampered)];
        if (!refBad.pass && fastBad === false) gate.mode = 'fast';
        else pin(gate, 'mcl and snarkjs disagreed on a tampered proof');
      }
    }
    return verdicts;
  }

  #single(key: PreparedKey, item: ProofItem): boolean | undefined {
    const parsed = parseProof(key, item.proof, item.publicSignals);
    if (parsed.kind === 'reference') return undefined;
    return parsed.kind === 'parsed' && verifyOne(key, parsed.proof);
  }

  /** Every proof parsed and checked first; the well-formed ones verified as one batch; odd shapes by snarkjs. */
  async #fast(vkey: unknown, key: PreparedKey, items: ProofItem[]): Promise<ItemVerdict[]> {
    const verdicts = new Array<ItemVerdict>(items.length);
    const batch: ParsedProof[] = [];
    const at: number[] = [];
    const deferred: number[] = [];
    items.forEach((item, i) => {
      const parsed = parseProof(key, item.proof, item.publicSignals);
      if (parsed.kind === 'invalid') verdicts[i] = { pass: false, reason: `the proof is malformed: ${parsed.reason}` };
      else if (parsed.kind === 'reference') deferred.push(i);
      else {
        batch.push(parsed.proof);
        at.push(i);
      }
    });
    if (batch.length) verifyBatch(key, batch).forEach((ok, j) => (verdicts[at[j]!] = ok ? { pass: true } : { pass: false, reason: NOT_VALID }));
    for (const i of deferred) verdicts[i] = await this.reference(vkey, items[i]!);
    return verdicts;
  }
}

function pin(gate: Gate, why: string): void {
  if (gate.key) releaseKey(gate.key);
  Object.assign(gate, { mode: 'reference', key: undefined, why });
}

/** The same proof with pi_a negated, (x, y) → (x, p − y): still on the curve, no longer valid. */
function negateA(proof: unknown): unknown {
  const p = proof as { pi_a: string[] };
  return { ...p, pi_a: [p.pi_a[0], (P - BigInt(p.pi_a[1]!)).toString(), p.pi_a[2]] };
}
