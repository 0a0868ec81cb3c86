// The provider agent (issue #15 §3, the seed's provider-agent): polls the coordinator for jobs matched to this
// provider, runs each in a hardened container, and submits the results. The coordinator side is the JobFeed
// (the SDK's job methods behind it); running a job is `execute` (runContainerJob behind it). One job per
// capacity slot at a time; a bad job, a failed poll or a failed submission is logged, never fatal.
import type Docker from 'dockerode';
import { LocalDirectorySink } from './executor/local-sink.ts';
import { dockerReachable } from './executor/images.ts';
import { normaliseCmd } from './executor/limits.ts';
import { runContainerJob } from './executor/run.ts';
import type { ArtifactSink, ContainerJobResult, ContainerJobSpec, ExecutorOptions } from './executor/types.ts';

/** What the agent sends back for a job: the seed's `POST /results` body, plus why it failed when it did. */
export interface JobResultSubmission {
  jobId: string;
  artifacts: ContainerJobResult['artifacts'];
  stdoutTail: string;
  stderrTail: string;
  runtimeSec: number;
  exitCode: number;
  failure?: ContainerJobResult['failure'];
  reason?: string;
}

/** The coordinator as the agent sees it. */
export interface JobFeed {
  /** Jobs in MATCHED for this provider (the seed's `GET /jobs?status=MATCHED&provider=…`). */
  matchedJobs(provider: string): Promise<ContainerJobSpec[]>;
  /** MATCHED → RUNNING; throws when the coordinator refuses (the job was cancelled, or matched elsewhere). */
  markRunning(jobId: string): Promise<void>;
  submitResults(result: JobResultSubmission): Promise<void>;
}

export interface AgentOptions {
  provider: string;
  feed: JobFeed;
  execute: (spec: ContainerJobSpec) => Promise<ContainerJobResult>;
  /** Between polls; the seed's agent polls every 5 s. */
  pollIntervalMs?: number;
  /** Jobs run at once. Default 1. */
  slots?: number;
  log?: (line: string) => void;
}

/** A result the coordinator keeps refusing is dropped after this many tries (one per poll). */
export const MAX_SUBMIT_ATTEMPTS = 10;

export class ProviderAgent {
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Results whose submission failed, tried again at each poll (up to MAX_SUBMIT_ATTEMPTS times in all). */
  private readonly unsent = new Map<string, { submission: JobResultSubmission; attempts: number }>();
  private readonly log: (line: string) => void;
  private stopping?: AbortController;
  private loop?: Promise<void>;

  constructor(private readonly options: AgentOptions) {
    this.log = options.log ?? ((line) => console.log(line));
  }

  /** Polls until stop(). */
  start(): void {
    if (this.loop) return;
    const stopping = (this.stopping = new AbortController());
    this.loop = (async () => {
      while (!stopping.signal.aborted) {
        await this.pollOnce();
        await sleep(this.options.pollIntervalMs ?? 5000, stopping.signal);
      }
    })();
  }

  /** Stops polling and waits for the jobs in flight to finish and be submitted. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = undefined;
    await this.idle();
  }

  /** Resolves when no job is in flight. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight.values());
  }

  /** One poll: resubmits unsent results, then starts as many new matched jobs as there are free slots. */
  async pollOnce(): Promise<void> {
    for (const { submission } of [...this.unsent.values()]) await this.submit(submission);
    let jobs: ContainerJobSpec[];
    try {
      jobs = await this.options.feed.matchedJobs(this.options.provider);
    } catch (err) {
      this.log(`Error polling for jobs: ${(err as Error).message}`);
      return;
    }
    if (jobs.length > 0) this.log(`Found ${jobs.length} matched jobs`);
    const slots = this.options.slots ?? 1;
    for (const job of jobs) {
      if (this.inFlight.has(job.jobId) || this.unsent.has(job.jobId)) continue;
      if (this.inFlight.size >= slots) continue;
      const running = this.process(job).finally(() => this.inFlight.delete(job.jobId));
      this.inFlight.set(job.jobId, running);
    }
  }

