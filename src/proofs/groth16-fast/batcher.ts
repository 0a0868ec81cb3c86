// Main-thread side of batch verification: proofs of one key that arrive within `delayMs` of the first one
// (or until `maxBatch` have come) go to the verifier pool as one job.
import type { ItemVerdict, ProofItem } from './gate.ts';

export interface BatcherOptions {
  /** How long the first proof of a batch waits for others of the same key (0: every proof alone). */
  delayMs: number;
  /** A batch is sent as soon as it holds this many proofs. */
  maxBatch: number;
}

export const DEFAULT_BATCHING: BatcherOptions = { delayMs: 2, maxBatch: 64 };

type Outcome = ItemVerdict & { ms: number };
/** Runs one batch of one key on the pool; rejects if the worker died or timed out. */
export type RunBatch = (vkey: unknown, items: ProofItem[]) => Promise<Outcome[]>;

interface Waiting {
  vkey: unknown;
  items: ProofItem[];
  settle: Array<(o: Outcome) => void>;
  timer?: NodeJS.Timeout;
}

export class Groth16Batcher {
  readonly #open = new Map<string, Waiting>();
  readonly #ids = new WeakMap<object, string>();

  constructor(
    private readonly run: RunBatch,
    private readonly opts: BatcherOptions = DEFAULT_BATCHING,
    /** The verdict of a proof whose batch could not be run even alone (the pool closed, a worker died on it). */
    private readonly aborted: (err: unknown) => Outcome = (err) => ({ pass: false, reason: `verification aborted: ${(err as Error).message}`, ms: 0 }),
  ) {}

  verify(vkey: unknown, item: ProofItem): Promise<Outcome> {
    return new Promise((resolve) => {
      const id = this.#idOf(vkey);
      let w = this.#open.get(id);
      if (!w) {
        w = { vkey, items: [], settle: [] };
        this.#open.set(id, w);
        if (this.opts.delayMs > 0) {
          const waiting = w;
          waiting.timer = setTimeout(() => this.#send(id, waiting), this.opts.delayMs);
        }
      }
      w.items.push(item);
      w.settle.push(resolve);
      if (this.opts.delayMs <= 0 || w.items.length >= this.opts.maxBatch) this.#send(id, w);
    });
  }

  /** Sends every open batch now (before the pool closes). */
  flush(): void {
    for (const [id, w] of [...this.#open]) this.#send(id, w);
  }

  #idOf(vkey: unknown): string {
    if (typeof vkey !== 'object' || vkey === null) return JSON.stringify(vkey) ?? 'undefined';
    let id = this.#ids.get(vkey);
    if (id === undefined) this.#ids.set(vkey, (id = JSON.stringify(vkey)));
    return id;
  }

  #send(id: string, w: Waiting): void {
    if (this.#open.get(id) !== w) return;
    this.#open.delete(id);
    if (w.timer) clearTimeout(w.timer);
    void this.#settle(w.vkey, w.items, w.settle);
  }

  async #settle(vkey: unknown, items: ProofItem[], settle: Array<(o: Outcome) => void>): Promise<void> {
    try {
      const outcomes = await this.run(vkey, items);
      outcomes.forEach((o, i) => settle[i]!(o));
    } catch (err) {
      // A worker that died on a batch fails nobody yet: each proof is tried again alone.
      if (items.length === 1) settle[0]!(this.aborted(err));
      else await Promise.all(items.map((item, i) => this.#settle(vkey, [item], [settle[i]!])));
    }
  }
}
