// Pure pieces of the container executor: the command, the limits and HostConfig a job runs under, how a
// finished container's exit is classified, and how names copied out of /out are normalised. No Docker here.
import type { JobFailure, JobResources } from './types.ts';

export const GiB = 1024 ** 3;
/** Size of the container's writable /tmp (a tmpfs; its pages count against the memory limit like /out's). */
export const TMP_BYTES = 16 * 1024 * 1024;
/** Docker refuses a memory limit under 6 MiB. */
const MIN_MEMORY = 6 * 1024 * 1024;

export class JobSpecError extends Error {}

/** The argv a job runs: an array as given, a shell string as `sh -c <string>` (as the seed's agent does). */
export function normaliseCmd(cmd: string[] | string): string[] {
  if (typeof cmd === 'string') {
    if (cmd.trim() === '') throw new JobSpecError('cmd is empty');
    return ['sh', '-c', cmd];
  }
  if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((a) => typeof a !== 'string')) {
    throw new JobSpecError('cmd must be a non-empty array of strings or a shell string');
  }
  return cmd;
}

export interface ContainerLimits {
  /** Memory limit in bytes: ramGB plus the /out budget, because /out is a tmpfs whose pages count as memory. */
  memoryBytes: number;
  /** Size cap of /out in bytes (storageGB). */
  outBytes: number;
  nanoCpus: number;
  pidsLimit: number;
}

/**
 * The limits for `resources` on a host with `hostCpus` CPUs. CPUs above the host's are capped at the host's
 * (Docker refuses more); a GPU request is refused when the provider has fewer GPUs.
 */
export function containerLimits(resources: JobResources, opts: { hostCpus: number; pidsLimit: number; gpus: number }): ContainerLimits {
  const { cpu, ramGB, gpu, storageGB } = resources;
  for (const [name, value] of [['cpu', cpu], ['ramGB', ramGB], ['storageGB', storageGB]] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new JobSpecError(`resources.${name} must be a positive number`);
  }
  if (typeof gpu !== 'number' || !Number.isInteger(gpu) || gpu < 0) throw new JobSpecError('resources.gpu must be a whole number ≥ 0');
  if (gpu > opts.gpus) throw new JobSpecError(`gpu_unavailable: the job asks for ${gpu} GPU(s), this provider has ${opts.gpus}`);
  const outBytes = Math.max(4096, Math.ceil(storageGB * GiB));
  return {
    memoryBytes: Math.max(MIN_MEMORY, Math.ceil(ramGB * GiB)) + outBytes,
    outBytes,
    nanoCpus: Math.round(Math.min(cpu, opts.hostCpus) * 1e9),
    pidsLimit: opts.pidsLimit,
  };
}

/** The tmpfs options of a job's /out volume: a hard size cap, no devices, no set-uid, writable by any user. */
export function outVolumeOptions(limits: ContainerLimits): Record<string, string> {
  return { type: 'tmpfs', device: 'tmpfs', o: `size=${limits.outBytes},mode=1777,nodev,nosuid` };
}

/**
 * The HostConfig every job container runs under: no network, a read-only root filesystem, every capability
 * dropped, no privilege gain through set-uid files, memory (no swap), CPU and pids limits, a writable /tmp and
 * /out (the volume `outVolume`), capped logs, and nothing else from the host.
 */
export function jobHostConfig(limits: ContainerLimits, outVolume: string) {
  return {
    NetworkMode: 'none',
    ReadonlyRootfs: true,
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges'],
    Privileged: false,
    Memory: limits.memoryBytes,
    MemorySwap: limits.memoryBytes,
    NanoCpus: limits.nanoCpus,
    PidsLimit: limits.pidsLimit,
    Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1024 }],
    Tmpfs: { '/tmp': `rw,nosuid,nodev,noexec,size=${TMP_BYTES}` },
    Mounts: [{ Type: 'volume' as const, Source: outVolume, Target: '/out' }],
    IpcMode: 'private',
    ShmSize: 1024 * 1024,
    LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
    AutoRemove: false,
  };
}

/**
 * Why a finished job failed, if it did. A kill at the timeout is `timeout`; exit 137 under a memory limit with
 * no timeout is `oom` (Docker's State.OOMKilled stays false here, see PLATFORM.md); any other non-zero exit is
 * `error`.
 */
export function classifyExit(exit: { exitCode: number; timedOut: boolean; memoryLimited: boolean; oomKilled?: boolean }): JobFailure | undefined {
  if (exit.timedOut) return 'timeout';
  if (exit.oomKilled || (exit.exitCode === 137 && exit.memoryLimited)) return 'oom';
  return exit.exitCode === 0 ? undefined : 'error';
}

/**
 * The container path of an entry of the tar that `GET /containers/{id}/archive?path=/out` answers: engines name
 * entries `out/o.txt` (Docker) or `o.txt`/`/o.txt` (podman). `prefixed` says the archive is of the first kind
 * (see `archiveIsPrefixed`). Answers undefined for /out itself and for names that climb out of /out.
 */
export function outputPathOf(entryName: string, prefixed: boolean): string | undefined {
  let parts = entryName.split('/').filter((p) => p !== '' && p !== '.');
  if (prefixed) parts = parts.slice(1);
  if (parts.length === 0 || parts.includes('..')) return undefined;
  return `/out/${parts.join('/')}`;
}

/**
 * True when the archive's first entry is the directory `out` itself, as Docker sends it (then every name
 * carries the `out/` prefix); podman sends the directory's contents at the top instead.
 */
export function archiveIsPrefixed(firstEntry: { name: string; type: string }): boolean {
  return firstEntry.type === 'directory' && /^(\.\/|\/)?out\/?$/.test(firstEntry.name);
}

/** The outputs a job declared but did not write. Declared paths may be given with or without `/out/`. */
export function missingOutputs(declared: Array<{ path: string }>, written: string[]): string[] {
  const have = new Set(written);
  return declared
    .map((o) => (o.path.startsWith('/out/') ? o.path : `/out/${o.path.replace(/^\/+/, '')}`))
    .filter((p) => !have.has(p));
}
