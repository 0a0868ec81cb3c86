import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usage } from './errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs, with its errors turned into one-line usage errors. */
export function parse<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    throw usage(e.message.split('\n')[0]!, e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? 'unknown_option' : e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' ? 'bad_usage' : 'invalid_option');
  }
}

export function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw usage(`--${name} must be an integer, got "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw usage(`--${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}
