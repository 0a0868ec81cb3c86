import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { invalid, MarketError } from '../../domain/errors.ts';
import { kindFilter, type EventFilter } from '../../domain/events.ts';
import type { EventSink, EventStream } from '../events/stream.ts';
import { errorResponses as errors, EventsHeaders, EventsQuery } from '../../api/index.ts';



/** The client's cursor: `Last-Event-ID` (what an EventSource sends when it reconnects), else `?after=`. */
function cursorOf(header: string | string[] | undefined, after: string | undefined): bigint | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim() || after;
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,19}$/.test(value)) throw invalid('invalid_last_event_id', `Last-Event-ID must be an event id (digits), not "${value.slice(0, 40)}"`);
  return BigInt(value);
}

/** A response as the stream's sink: writes go to the socket, whose unsent bytes are `buffered`. */
function sinkOf(res: ServerResponse): EventSink {
  return {
    write: (chunk) => void (res.writableEnded || res.write(chunk)),
    get buffered() {
      return res.writableLength;
    },
    drained: () =>
      res.writableLength === 0 || res.destroyed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          }),
    get closed() {
      return res.destroyed || res.writableEnded;
    },
    end: () => {
      res.end();
      // A client that reads nothing would hold its socket (and what is buffered for it) for ever.
      setTimeout(() => res.destroy(), 5_000).unref();
    },
  };
}

/**
 * Closing the server waits for every connection that has not finished a request, and Node counts one that has
 * not sent any as busy until its headers time out (60 s). Node's fetch (undici) leaves exactly such a spare
 * connection behind when a streaming response is aborted, which is how stream clients leave
 * (nodejs/undici#5845): so at shutdown, connections that never carried a request are closed at once.
 */
function closeSpareConnectionsOnClose(app: FastifyInstance): void {
  const spare = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    spare.add(socket);
    socket.once('close', () => spare.delete(socket));
  });
  app.server.on('request', (req: IncomingMessage) => spare.delete(req.socket));
  app.addHook('preClose', (done) => {
    for (const socket of spare) socket.destroy();
    done();
  });
}

export function eventRoutes(app: FastifyInstance, stream: EventStream): void {
  closeSpareConnectionsOnClose(app);
  app.get<{ Querystring: EventsQuery }>('/v1/events', {
    schema: {
      summary: 'The event outbox as Server-Sent Events: a backlog after the cursor, then live',
      description:
        'Each event is `id: <id>`, `event: <kind>`, `data: <JSON>`. Resume with the `Last-Event-ID` header (or `?after=`); ' +
        'without either, the stream starts now. `: ping` comments keep the connection alive. A client too slow to keep up ' +
        'gets `event: overflow` and is closed: reconnect with Last-Event-ID.',
      tags: ['events'],
      querystring: EventsQuery,
      headers: EventsHeaders,
      response: { 200: { type: 'string', description: 'text/event-stream' }, ...errors },
    },
  }, async (req, reply) => {
    const after = cursorOf(req.headers['last-event-id'], req.query.after);
    const filter: EventFilter = { request: req.query.request, prover: req.query.prover, kind: kindFilter(req.query.kind), job: req.query.job?.toLowerCase() };
    if (!stream.accepting) throw new MarketError('unavailable', 'events_unavailable', 'the event stream is shutting down');
    const res = reply.raw;
    const sink = sinkOf(res);
    reply.hijack();
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no', // a proxy in front must not hold the stream back
    });
    res.write(': proofmarket events\n\n');
    res.on('close', stream.subscribe(sink, filter, after));
  });
}
