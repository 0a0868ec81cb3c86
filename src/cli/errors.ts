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
