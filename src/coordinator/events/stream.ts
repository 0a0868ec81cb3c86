import type { Db } from '../../store/db.ts';
import { ContiguousReader, matches, readEvents, startingHead, type EventFilter, type EventWire } from '../../store/events.ts';
import { Notifier } from './notifier.ts';

export interface EventStreamOptions {
  /** A `: ping` comment to every client this often, so that it (and any proxy) sees the connection is alive. */
  heartbeatMs: number;
  /** A client whose socket holds more unsent bytes than this is closed with `event: overflow`. */
  maxBufferedBytes: number;
  /** Events per read of the store. */
  batchSize: number;
  /** While a missing id may still commit, read again this often (a rollback announces nothing). */
  gapRetryMs: number;
  /** A read this often even without a notification: a lost one delays events by at most this. */
  safetyPollMs: number;
}

export const DEFAULT_EVENT_STREAM: EventStreamOptions = {
  heartbeatMs: 15_000,
  maxBufferedBytes: 1 << 20,
  batchSize: 500,
  gapRetryMs: 50,
  safetyPollMs: 5_000,
};

/** Where one client's events go (an HTTP response), seen through what the stream needs of it. */
export interface EventSink {
  write(chunk: string): void;
  /** Bytes written and not yet taken by the socket. */
  readonly buffered: number;
  /** Resolves once the buffered bytes are sent, or the client is gone. */
  drained(): Promise<void>;
  readonly closed: boolean;
  end(): void;
}

interface Subscriber {
  sink: EventSink;
  filter: EventFilter;
  /** Every event up to here that passes the filter has been written to the sink. */
  cursor: bigint;
  /** Fed by the shared reader (else still replaying its backlog from the store). */
  live: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One event in the text/event-stream format. */
export function sseEvent(e: EventWire): string {
  return `id: ${e.id}\nevent: ${e.kind}\ndata: ${JSON.stringify(e)}\n\n`;
}

/**
 * `GET /v1/events` behind the route: one reader per process follows the outbox in id order (ContiguousReader,
 * woken by the Notifier) and fans each batch out to every live client, filtered per client. A client that
 * connects with a cursor first replays its backlog from the store (its own filtered reads, up to the reader's
 * head, at its socket's pace), then joins the live feed where its replay ended. Live writes cannot wait for a
 * slow socket, so a client that falls more than `maxBufferedBytes` behind is closed with `event: overflow`.
 */
export class EventStream {
  readonly #db: Db;
  readonly #opts: EventStreamOptions;
  readonly #subscribers = new Set<Subscriber>();
  /** In-process watchers (the long-poll's work signal): every event, as read, while they watch. */
  readonly #watchers = new Set<(events: EventWire[]) => void>();
  readonly #onError: (err: unknown) => void;
  #reader: ContiguousReader | undefined;
  #notifier: Notifier | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #stopped = false;
  /**
   * No client was listening at the last wake-up, so the reader stopped reading (a store nobody watches costs no
   * reads); the first client's wake-up starts it afresh at the outbox's end. Resolves once it has.
   */
  #idle: Promise<void> | undefined;
  #resumed: (() => void) | undefined;

  constructor(db: Db, opts: Partial<EventStreamOptions> = {}, onError: (err: unknown) => void = () => undefined) {
    this.#db = db;
    this.#opts = { ...DEFAULT_EVENT_STREAM, ...opts };
    this.#onError = onError;
  }

  /**
   * Listens for new events. The reader itself starts with the first client, at the outbox's end (clients with a
   * cursor replay what came before): on PostgreSQL that waits for the transactions then in progress, which must
   * not hold up the coordinator's start.
   */
  async start(): Promise<void> {
    this.#idle = new Promise((resolve) => (this.#resumed = resolve));
    this.#notifier = new Notifier(this.#db, () => this.#pump(), { safetyPollMs: this.#opts.safetyPollMs, onError: this.#onError });
    await this.#notifier.start();
    // Only to a socket with nothing waiting: one still sending is not idle, and pings must not pile up.
    this.#heartbeat = setInterval(() => {
      for (const s of this.#subscribers) if (s.sink.buffered === 0) s.sink.write(': ping\n\n');
    }, this.#opts.heartbeatMs);
    this.#heartbeat.unref();
  }

  /** The id up to which every event is final and has gone out to the live clients. */
  get head(): bigint {
    return this.#reader?.head ?? 0n;
  }

