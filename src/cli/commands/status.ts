import { ConnectionError, ProofMarketError } from '../../sdk/client.ts';
import type { RequestView, TaskDetail, TaskHistoryEntry, TaskStatus } from '../../api/index.ts';
import { parse } from '../args.ts';
import { CliError, EXIT, usage, requestEnded } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, money, note, openContext, paint, positionalArgs, ProgressLine, toCliError, type Context } from '../context.ts';
import { describeJob, jobOption } from '../job-options.ts';
import { FINAL_JOB_STATUSES, waitForJob } from '../../sdk/jobs.ts';

export const help = `proofmarket status — a request's status, price, auction round and history

Reads GET /v1/requests/:id (seed tasks too: GET /v1/tasks/:id). With --watch, follows the request's events
(GET /v1/events) until it is completed, failed or expired: one line per status change, and a live line on a
terminal; then the final status. Exit code 7 when it ends failed or expired; Ctrl-C stops watching (exit 130)
and leaves the request in the market.

With --job, a container job instead (GET /jobs/:jobId): status, provider, result and history; --watch waits
until it is final (ACCEPTED, CANCELED, FAILED, EXPIRED).

Usage:
  proofmarket status <request_id> [--watch]
  proofmarket status --job <jobId> [--watch]

Options:
  --job JOBID   a container job's status
  --watch       follow the request until it is final
  --interval MS while watching, how long to wait before reconnecting a dropped stream (default 500)

${GLOBAL_HELP}

Example:
  proofmarket status 660e8400-e29b-41d4-a716-446655440001 --watch`;

const OPTIONS = { ...GLOBAL_OPTIONS, watch: { type: 'boolean' }, interval: { type: 'string' }, job: { type: 'string' } } as const;

export const FINAL = new Set(['completed', 'failed', 'expired']);

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  if (v.job !== undefined) return jobStatus(v, positionals);
  const [id] = positionalArgs(positionals, ['request_id'], 'status');
  const interval = v.interval === undefined ? 500 : Number(v.interval);
  if (!Number.isInteger(interval) || interval < 50 || interval > 60_000) throw usage('--interval must be milliseconds from 50 to 60000');
  const ctx = await openContext(v, { signs: false });
  if (!v.watch) {
    const view = await guard(() => lookup(ctx, id!));
    emit(ctx, view, () => describe(ctx, view));
    return;
  }
  const final = await follow(ctx, id!, { intervalMs: interval });
  if (final === 'interrupted') return interrupted(ctx, id!);
  // Its history went out line by line while watching: the summary does not repeat it.
  emit(ctx, final, () => (ctx.quiet ? final.status : describe(ctx, final, { history: false })));
  if (final.status !== 'completed') throw requestEnded(id!, final.status, lastCause(final));
}

/** `status --job`: a container job, or with --watch its final state (exit 7 unless ACCEPTED). */
async function jobStatus(v: { job?: string; watch?: boolean; coordinator?: string; key?: string; json?: boolean; quiet?: boolean }, positionals: string[]): Promise<void> {
  positionalArgs(positionals, [], 'status');
  const jobId = jobOption(v.job, 'status');
  const ctx = await openContext(v, { signs: false });
  const view = await guard(() => (v.watch ? waitForJob(ctx.client, jobId) : ctx.client.getJob(jobId)));
  emit(ctx, view, () => (ctx.quiet ? view.status : describeJob(ctx, view)));
  if (v.watch && FINAL_JOB_STATUSES.has(view.status) && view.status !== 'ACCEPTED') throw new CliError('job_ended', `job ${jobId} ${view.status}: proofmarket status --job ${jobId} shows why`, EXIT.ended);
}

/** A request's view; a seed task the v1 request route does not know is read from GET /v1/tasks/:id. */
async function lookup(ctx: Context, id: string): Promise<RequestView | TaskDetail> {
  try {
    return await ctx.client.getRequest(id);
  } catch (err) {
    if (err instanceof ProofMarketError && err.status === 404) {
      try {
        return await ctx.client.getTask(id);
      } catch (again) {
        if (again instanceof ProofMarketError && again.status === 404) throw err;
        throw again;
      }
    }
    throw err;
  }
}

export function describe(ctx: Context, r: RequestView | TaskDetail, opts: { history?: boolean } = {}): string {
  const p = paint(ctx);
  const id = 'request_id' in r ? r.request_id : r.task_id;
  const colour = r.status === 'completed' ? p.green : r.status === 'failed' || r.status === 'expired' ? p.red : p.yellow;
  const lines = [`${p.bold(id)}  ${colour(r.status)}`];
  if ('request_id' in r) {
    lines.push(`  program   ${r.program_id} (${r.backend})`);
    lines.push(`  terms     max price ${money(r.max_price)} · min reputation ${r.min_reputation} · priority ${r.priority} · privacy level ${r.privacy_level} · deadline ${r.deadline}`);
    lines.push(`  market    ${r.mechanism}${r.round ? `, round ${r.round}` : ''}${r.auction ? `, phase ${r.auction.phase}` : ''}${r.price ? ` · price ${money(r.price)}` : ''}${r.assigned_prover ? ` · prover ${r.assigned_prover}` : ''}`);
  } else {
    lines.push(`  program   ${r.program_id ?? '-'} · reward ${money(r.reward_amount)} · privacy level ${r.privacy_level}${r.assigned_prover ? ` · prover ${r.assigned_prover}` : ''}`);
  }
  const history = opts.history === false ? [] : (r.history ?? []);
  if (history.length) {
    lines.push('  history');
    for (const h of history) lines.push(`    ${historyLine(h)}`);
  }
  return lines.join('\n');
}