  private async process(job: ContainerJobSpec): Promise<void> {
    this.log(`Processing job: ${job.jobId}`);
    this.log(`Processing job details - ID: '${job.jobId}', Image: '${job.image}', Cmd: [${describeCmd(job.cmd)}]`);
    try {
      await this.options.feed.markRunning(job.jobId);
    } catch (err) {
      this.log(`Could not start job ${job.jobId}: ${(err as Error).message}`);
      return;
    }
    let result: ContainerJobResult;
    try {
      result = await this.options.execute(job);
    } catch (err) {
      // the engine went away or answered nonsense: the job still gets an answer, so it does not hang in RUNNING
      result = { exitCode: -1, runtimeSec: 0, stdoutTail: '', stderrTail: '', artifacts: [], failure: 'error', reason: `executor_error: ${(err as Error).message.split('\n')[0]}`, missingOutputs: [] };
    }
    if (result.failure) this.log(`Job ${job.jobId} failed: ${result.reason ?? result.failure}`);
    await this.submit(submissionOf(job.jobId, result));
  }

  private async submit(submission: JobResultSubmission): Promise<void> {
    try {
      await this.options.feed.submitResults(submission);
      this.unsent.delete(submission.jobId);
      this.log(`Results submitted for job: ${submission.jobId}`);
    } catch (err) {
      const attempts = (this.unsent.get(submission.jobId)?.attempts ?? 0) + 1;
      this.log(`Error submitting results for job ${submission.jobId}: ${(err as Error).message}`);
      if (attempts < MAX_SUBMIT_ATTEMPTS) this.unsent.set(submission.jobId, { submission, attempts });
      else {
        this.unsent.delete(submission.jobId);
        this.log(`Giving up on submitting results for job ${submission.jobId} after ${attempts} attempts`);
      }
    }
  }
}

export function submissionOf(jobId: string, r: ContainerJobResult): JobResultSubmission {
  return {
    jobId,
    artifacts: r.artifacts,
    stdoutTail: r.stdoutTail,
    stderrTail: r.stderrTail,
    runtimeSec: r.runtimeSec,
    exitCode: r.exitCode,
    ...(r.failure ? { failure: r.failure, reason: r.reason } : {}),
  };
}

/** The command as the seed's agent prints it: `sh -c echo "…" > /out/output.txt`. */
function describeCmd(cmd: ContainerJobSpec['cmd']): string {
  try {
    return normaliseCmd(cmd).join(' ');
  } catch {
    return String(cmd);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * The agent on a Docker engine, as `proofmarket provider` runs it: checks the engine, then polls. Outputs go
 * to `sink`, by default a directory per job under `outputsDir`.
 */
export async function startDockerAgent(opts: {
  docker: Docker;
  provider: string;
  feed: JobFeed;
  outputsDir: string;
  sink?: ArtifactSink;
  executor?: Omit<ExecutorOptions, 'sink' | 'log'>;
  pollIntervalMs?: number;
  slots?: number;
  log?: (line: string) => void;
}): Promise<ProviderAgent> {
  const log = opts.log ?? ((line: string) => console.log(line));
  log('Provider Agent starting...');
  if (!(await dockerReachable(opts.docker))) throw new Error('no Docker engine answers; start dockerd or set PROOFMARKET_DOCKER_SOCKET');
  log('Connected to Docker');
  const local = new LocalDirectorySink(opts.outputsDir);
  const sink = opts.sink ?? local;
  const agent = new ProviderAgent({
    provider: opts.provider,
    feed: opts.feed,
    pollIntervalMs: opts.pollIntervalMs,
    slots: opts.slots,
    log,
    execute: (spec) => {
      if (sink === local) log(`Job output directory: ${local.jobDir(spec.jobId)}`);
      return runContainerJob(opts.docker, spec, { ...opts.executor, sink, log });
    },
  });
  agent.start();
  return agent;
}
