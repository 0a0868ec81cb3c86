// What a reader of the event outbox asks for, as a pure type: the route reads it from the query, the stream
// and the store filter by it.

/** Which events a reader wants; `kind` is an exact kind, or a prefix ending in `.` (`request.`). */
export interface EventFilter {
  request?: string;
  prover?: string;
  kind?: string;
}
