import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';

/** An event id (the outbox row's): the stream resumes after it. */
export const EventCursor = Type.String({ pattern: '^[0-9]{1,19}$', description: 'An event id: the stream resumes after it' });

/** `GET /v1/events` filters and cursor. */
export const EventsQuery = Type.Object(
  {
    request: Type.Optional(Id({ description: 'Only the events of this request' })),
    prover: Type.Optional(Id({ description: 'Only the events naming this prover' })),
    job: Type.Optional(Type.String({ pattern: '^0x[0-9a-fA-F]{64}$', description: 'Only the events of this container job' })),
    kind: Type.Optional(Type.String({ pattern: '^[a-z_]+(\\.[a-z_]*)*(\\.\\*)?$', description: 'An exact kind (request.proof_verified) or a prefix ending in a dot or .* (request., job.*)' })),
    after: Type.Optional(EventCursor),
  },
  { additionalProperties: false },
);
export type EventsQuery = Static<typeof EventsQuery>;

/** `GET /v1/events` headers: `Last-Event-ID`, as an EventSource sends it when it reconnects. */
export const EventsHeaders = Type.Object({ 'last-event-id': Type.Optional(Type.String()) });
