/**
 * The coordinator's one key on a chain: the matchmaker's. When the market assigns a request escrowed on
 * ProofMarket, this loop sends `lock(requestId, prover, price)` so that the holder's stake is locked behind it
 * and only the holder may fulfil it until the lock's deadline. It never pays anyone: ProofMarket lets this key
 * do nothing else. Driven by the store (src/store/chain.ts chainLocksDue), not by events, so a restart
 * between an assignment and its lock loses nothing; a lock already sent is not sent again while the indexer
 * catches up, and one the contract refused is retried only after a pause.
 */
import type { Hex } from 'viem';
import type { Db } from '../store/db.ts';
import { chainLocksDue } from '../store/chain.ts';
import { ChainMarket, type SentTransaction } from './market-client.ts';

export interface MatchmakerOptions {
  db: Db;
  rpcUrl: string;
  proofMarket: Hex;
  privateKey: Hex;
  pollMs?: number;
  /** How long a refused lock waits before it is tried again. */
  retryMs?: number;
  onError?: (err: unknown, requestId: string) => void;
}

export interface MatchmakerStats {
  address: string;
  locks_sent: number;
  gas_used: string;
  refused: number;
  last_error: string | null;
}

export class ChainMatchmaker {
  readonly market: ChainMarket;
  readonly #o: Required<Omit<MatchmakerOptions, 'onError'>> & Pick<MatchmakerOptions, 'onError'>;
  /** request id → the prover it was locked to (sent and mined; the indexer has not applied it yet). */
  readonly #locked = new Map<string, string>();
  /** request id → when a refused lock may be tried again. */
  readonly #refused = new Map<string, number>();
  readonly #sent: SentTransaction[] = [];
  #refusals = 0;
  #lastError: string | null = null;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(opts: MatchmakerOptions) {
    this.#o = { pollMs: 200, retryMs: 5_000, ...opts };
    this.market = new ChainMarket(opts.rpcUrl, opts.proofMarket, opts.privateKey);
  }

  stats(): MatchmakerStats {
    return {
      address: this.market.address.toLowerCase(),
      locks_sent: this.#sent.length,
      gas_used: this.#sent.reduce((s, t) => s + t.gasUsed, 0n).toString(),
      refused: this.#refusals,
      last_error: this.#lastError,
    };
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      this.#running ??= this.tick().then(() => undefined, () => undefined).finally(() => (this.#running = undefined));
    }, this.#o.pollMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One pass: locks every assignment ProofMarket does not have yet. Answers how many it sent. */
  async tick(): Promise<number> {
    const due = await chainLocksDue(this.#o.db);
    const open = new Set(due.map((d) => d.request_id));
    for (const id of this.#locked.keys()) if (!open.has(id)) this.#locked.delete(id); // applied by the indexer
    let sent = 0;
    for (const d of due) {
      if (this.#locked.get(d.request_id) === d.prover) continue;
      if ((this.#refused.get(d.request_id) ?? 0) > Date.now()) continue;
      try {
        this.#sent.push(await this.market.lock(d.request_id as Hex, d.prover as Hex, BigInt(d.price)));
        this.#locked.set(d.request_id, d.prover);
        this.#refused.delete(d.request_id);
        sent++;
      } catch (err) {
        this.#refusals++;
        this.#lastError = (err as Error).message.split('\n')[0]!;
        this.#refused.set(d.request_id, Date.now() + this.#o.retryMs);
        this.#o.onError?.(err, d.request_id);
      }
    }
    return sent;
  }
}
