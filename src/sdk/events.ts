/**
 * A reader of the coordinator's event stream (`GET /v1/events`, Server-Sent Events) over `fetch`: the same code
 * in a browser and in Node 20, without EventSource (which cannot be aborted cleanly, nor read as an iterator).
 * It parses text/event-stream itself, reconnects when the stream drops, and resumes with `Last-Event-ID`.
 */

import type { EventFilter, MarketEvent } from '../domain/events.ts';

export type { EventFilter, MarketEvent };

export interface EventsOptions {
  /** Start after this event id (`'0'`: from the first event). Default: from now on. */
  after?: string;
  /** Aborting it ends the iteration cleanly, without an error. */
  signal?: AbortSignal;
  /** Wait before reconnecting after the stream dropped (default 1000 ms). */
  reconnectMs?: number;
  /** Nothing, not even the server's heartbeat, for this long: the connection is taken as dead (default 45 s). */
  idleTimeoutMs?: number;
  /** Give up (with the last connection error) after this long without a connection (default 60 s). */
  giveUpAfterMs?: number;
  /** Called each time the stream is lost, before reconnecting. */
  onDisconnect?: (reason: unknown) => void;
}

/** How the client turns a refusal and an unreachable server into its own errors. */
export interface StreamErrors {
  refused(res: Response): Promise<Error>;
  unreachable(cause: unknown): Error;
}

interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into messages (the WHATWG format: `field: value` lines, a blank line ends a
 * message, lines starting with `:` are comments, `\r\n`, `\n` and `\r` all end a line). Feed it text as it
 * arrives; it returns the messages completed so far.
 */
export class SseParser {
  #buffer = '';
  #id: string | undefined;
  #event = '';
  #data: string[] = [];

  push(text: string): SseMessage[] {
    const buffer = this.#buffer + text;
    const out: SseMessage[] = [];
    let start = 0;
    for (;;) {
      const end = nextLineEnd(buffer, start);
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (end === -1 || (buffer[end] === '\r' && end === buffer.length - 1)) break;
      const message = this.#line(buffer.slice(start, end));
      if (message) out.push(message);
      start = end + (buffer[end] === '\r' && buffer[end + 1] === '\n' ? 2 : 1);
    }
    this.#buffer = buffer.slice(start);
    return out;
  }

  #line(line: string): SseMessage | undefined {
    if (line === '') {
      const message = this.#data.length ? { id: this.#id, event: this.#event || 'message', data: this.#data.join('\n') } : undefined;
      this.#event = '';
      this.#data = [];
      return message;
    }
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
    return undefined;
  }
}

/** The index of the next \n or \r from `from`, or -1. */
function nextLineEnd(s: string, from: number): number {
  const n = s.indexOf('\n', from);
  const r = s.indexOf('\r', from);
  return n === -1 ? r : r === -1 ? n : Math.min(n, r);
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * The events of `url` (the stream's address with its filter), reconnecting after a drop or an `overflow` (the
 * server closed a client that fell behind) and resuming after the last event received, so none is lost or
 * repeated. A refusal (4xx/5xx) ends it with that error; so does no connection for `giveUpAfterMs`.
 */
export async function* streamEvents(url: string, errors: StreamErrors, opts: EventsOptions = {}): AsyncGenerator<MarketEvent, void, undefined> {
  const { signal, reconnectMs = 1_000, idleTimeoutMs = 45_000, giveUpAfterMs = 60_000 } = opts;
  let lastId = opts.after;
  /** When the stream was lost, while it is not back. */
  let downSince: number | undefined;
  while (!signal?.aborted) {
    const connection = new AbortController();
    const abort = () => connection.abort();
    signal?.addEventListener('abort', abort, { once: true });
    let idle: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(new Error(`no data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
    };
    let lost: unknown;
    try {
      alive();
      const res = await fetch(url, {
        headers: { accept: 'text/event-stream', ...(lastId === undefined ? {} : { 'last-event-id': lastId }) },
        signal: connection.signal,
        cache: 'no-store',
      });
      if (!res.ok) throw await errors.refused(res);
      if (!res.body) throw new Error('the event stream has no body');
      downSince = undefined;
      const parser = new SseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          alive();
          for (const m of parser.push(value)) {
            if (m.event === 'overflow') throw new Error(`the coordinator dropped this stream: ${m.data}`);
            const event = JSON.parse(m.data) as MarketEvent;
            lastId = m.id ?? event.id;
            yield event;
          }
        }
        lost = new Error('the coordinator ended the stream');
      } finally {
        reader.cancel().catch(() => undefined);
      }
    } catch (err) {
      if (signal?.aborted) return;
      if (!(err instanceof Error) || !isTransient(err)) throw err;
      lost = err;
    } finally {
      clearTimeout(idle);
      signal?.removeEventListener('abort', abort);
      connection.abort();
    }
    downSince ??= Date.now();
    if (Date.now() - downSince > giveUpAfterMs) throw errors.unreachable(lost);
    opts.onDisconnect?.(lost);
    await sleep(reconnectMs, signal);
  }
}

/** A lost connection, a dropped stream, a coordinator restarting (502-504): worth reconnecting. Other answers are not. */
function isTransient(err: Error): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status !== 'number' || (status >= 502 && status <= 504);
}
