import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';

/** An event id (the outbox row's): the stream resumes after it. */
export const EventCursor = Type.String({ pattern: '^[0-9]{1,19}$', description: 'An event id: the stream resumes after it' });

/** `GET /v1/events` filters and cursor. */
export const EventsQuery = Type.Object(
  {
    request: Type.Optional(Id({ description: 'Only the events of this request' })),
    prover: Type.Optional(Id({ description: 'Only the events naming this prover' })),
    kind: Type.Optional(Type.String({ pattern: '^[a-z_]+(\\.[a-z_]*)*$', description: 'An exact kind (request.proof_verified) or a prefix ending in a dot (request.)' })),
    after: Type.Optional(EventCursor),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

/** `GET /v1/events` headers: `Last-Event-ID`, as an EventSource sends it when it reconnects. */
export const EventsHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String()) });

/** One event of the stream, the `data:` of its SSE message (the outbox row). */
export const MarketEventView = Type.Object({
  id: EventCursor,
  kind: Type.String({ description: '`request.<cause>` for a request\'s transitions' }),
  request_id: Type.Union([Type.String(), Type.Null()]),
  prover_id: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
  from_status: Type.Union([Type.String(), Type.Null()]),
  to_status: Type.Union([Type.String(), Type.Null()]),
  cause: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type MarketEventView = Static<typeof MarketEventView>;
