// The event outbox's two wire types, pure: what a reader asks for (the route reads it from the query, the stream
// and the store filter by it) and what it receives (the store reads it, the stream sends it, the SDK parses it).

/** Which events a reader wants; `kind` is an exact kind, or a prefix ending in `.` (`request.`). */
export interface EventFilter {
  request?: string;
  /** A container job's id: its events. */
  job?: string;
  prover?: string;
  kind?: string;
}

/** One event of the outbox as the stream sends it. */
export interface MarketEvent {
  /** Decimal string (a bigserial may pass 2^53); ids grow in the order the events are streamed. */
  id: string;
  /** `<subject>.<what>`, e.g. `request.proof_verified`. */
  kind: string;
  request_id: string | null;
  /** Set on a container job's events (`job.*`) only. */
  job_id?: string;
  prover_id: string | null;
  /** ISO 8601. */
  at: string;
  from_status: string | null;
  to_status: string | null;
  cause: string | null;
  detail: Record<string, unknown> | null;
}

/** A kind filter as a reader may write it: `job.*` means the prefix `job.` (as does `job.`). */
export function kindFilter(kind: string | undefined): string | undefined {
  return kind?.endsWith('.*') ? kind.slice(0, -1) : kind;
}