  /** Started and not stopped: `subscribe` may be called. */
  get accepting(): boolean {
    return !this.#stopped && this.#notifier !== undefined;
  }

  /**
   * Sends `sink` every event after `after` that passes `filter` (with no cursor: from now on). Returns the
   * function to call when the client goes away. Only while `accepting`.
   */
  subscribe(sink: EventSink, filter: EventFilter, after: bigint | undefined): () => void {
    if (!this.accepting) throw new Error('the event stream is not running');
    const sub: Subscriber = { sink, filter, cursor: after ?? -1n, live: false };
    this.#subscribers.add(sub);
    this.#replay(sub).catch((err: unknown) => {
      this.#onError(err);
      this.#drop(sub);
    });
    return () => this.#subscribers.delete(sub);
  }

  /**
   * Calls `watcher` with every batch of events read from now on, until the returned function is called. A
   * watcher keeps the reader running like a client does, so watch only while someone waits.
   */
  watch(watcher: (events: EventWire[]) => void): () => void {
    this.#watchers.add(watcher);
    if (this.#idle) this.#notifier?.wake();
    return () => this.#watchers.delete(watcher);
  }

  /** Replays from the store up to the reader's head until it has caught up; then it is live, synchronously. */
  async #replay(sub: Subscriber): Promise<void> {
    if (this.#idle) {
      this.#notifier!.wake();
      await this.#idle;
    }
    if (sub.cursor < 0n) sub.cursor = this.head; // no cursor: from now on
    const batchSize = this.#opts.batchSize;
    while (!sub.sink.closed && this.#subscribers.has(sub)) {
      const upTo = this.head;
      if (sub.cursor >= upTo) {
        sub.live = true;
        return;
      }
      const events = await readEvents(this.#db, { after: sub.cursor, upTo, filter: sub.filter, limit: batchSize });
      for (const e of events) {
        sub.sink.write(sseEvent(e));
        sub.cursor = BigInt(e.id);
      }
      if (events.length < batchSize) sub.cursor = upTo;
      if (sub.sink.buffered > this.#opts.maxBufferedBytes / 2) await sub.sink.drained();
    }
  }

  /** One wake-up of the reader: every event now readable goes out. Answers when to read again (a pending gap). */
  async #pump(): Promise<number | undefined> {
    if (this.#subscribers.size === 0 && this.#watchers.size === 0) {
      this.#idle ??= new Promise((resolve) => (this.#resumed = resolve));
      return undefined;
    }
    if (this.#idle) {
      this.#reader = new ContiguousReader(this.#db, await startingHead(this.#db, sleep));
      this.#resumed!();
      this.#idle = undefined;
    }
    const reader = this.#reader!;
    for (;;) {
      const events = await reader.next(this.#opts.batchSize);
      this.#publish(events, reader.head);
      if (events.length < this.#opts.batchSize) break;
    }
    return reader.waiting ? this.#opts.gapRetryMs : undefined;
  }

  #publish(events: EventWire[], head: bigint): void {
    if (events.length > 0) for (const w of this.#watchers) w(events);
    for (const sub of this.#subscribers) {
      if (!sub.live) continue;
      for (const e of events) {
        if (BigInt(e.id) > sub.cursor && matches(e, sub.filter) && !this.#send(sub, sseEvent(e))) break;
      }
      if (sub.cursor < head) sub.cursor = head;
    }
  }

  /** Writes to a client that keeps up; one that has fallen too far behind is closed instead (false). */
  #send(sub: Subscriber, chunk: string): boolean {
    sub.sink.write(chunk);
    if (sub.sink.buffered <= this.#opts.maxBufferedBytes) return true;
    this.#overflow(sub);
    return false;
  }

  #overflow(sub: Subscriber): void {
    const message = {
      reason: `this client fell more than ${this.#opts.maxBufferedBytes} bytes behind the stream`,
      resume: 'reconnect with the Last-Event-ID header (or ?after=) set to the id of the last event received',
    };
    sub.sink.write(`event: overflow\ndata: ${JSON.stringify(message)}\n\n`);
    this.#drop(sub);
  }

  #drop(sub: Subscriber): void {
    this.#subscribers.delete(sub);
    sub.sink.end();
  }

  /** Ends every client's stream and stops reading; waits for a read in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#heartbeat);
    for (const sub of [...this.#subscribers]) this.#drop(sub);
    await this.#notifier?.stop();
    this.#resumed?.(); // a replay waiting for the reader to resume finds the stream stopped
  }
}
