/**
 * Ids of tasks, provers and requesters are UUIDs or slugs, so `my_prover` is as valid as
 * `550e8400-e29b-41d4-a716-446655440000`. A UUID matches the slug pattern too.
 */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';
const ID_RE = new RegExp(ID_PATTERN);

export function isValidId(id: string): boolean {
  return ID_RE.test(id);
}

/** A random (v4) UUID from Web Crypto, which Node 20 and every browser have: no `node:crypto` in domain/. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}
