/**
 * JSON for values with bigints and dates (the auction engine's states): they are tagged on the way in and
 * restored on the way out, so a state read back from the database is the state that was written.
 */
export function encodeTagged(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (raw instanceof Date) return { $date: raw.toISOString() };
    return v;
  });
}

export function decodeTagged<T>(value: unknown): T {
  // jsonb comes back parsed (pg, PGlite); revive it by walking it once.
  return revive(typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function revive(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(revive);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && typeof o.$bigint === 'string') return BigInt(o.$bigint);
  if (keys.length === 1 && typeof o.$date === 'string') return new Date(o.$date);
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = revive(o[k]);
  return out;
}
