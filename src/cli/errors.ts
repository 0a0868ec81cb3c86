import { ERRORS, isErrorCode } from '../api/errors.ts';

/**
 * The exit code of each class of failure (README "Command line" shows this table). A class has one exit code;
 * its `code`s are what the error line names (`error: <code>: <what to do>`).
 */
export const EXIT = {
  failed: 1, // the coordinator refused (a code of the error catalogue), or the operation failed
  usage: 2, // unknown command or option, a malformed or missing flag or argument
  unreachable: 3, // no coordinator (or EVM RPC, or Docker engine) answers
  file: 4, // a file named on the command line is missing, unreadable, or not what it should be
  key: 5, // the key file: missing, unreadable, not private, malformed, or a key that is not one
  port: 6, // the port to listen on is taken, or not allowed
  ended: 7, // the request (or job) followed ended without a proof: expired, failed, cancelled
  internal: 70, // a bug in proofmarket: rerun with --debug and report the stack
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The codes of each class other than `failed` (whose codes are the catalogue's and a few of the CLI's own). */
export const EXIT_CODES_OF: Record<Exclude<keyof typeof EXIT, 'failed'>, readonly string[]> = {
  usage: ['unknown_command', 'unknown_option', 'invalid_option', 'missing_option', 'bad_usage', 'no_gpu'],
  unreachable: ['coordinator_unreachable', 'rpc_unreachable', 'docker_unreachable'],
  file: ['file_not_found', 'file_unreadable', 'invalid_file', 'file_not_written'],
  key: ['bad_key_file', 'key_file_exists', 'invalid_private_key'],
  port: ['port_in_use', 'port_not_allowed'],
  ended: ['request_expired', 'request_failed', 'request_cancelled', 'job_ended'],
  internal: ['internal_error'],
};

/**
 * A user mistake or an expected failure: printed by main as one line on stderr, `error: <code>: <message>`,
 * exit code `exitCode`, no stack (unless --debug). `code` is snake_case; the message says what to do.
 */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A usage mistake (exit 2). Without a code: `missing_option` for "--x is required…", `invalid_option` for
 * another message about a flag (`--x …`), else `bad_usage`.
 */
export const usage = (message: string, code: string = usageCode(message)) => new CliError(code, message, EXIT.usage);

const usageCode = (message: string) => (/^--[a-z][\w-]* is required/.test(message) ? 'missing_option' : /^--[a-z]/.test(message) ? 'invalid_option' : 'bad_usage');

/** The one line main prints for a CliError. */
export const errorLine = (err: CliError) => `error: ${err.code}: ${err.message.replace(/\s*\n\s*/g, ' ').trim()}`;

/**
 * A file that could not be read (or written): `what` names it as the user gave it, e.g. "--input-data x.bin"
 * or "the proof file x.json". ENOENT is file_not_found, a JSON SyntaxError invalid_file, the rest
 * file_unreadable; all exit 4.
 */
export function fileError(what: string, err: unknown, verb: 'read' | 'write' = 'read'): CliError {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof SyntaxError) return new CliError('invalid_file', `${what} is not valid JSON (${e.message.split('\n')[0]}): check the file`, EXIT.file, { cause: err });
  const why = e.code === 'ENOENT' ? (verb === 'write' ? 'no such directory' : 'no such file') : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : String(e.message).split('\n')[0];
  const code = verb === 'write' ? 'file_not_written' : e.code === 'ENOENT' ? 'file_not_found' : 'file_unreadable';
  return new CliError(code, `cannot ${verb} ${what}: ${why}`, EXIT.file, { cause: err });
}

/**
 * A request followed to its end that ended without a proof (exit 7): request_expired, request_failed,
 * request_cancelled. `detail` is the last cause, as ": <cause>".
 */
export function requestEnded(id: string, status: string, detail = ''): CliError {
  const code = status === 'expired' || status === 'failed' || status === 'cancelled' ? `request_${status}` : 'request_ended';
  const todo = status === 'expired' ? 'submit it again with a later --deadline, a higher --max-price or a wider --allow-list' : `see its history with proofmarket status ${id}, then submit it again`;
  return new CliError(code, `request ${id} ${status}${detail}; ${todo}`, EXIT.ended);
}

/**
 * Any error a command threw, as the CliError to print: CliErrors as they are; the raw errors a user can cause
 * (a file that is not there, a port that is taken, a coordinator that is down, a JSON file that does not parse)
 * mapped to their class; another Error is `failed` (exit 1); a TypeError and the like is a bug (internal_error,
 * exit 70).
 */
export function asCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const first = String(e?.message ?? err).split('\n')[0]!;
  switch (e?.code) {
    case 'EADDRINUSE':
      return new CliError('port_in_use', `port ${e.port ?? ''} on ${e.address ?? 'this host'} is taken by another program: stop it, or pass another --port (0 picks a free one)`, EXIT.port, { cause: err });
    case 'EACCES':
    case 'EPERM':
      if (e.syscall === 'listen' || e.syscall === 'bind') return new CliError('port_not_allowed', `not allowed to listen on port ${e.port ?? ''}: ports below 1024 need privileges; pass --port 1024 or above`, EXIT.port, { cause: err });
      return fileError(e.path ?? 'a file', err);
    case 'ENOENT':
    case 'EISDIR':
      return fileError(e.path ?? 'a file', err);
    case 'ECONNREFUSED':
      return new CliError('coordinator_unreachable', `${first} (is it running? start one with proofmarket serve, or pass --coordinator URL)`, EXIT.unreachable, { cause: err });
  }
  if (err instanceof SyntaxError && /JSON/.test(first)) return fileError('a file', err);
  // Errors the code throws on purpose (a tool that failed, a chain that refused): the operation failed.
  if (err instanceof Error && !(err instanceof TypeError) && !(err instanceof ReferenceError) && !(err instanceof RangeError)) {
    return new CliError('failed', first, EXIT.failed, { cause: err });
  }
  return new CliError('internal_error', `${first} (a bug: run again with --debug for the stack, and report it)`, EXIT.internal, { cause: err });
}

/**
 * The catalogue's hint for a refusal line `<code>: <message>` (what `toCliError` makes of a ProofMarketError),
 * or undefined when the line is not one. The hint goes on a second line on a terminal only: scripts and the
 * tests read exactly one line on stderr.
 */
export function refusalHint(message: string): string | undefined {
  const code = /^([a-z][a-z0-9_]*): /.exec(message)?.[1];
  return code !== undefined && isErrorCode(code) ? ERRORS[code].hint : undefined;
}
