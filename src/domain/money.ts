import { invalid } from './errors.ts';

/**
 * Money is an integer count of base units: `bigint` in code, a decimal string in JSON and numeric(78,0)
 * in SQL. Never a float. JSON input may also be a safe integer number, for seed clients that send `100`.
 */
export function parseAmount(value: unknown, field: string): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw invalid('invalid_amount', `${field} must be an integer number of base units`);
    value = String(value);
  }
  if (typeof value !== 'string' || !/^-?\d{1,78}$/.test(value)) {
    throw invalid('invalid_amount', `${field} must be an integer number of base units (a decimal string or a safe integer)`);
  }
  const amount = BigInt(value);
  if (amount < 0n) throw invalid('negative_amount', `${field} must not be negative`);
  return amount;
}

export function formatAmount(amount: bigint): string {
  return amount.toString(10);
}
