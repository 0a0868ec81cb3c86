// What the job commands (post-job, fund, match, accept, jobs, status --job, cancel --job) share: their option
// checks and how a job is shown.
import type { JobView } from '../api/index.ts';
import { parseEther } from '../domain/jobs/ether.ts';
import { MarketError } from '../domain/errors.ts';
import { usage } from './errors.ts';
import { paint, type Context } from './context.ts';

const JOB_ID_RE = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

/** `--job`: 0x + 64 hex digits, as post-job printed it (lower-cased). */
export function jobOption(value: string | undefined, command: string): string {
  if (value === undefined) throw usage(`--job is required (the jobId post-job printed); see proofmarket ${command} --help`);
  if (!JOB_ID_RE.test(value)) throw usage(`--job must be a job id (0x followed by 64 hex digits), got "${value.slice(0, 80)}"`);
  return value.toLowerCase();
}

export function addressOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!ADDRESS_RE.test(value)) throw usage(`--${name} must be an address (0x followed by 40 hex digits), got "${value.slice(0, 60)}"`);
  return value.toLowerCase();
}

/** `--price`: decimal ether, checked exactly as the coordinator parses it (18 decimals at most, no sign). */
export function etherOption(value: string | undefined, name: string): string {
  if (value === undefined) throw usage(`--${name} is required: the most you pay, in ether (e.g. --${name} 0.01)`);
  try {
    parseEther(value, `--${name}`);
  } catch (err) {
    if (err instanceof MarketError) throw usage(err.message);
    throw err;
  }
  return value;
}

/** A job for people: status, parties, price, spec, result, history. */
export function describeJob(ctx: Context, j: JobView): string {
  const p = paint(ctx);
  const colour = j.status === 'ACCEPTED' ? p.green : ['FAILED', 'CANCELED', 'EXPIRED'].includes(j.status) ? p.red : p.yellow;
  const lines = [`${p.bold(j.jobId)}  ${colour(j.status)}${j.failure ? ` (${j.failure})` : ''}`];
  lines.push(`  price     ${j.priceEth} ETH · requester ${j.requesterAddr}${j.providerAddr ? ` · provider ${j.providerAddr}` : ''}`);
  lines.push(`  runs      ${j.spec.image} ${JSON.stringify(j.spec.cmd)} · cpu ${j.spec.resources.cpu} · ram ${j.spec.resources.ramGB} GB · gpu ${j.spec.resources.gpu} · storage ${j.spec.resources.storageGB} GB · timeout ${j.spec.timeoutSec} s · ${j.spec.verifier}`);
  if (j.result) {
    lines.push(`  result    exit ${j.result.exitCode} · ${j.result.runtimeSec} s`);
    for (const a of j.result.artifacts) lines.push(`    ${a.path}  sha256 ${a.sha256}  ${a.size} B`);
    if (j.result.stdoutTail) lines.push(`  stdout    ${j.result.stdoutTail.trim().split('\n').slice(-3).join(' ⏎ ')}`);
  }
  lines.push('  history');
  for (const h of j.history) lines.push(`    ${h.at.slice(11, 19)}  ${h.from ?? 'new'} → ${h.to}  ${h.cause}${h.providerAddr ? ` (provider ${h.providerAddr})` : ''}`);
  return lines.join('\n');
}
