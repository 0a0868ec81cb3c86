import { invalid } from '../errors.ts';

/** 1 ether in wei. */
export const WEI_PER_ETHER = 10n ** 18n;

/**
 * Decimal ether (`"0.01"`, `"1"`, `"1.5e-3"` is refused) to wei, exactly: the digits are read as a string,
 * never through a float, so `"0.1"` is 100000000000000000 wei and not 100000000000000005. Refused with
 * 400 `invalid_ether_amount`: more than 18 decimals (less than a wei), a sign, an exponent, spaces, junk.
 *
 * @example parseEther('0.01', 'maxPriceEth') // 10000000000000000n
 */
export function parseEther(value: unknown, field: string): bigint {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) value = String(value);
  if (typeof value !== 'string') throw invalid('invalid_ether_amount', `${field} must be decimal ether as a string, e.g. "0.01"`);
  const m = /^(\d{1,59})(?:\.(\d{1,}))?$/.exec(value);
  if (!m) {
    const why = value.startsWith('-') ? 'must not be negative' : 'must be decimal ether such as "0.01" (digits, at most one point; no sign, exponent or spaces)';
    throw invalid('invalid_ether_amount', `${field} ${why}, got "${value.slice(0, 40)}"`);
  }
  const fraction = m[2] ?? '';
  if (fraction.length > 18) throw invalid('invalid_ether_amount', `${field} has ${fraction.length} decimals; ether has 18 (1 wei = 0.000000000000000001), got "${value.slice(0, 40)}"`);
  return BigInt(m[1]!) * WEI_PER_ETHER + BigInt(fraction.padEnd(18, '0'));
}

/** Wei as decimal ether, shortest exact form: 10000000000000000n → "0.01", 10n ** 18n → "1". */
export function formatEther(wei: bigint): string {
  const sign = wei < 0n ? '-' : '';
  const abs = wei < 0n ? -wei : wei;
  const whole = abs / WEI_PER_ETHER;
  const fraction = (abs % WEI_PER_ETHER).toString().padStart(18, '0').replace(/0+$/, '');
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
