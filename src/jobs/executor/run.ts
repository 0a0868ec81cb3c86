// Runs one job in a hardened container through the Docker Engine API and collects its outputs.
//
// /out is a size-capped tmpfs volume, so a job cannot write more than storageGB. A tmpfs dies with the last
// container that mounts it, and /out must outlive the job for its files to be copied out; so a small "holder"
// container (the busybox image, sleeping, as hardened as the job) mounts the same volume first and keeps it
// alive until the outputs are collected from it. Both containers and the volume are always removed.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type Docker from 'dockerode';
import { collectOutputs } from './collect.ts';
import { BUSYBOX_IMAGE, imagePresent } from './images.ts';
import { classifyExit, containerLimits, jobHostConfig, JobSpecError, missingOutputs, normaliseCmd, outVolumeOptions, type ContainerLimits } from './limits.ts';
import { demuxLogs, tail } from './logs.ts';
import type { ContainerJobResult, ContainerJobSpec, ExecutorOptions, JobFailure } from './types.ts';

const DEFAULT_USER = '65534:65534';
/** The holder outlives the job by this much at most, should the agent die before removing it. */
const HOLDER_GRACE_SEC = 120;

/** Runs `spec` to the end; never throws for the job's own failures, which come back in `failure` and `reason`. */
export async function runContainerJob(docker: Docker, spec: ContainerJobSpec, options: ExecutorOptions): Promise<ContainerJobResult> {
  const log = options.log ?? (() => {});
  let argv: string[];
  let limits: ContainerLimits;
  try {
    argv = normaliseCmd(spec.cmd);
    limits = containerLimits(spec.resources, { hostCpus: availableParallelism(), pidsLimit: options.pidsLimit ?? 256, gpus: options.gpus ?? 0 });
    // setTimeout fires at once past 2^31 ms (~24.8 days); a week is far more than any job here needs
    if (!Number.isFinite(spec.timeoutSec) || spec.timeoutSec <= 0 || spec.timeoutSec > 7 * 86400) throw new JobSpecError('timeoutSec must be between 0 and 604800 (a week)');
  } catch (err) {
    if (err instanceof JobSpecError) return failed('error', `invalid_job: ${err.message}`);
    throw err;
  }
  if (!(await imagePresent(docker, spec.image))) {
    return failed('error', `image_not_found: ${spec.image} is not present on this provider (no registry is reached; import it first)`);
  }
  const holderImage = options.holderImage ?? BUSYBOX_IMAGE;
  if (!(await imagePresent(docker, holderImage))) {
    return failed('error', `image_not_found: ${holderImage} (which keeps /out) is missing; run proofmarket images import-busybox`);
  }
  const run = new JobRun(docker, spec, options, limits);
  try {
    return await run.execute(argv, holderImage, log);
  } catch (err) {
    return failed('error', `container_error: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    await run.cleanup(log);
  }
}

function failed(failure: JobFailure, reason: string): ContainerJobResult {
  return { exitCode: -1, runtimeSec: 0, stdoutTail: '', stderrTail: '', artifacts: [], failure, reason, missingOutputs: [] };
}

/** The Docker objects of one run, so that cleanup can remove whatever got created. */
class JobRun {
  private readonly tag = randomBytes(4).toString('hex');
  private readonly labels: Record<string, string>;
  private volume?: Docker.Volume;
  private holder?: Docker.Container;
  private job?: Docker.Container;

  constructor(
    private readonly docker: Docker,
    private readonly spec: ContainerJobSpec,
    private readonly options: ExecutorOptions,
    private readonly limits: ContainerLimits,
  ) {
    this.labels = { 'proofmarket.job': spec.jobId };
  }

  private name(role: string): string {
    return `pm-${role}-${this.spec.jobId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}-${this.tag}`;
  }

  async execute(argv: string[], holderImage: string, log: (line: string) => void): Promise<ContainerJobResult> {
    const volumeName = this.name('out');
    await this.docker.createVolume({ Name: volumeName, Driver: 'local', DriverOpts: outVolumeOptions(this.limits), Labels: this.labels });
    this.volume = this.docker.getVolume(volumeName);
    const user = this.options.user ?? DEFAULT_USER;
    // the holder must be running before the job starts (and so before it exits); the job's create runs meanwhile
    const holderUp = this.docker
      .createContainer({
        name: this.name('holder'),
        Image: holderImage,
        Cmd: ['sleep', String(Math.ceil(this.spec.timeoutSec) + HOLDER_GRACE_SEC)],
        User: user,
        Labels: { ...this.labels, 'proofmarket.role': 'holder' },
        HostConfig: { ...jobHostConfig({ memoryBytes: 16 * 1024 * 1024, outBytes: 0, nanoCpus: 0.1e9, pidsLimit: 4 }, volumeName), Tmpfs: {} },
      })
      .then(async (holder) => {
        this.holder = holder;
        await holder.start();
        return holder;
      });
    const jobCreated = this.docker
      .createContainer({
        name: this.name('job'),
        Image: this.spec.image,
        Cmd: argv,
        User: user,
        Hostname: 'job',
        NetworkDisabled: true,
        Labels: { ...this.labels, 'proofmarket.role': 'job' },
        HostConfig: jobHostConfig(this.limits, volumeName),
      })
      .then((job) => (this.job = job));
    // both settle before going on, so that cleanup sees every container that got created
    const [holder, job] = await settledBoth(holderUp, jobCreated);
    const started = performance.now();
    await job.start();
    const { exitCode, timedOut } = await waitOrKill(job, this.spec.timeoutSec);
    const runtimeSec = Math.round(performance.now() - started) / 1000;
    log(`Container finished with status: ${exitCode}${timedOut ? ' (killed at its timeout)' : ''}`);
    const [info, rawLogs, artifacts] = await Promise.all([
      job.inspect(),
      job.logs({ stdout: true, stderr: true, follow: false }) as unknown as Promise<Buffer>,
      collectOutputs(holder, this.spec.jobId, this.options.sink),
    ]);
    const oomKilled = info.State.OOMKilled;
    const logs = demuxLogs(rawLogs);
    const failure = classifyExit({ exitCode, timedOut, memoryLimited: true, oomKilled });
    const tailBytes = this.options.tailBytes ?? 4096;
    return {
      exitCode,
      runtimeSec,
      stdoutTail: tail(logs.stdout, tailBytes),
      stderrTail: tail(logs.stderr, tailBytes),
      artifacts,
      ...(failure ? { failure, reason: reasonOf(failure, exitCode, this.spec.timeoutSec) } : {}),
      missingOutputs: missingOutputs(this.spec.outputs ?? [], artifacts.map((a) => a.path)),
    };
  }

  /** Removes the job, the holder and the volume, whatever state they are in; a failure is logged, not thrown. */
  async cleanup(log: (line: string) => void): Promise<void> {
    const containers = [this.job, this.holder].filter((c) => c !== undefined);
    await Promise.all(containers.map((c) => c.remove({ force: true, v: true }).catch((err: Error) => log(`could not remove container ${c.id}: ${err.message}`))));
    if (this.volume) await this.volume.remove().catch((err: Error) => log(`could not remove volume ${this.volume!.name}: ${err.message}`));
  }
}

async function settledBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/** Waits for the container to exit, killing it (SIGKILL) at `timeoutSec`. `timedOut` only if the kill landed. */
async function waitOrKill(container: Docker.Container, timeoutSec: number): Promise<{ exitCode: number; timedOut: boolean }> {
  const waiting = container.wait() as Promise<{ StatusCode: number }>;
  let killing: Promise<boolean> | undefined;
  const timer = setTimeout(() => {
    killing = container.kill().then(
      () => true,
      () => false, // it had exited already
    );
  }, timeoutSec * 1000);
  try {
    const { StatusCode } = await waiting;
    return { exitCode: StatusCode, timedOut: killing ? await killing : false };
  } finally {
    clearTimeout(timer);
  }
}

function reasonOf(failure: JobFailure, exitCode: number, timeoutSec: number): string {
  if (failure === 'timeout') return `timeout: killed after ${timeoutSec} s`;
  if (failure === 'oom') return 'oom: killed for exceeding its memory limit (exit 137)';
  return `exit_nonzero: the job exited with status ${exitCode}`;
}
