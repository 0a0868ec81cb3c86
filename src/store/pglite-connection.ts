import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';

/**
 * The connection `pg.Client` talks to when the store is PGlite: it hands PGlite the client's protocol messages
 * and gives the client PGlite's answers, as PGlite's own node-postgres adapter does, but one exchange at a time
 * instead of one message at a time. A prepared statement's Bind, Describe and Execute are held until the Sync
 * that ends them and go into PGlite in one call (as a socket would carry them to a server), where the adapter
 * made a call per message, each with its own trip through the wasm main loop: about a third of the CPU of a
 * small statement. Messages are answered in order; PostgreSQL itself skips to the Sync after an error, as ever.
 */
export class PgliteConnection extends EventEmitter {
  // What pg.Client reads or sets on its connection.
  _connecting = false;
  parsedStatements: Record<string, unknown> = {};
  submittedNamedStatements: Record<string, unknown> = {};
  readonly stream = { destroy: () => this.end() };

  readonly #pglite: PGlite;
  #pending: Buffer[] = [];
  /** One call into PGlite at a time, in order. */
  #queue: Promise<unknown>;
  #listening = false;

  constructor(pglite: PGlite) {
    super();
    this.#pglite = pglite;
    this.#queue = pglite.waitReady;
    this.on('newListener', (event) => {
      if (event === 'message') this.#listening = true;
    });
  }

  async connect(): Promise<void> {
    this._connecting = true;
    await this.#pglite.waitReady;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  // The extended protocol's messages wait for the Sync (or Flush) that ends their exchange.
  parse(q: Parameters<typeof serialize.parse>[0]): void {
    this.#pending.push(serialize.parse(q));
  }
  bind(c: Parameters<typeof serialize.bind>[0]): void {
    this.#pending.push(serialize.bind(c));
  }
  describe(c: Parameters<typeof serialize.describe>[0]): void {
    this.#pending.push(serialize.describe(c));
  }
  execute(c: Parameters<typeof serialize.execute>[0]): void {
    this.#pending.push(serialize.execute(c));
  }
  close(c: Parameters<typeof serialize.close>[0]): void {
    this.#pending.push(serialize.close(c));
  }
  sync(): void {
    this.#send(serialize.sync());
  }
  flush(): void {
    this.#send(serialize.flush());
  }
  query(text: string): void {
    this.#send(serialize.query(text));
  }

  end(): void {
    this.#queue = this.#queue.then(() => this.emit('end'));
  }

  // Nothing to do without a socket: no TLS, no startup, no password, no cancel.
  requestSsl(): void {}
  startup(): void {}
  password(): void {}
  cancel(): void {}
  ref(): void {}
  unref(): void {}

  #send(last: Buffer): void {
    const parts = this.#pending;
    this.#pending = [];
    parts.push(last);
    const bytes = parts.length === 1 ? last : Buffer.concat(parts);
    this.#queue = this.#queue
      .then(() => this.#pglite.execProtocolStream(bytes, { throwOnError: false }))
      .then((messages) => {
        for (const m of messages) {
          if (this.#listening) this.emit('message', m);
          this.emit(m.name === 'error' ? 'errorMessage' : m.name, m);
        }
      })
      .catch((err: unknown) => this.emit('error', err));
  }
}
