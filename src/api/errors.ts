/**
 * The API's error codes: every code the coordinator sends, its HTTP status and a one-line hint.
 *
 * The table itself is `src/domain/error-codes.ts`, because domain/ throws these codes and may import nothing of
 * ours; this module is its place in the API contract, and renders the README's "Error codes" table.
 */
import { ERRORS, type ErrorCode } from '../domain/error-codes.ts';

export { ERRORS, isErrorCode, type ErrorCode, type ErrorCodeWithStatus, type ErrorSpec, type ErrorStatus } from '../domain/error-codes.ts';

/** README's "Error codes" table: code | HTTP | what to do, one row per code, in the catalogue's order. */
export function errorTableMarkdown(): string {
  const rows = (Object.keys(ERRORS) as ErrorCode[]).map((code) => `| \`${code}\` | ${ERRORS[code].status} | ${ERRORS[code].hint.replaceAll('|', '\\|')} |`);
  return ['| code | HTTP | what to do |', '| --- | --- | --- |', ...rows].join('\n');
}
