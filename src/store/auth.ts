import { authorityOver, type Authority } from '../domain/auth.ts';
import type { Queryable } from './db.ts';

// Identities: the nonces of signed calls, and the submitter keys provers' owners authorize.
// Addresses are lower case ("0x" + 40 hex) here; the callers normalise them.

/**
 * Records that `address` used `nonce` (at the coordinator's time `at`). True the first time; false when the
 * pair was seen before: a replay. One statement, so two coordinators on one PostgreSQL cannot both accept it.
 */
export async function useNonce(q: Queryable, address: string, nonce: string, at: Date): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO auth_nonces (address, nonce, seen_at) VALUES ($1, $2, $3) ON CONFLICT (address, nonce) DO NOTHING RETURNING 1 AS ok`,
    [address, nonce, at],
  );
  return rows.length === 1;
}

/** Forgets nonces first seen before `before` (keep them for twice the timestamp window); answers how many. */
export async function pruneNonces(q: Queryable, before: Date): Promise<number> {
  const rows = await q.query(`DELETE FROM auth_nonces WHERE seen_at < $1 RETURNING 1 AS ok`, [before]);
  return rows.length;
}

/**
 * `consented`: the submitter agreed, its owner has not authorized it yet. `active`: consented and authorized,
 * so it may act for the prover. `revoked`: either side revoked it; only a new consent starts over.
 */
export type SubmitterState = 'consented' | 'active' | 'revoked';

export interface SubmitterRecord {
  prover_id: string;
  address: string;
  state: SubmitterState;
  consented_at: Date | null;
  authorized_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

const SUBMITTER_COLUMNS = `prover_id, address, consented_at, authorized_at, revoked_at, revoked_by,
  CASE WHEN revoked_at IS NOT NULL THEN 'revoked' WHEN authorized_at IS NOT NULL THEN 'active' ELSE 'consented' END AS state`;

/**
 * The submitter consents to act for the prover. Idempotent while consented or active (the dates stay); after
 * a revoke it starts over: consented now, not authorized.
 */
export async function consentSubmitter(q: Queryable, proverId: string, address: string, at: Date): Promise<SubmitterRecord> {
  const rows = await q.query<SubmitterRecord>(
    `INSERT INTO submitters (prover_id, address, consented_at) VALUES ($1, $2, $3)
     ON CONFLICT (prover_id, address) DO UPDATE SET
       consented_at = CASE WHEN submitters.revoked_at IS NOT NULL THEN EXCLUDED.consented_at ELSE submitters.consented_at END,
       authorized_at = CASE WHEN submitters.revoked_at IS NOT NULL THEN NULL ELSE submitters.authorized_at END,
       revoked_by = CASE WHEN submitters.revoked_at IS NOT NULL THEN NULL ELSE submitters.revoked_by END,
       revoked_at = NULL
     RETURNING ${SUBMITTER_COLUMNS}`,
    [proverId, address, at],
  );
  return rows[0]!;
}

/**
 * The owner authorizes a consented submitter (idempotent when already active). Undefined when there is no
 * live consent to authorize (never consented, or revoked since).
 */
export async function authorizeSubmitter(q: Queryable, proverId: string, address: string, at: Date): Promise<SubmitterRecord | undefined> {
  const rows = await q.query<SubmitterRecord>(
    `UPDATE submitters SET authorized_at = coalesce(authorized_at, $3)
     WHERE prover_id = $1 AND address = $2 AND consented_at IS NOT NULL AND revoked_at IS NULL
     RETURNING ${SUBMITTER_COLUMNS}`,
    [proverId, address, at],
  );
  return rows[0];
}

/** Revokes (idempotent: a second revoke keeps the first's date and author). Undefined when there is no such row. */
export async function revokeSubmitter(q: Queryable, proverId: string, address: string, by: string, at: Date): Promise<SubmitterRecord | undefined> {
  const rows = await q.query<SubmitterRecord>(
    `UPDATE submitters SET revoked_at = coalesce(revoked_at, $4), revoked_by = coalesce(revoked_by, $3)
     WHERE prover_id = $1 AND address = $2
     RETURNING ${SUBMITTER_COLUMNS}`,
    [proverId, address, by, at],
  );
  return rows[0];
}

export async function getSubmitter(q: Queryable, proverId: string, address: string): Promise<SubmitterRecord | undefined> {
  const rows = await q.query<SubmitterRecord>(`SELECT ${SUBMITTER_COLUMNS} FROM submitters WHERE prover_id = $1 AND address = $2`, [proverId, address]);
  return rows[0];
}

/** Every submitter of the prover, in any state, by address. */
export async function listSubmitters(q: Queryable, proverId: string): Promise<SubmitterRecord[]> {
  return q.query<SubmitterRecord>(`SELECT ${SUBMITTER_COLUMNS} FROM submitters WHERE prover_id = $1 ORDER BY address`, [proverId]);
}

/**
 * The prover's owner and whether `address` is a live submitter of it (consented, authorized, not revoked),
 * in one statement; undefined for an unknown prover. The hot path of every prover call's authorization.
 */
export async function proverAuthority(q: Queryable, proverId: string, address: string | null): Promise<{ owner: string | null; liveSubmitter: boolean } | undefined> {
  const rows = await q.query<{ owner: string | null; live_submitter: boolean }>(
    `SELECT p.owner, EXISTS (SELECT 1 FROM submitters s WHERE s.prover_id = p.prover_id AND s.address = $2
       AND s.consented_at IS NOT NULL AND s.authorized_at IS NOT NULL AND s.revoked_at IS NULL) AS live_submitter
     FROM provers p WHERE p.prover_id = $1`,
    [proverId, address],
  );
  const r = rows[0];
  return r && { owner: r.owner, liveSubmitter: r.live_submitter };
}

/**
 * May the caller act for the prover (bid, poll, start, release, submit a result, heartbeat)? Answers how:
 * `'owner'` (its owner signed), `'submitter'` (a live submitter signed: consented, authorized, not revoked),
 * `'open'` (only when the coordinator runs `--open`: the call is unsigned, or the prover was registered
 * unsigned and so has no owner), or `false`. A signed call that is neither owner nor live submitter is
 * `false` even `--open`. A signed call for an unknown prover is `false`; an unsigned one is decided without
 * a query (so `'open'` in open mode): check the prover exists first for a 404. At most one SQL statement.
 *
 * @example if (!(await mayActForProver(tx, proverId, req.signer, config.open))) throw forbidden('not_prover_agent', …)
 */
export async function mayActForProver(q: Queryable, proverId: string, signer: string | undefined, open: boolean): Promise<Authority> {
  if (signer === undefined) return open ? 'open' : false; // no query: the caller checks the prover exists
  const p = await proverAuthority(q, proverId, signer);
  return p ? authorityOver(p, signer, open) : false;
}