export function historyLine(h: TaskHistoryEntry): string {
  const time = h.at.slice(11, 19);
  const detail = h.detail && Object.keys(h.detail).length ? ` ${Object.entries(h.detail).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(' ')}` : '';
  return `${time}  ${h.from ?? 'new'} → ${h.to}  ${h.cause}${h.prover_id ? ` (prover ${h.prover_id})` : ''}${detail}`;
}

function lastCause(r: RequestView): string {
  const last = r.history.at(-1);
  return last ? `: ${last.cause}${last.detail?.reason ? ` (${String(last.detail.reason)})` : ''}` : '';
}

/**
 * Follows a request until it is completed, failed or expired, and returns its final view; `'interrupted'`
 * after Ctrl-C (the request stays in the market). It listens to the request's events (GET /v1/events), each
 * status change printed once as a line on stderr (none with --quiet); on a terminal a progress line redraws
 * in place below them. A coordinator restarting is no reason to give up following; a minute without one is.
 */
export async function follow(ctx: Context, id: string, opts: { intervalMs?: number } = {}): Promise<RequestView | 'interrupted'> {
  const progress = new ProgressLine(ctx);
  const started = Date.now();
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.on('SIGINT', onSigint);
  const spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let tick = 0;
  let view: RequestView | undefined;
  const redraw = () => view && progress.update(`${spinner[tick++ % spinner.length]} ${id.slice(0, 8)}  ${progressText(view)}  ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const ticker = ctx.live ? setInterval(redraw, 250) : undefined; // the spinner and the clock only: no calls
  const print = (h: TaskHistoryEntry) => {
    progress.clear();
    note(ctx, `${id.slice(0, 8)}  ${historyLine(h)}`);
  };
  try {
    view = await guard(() => ctx.client.getRequest(id));
    if (FINAL.has(view.status)) {
      view.history.forEach(print);
      return view;
    }
    const events = ctx.client.events({ request: id }, {
      after: '0', // its whole history, then live: each transition once
      signal: stop.signal,
      reconnectMs: opts.intervalMs ?? 500,
      onDisconnect: () => {
        progress.clear();
        note(ctx, `${id.slice(0, 8)}  lost the coordinator's event stream; reconnecting (for up to a minute)`);
      },
    });
    for await (const e of events) {
      print({ at: e.at, from: e.from_status as TaskStatus | null, to: e.to_status as TaskStatus, cause: e.cause ?? e.kind, prover_id: e.prover_id, detail: e.detail });
      const ended = e.to_status !== null && FINAL.has(e.to_status as TaskStatus);
      view = await refresh(ctx, id, view, ended);
      // Ends on the final event itself, not on a fresher view: the view may already be final while its last
      // transition is still on its way here, and that line would never be printed.
      if (ended) {
        progress.clear();
        return view;
      }
      redraw();
    }
    progress.clear();
    return 'interrupted';
  } catch (err) {
    throw toCliError(err);
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSigint);
  }
}

/**
 * The request's view after an event. A coordinator that cannot be reached keeps the last view (its stream
 * reconnects or gives up), unless the event was final: that view is needed, so it is asked again for a minute.
 */
async function refresh(ctx: Context, id: string, last: RequestView, final: boolean): Promise<RequestView> {
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      return await ctx.client.getRequest(id);
    } catch (err) {
      if (!(err instanceof ConnectionError)) throw err;
      if (!final) return last;
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

function progressText(r: RequestView): string {
  const a = r.auction;
  switch (r.status) {
    case 'pending': {
      if (!a || r.mechanism === 'fixed') return 'pending: waiting for a prover to take it';
      const closes = a.phase === 'reveal' ? a.reveal_closes_at : a.bid_closes_at;
      const left = closes ? Math.max(0, Math.round((Date.parse(closes) - Date.now()) / 1000)) : null;
      const price = a.mechanism === 'rising' && a.current_price ? ` · price now ${money(a.current_price)}` : '';
      return `auction ${a.mechanism} round ${a.round}: ${a.phase}${left === null ? '' : ` (closes in ${left} s)`}${price}`;
    }
    case 'assigned':
      return `assigned to ${r.assigned_prover}${r.price ? ` at ${money(r.price)}` : ''}: waiting for it to start`;
    case 'in_progress':
      return `proving on ${r.assigned_prover}${r.price ? ` at ${money(r.price)}` : ''}`;
    default:
      return r.status;
  }
}

/** After Ctrl-C while following: how to pick it up again. Exit code 130, as for any interrupted command. */
export function interrupted(ctx: Context, id: string): never {
  if (ctx.json) process.stdout.write(`${JSON.stringify({ request_id: id, interrupted: true, resume: `proofmarket status ${id} --watch` }, null, 2)}\n`);
  process.stderr.write(`stopped waiting; request ${id} is still in the market. Resume with: proofmarket status ${id} --watch\n`);
  process.exit(130);
}
