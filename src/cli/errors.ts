import { ERRORS, isErrorCode } from '../api/errors.ts';

/**
 * A user mistake or an expected failure: printed as one line on stderr, exit code `exitCode`, no stack.
 *
 * Exit codes: 1 = the operation failed (e.g. the coordinator refused it), 2 = bad usage (unknown option,
 * invalid value, missing file), 3 = the coordinator could not be reached.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 | 3 = 1,
  ) {
    super(message);
  }
}

export const usage = (message: string) => new CliError(message, 2);

/**
 * The catalogue's hint for a refusal line `<code>: <message>` (what `toCliError` makes of a ProofMarketError),
 * or undefined when the line is not one. The hint goes on a second line on a terminal only: scripts and the
 * tests read exactly one line on stderr.
 */
export function refusalHint(message: string): string | undefined {
  const code = /^([a-z][a-z0-9_]*): /.exec(message)?.[1];
  return code !== undefined && isErrorCode(code) ? ERRORS[code].hint : undefined;
}
