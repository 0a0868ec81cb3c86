/**
 * Off-circuit helpers for the built-in `range-proof` program
 * (circuits/range-proof/range-proof.circom).
 *
 * The task input is a JSON object `{"value": "42", "min": "18", "max": "150"}`: 64-bit unsigned
 * integers as decimal strings (non-negative safe-integer JSON numbers are accepted too).
 * `value` is private; the public signals are `[min, max]` in that order (the circuit has no
 * outputs, and snarkjs orders public inputs by declaration order: min, then max).
 */

/** Exclusive upper bound of every range-proof integer: 2^64. */
export const RANGE_PROOF_LIMIT = 1n << 64n;

const FIELDS = ['value', 'min', 'max'] as const;
type Field = (typeof FIELDS)[number];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function parseU64(name: string, raw: unknown): bigint {
  let v: bigint;
  if (typeof raw === 'string') {
    if (!/^[0-9]+$/.test(raw)) {
      throw new RangeError(`range-proof: "${name}" must be a non-negative integer in decimal, got ${JSON.stringify(raw)}`);
    }
    v = BigInt(raw);
  } else if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw) || raw < 0) {
      throw new RangeError(`range-proof: "${name}" must be a non-negative integer, got ${raw}`);
    }
    v = BigInt(raw);
  } else if (typeof raw === 'bigint') {
    v = raw;
  } else if (raw === undefined) {
    throw new RangeError(`range-proof: "${name}" is missing`);
  } else {
    throw new RangeError(`range-proof: "${name}" must be a decimal string, got ${typeof raw}`);
  }
  if (v < 0n) throw new RangeError(`range-proof: "${name}" must be non-negative, got ${v}`);
  if (v >= RANGE_PROOF_LIMIT) throw new RangeError(`range-proof: "${name}" must be below 2^64, got ${v}`);
  return v;
}

function parseBounds(json: Record<string, unknown>): { min: bigint; max: bigint } {
  const min = parseU64('min', json.min);
  const max = parseU64('max', json.max);
  if (min > max) throw new RangeError(`range-proof: min (${min}) is greater than max (${max})`);
  return { min, max };
}

/**
 * Validates the task JSON and returns the circuit input signals `{ min, max, value }` as canonical
 * decimal strings. Throws a RangeError (with a clear message) for a non-object, missing or unknown
 * fields, non-integers, negatives, values >= 2^64, min > max, or value outside [min, max].
 */
export function rangeProofInput(json: unknown): Record<string, string> {
  if (!isRecord(json)) throw new RangeError('range-proof: input must be a JSON object {"value","min","max"}');
  for (const key of Object.keys(json)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new RangeError(`range-proof: unknown field "${key}"`);
  }
  const { min, max } = parseBounds(json);
  const value = parseU64('value', json.value);
  if (value < min || value > max) {
    throw new RangeError(`range-proof: value is outside the bounds [${min}, ${max}]`);
  }
  const out: Record<Field, string> = { min: min.toString(), max: max.toString(), value: value.toString() };
  return out;
}

/**
 * The expected public signals, in snarkjs order: `[min, max]`. Needs only `min` and `max`
 * (a verifier does not know `value`); `value` and other fields are ignored. Throws a RangeError
 * for invalid bounds.
 */
export function rangeProofPublicSignals(input: unknown): string[] {
  if (!isRecord(input)) throw new RangeError('range-proof: input must be an object with "min" and "max"');
  const { min, max } = parseBounds(input);
  return [min.toString(), max.toString()];
}
