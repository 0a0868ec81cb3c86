import type { Readable } from 'node:stream';

/** What a job asks for, in the seed's units: CPUs (may be fractional), GB of RAM and of output storage, GPUs. */
export interface JobResources {
  cpu: number;
  ramGB: number;
  gpu: number;
  storageGB: number;
}

/** A job as the provider receives it (the seed's `GET /jobs?status=MATCHED` entry). */
export interface ContainerJobSpec {
  jobId: string;
  image: string;
  /** An argv, or a shell string that runs as `sh -c <string>`. */
  cmd: string[] | string;
  resources: JobResources;
  /** The files the requester expects under /out (every regular file under /out is collected regardless). */
  outputs: Array<{ path: string }>;
  timeoutSec: number;
}

/** One collected output: its path in the container (`/out/…`), SHA-256 (hex), size and where it was stored. */
export interface Artifact {
  path: string;
  sha256: string;
  size: number;
  localUri: string;
}

export type JobFailure = 'oom' | 'timeout' | 'error';

export interface ContainerJobResult {
  exitCode: number;
  runtimeSec: number;
  stdoutTail: string;
  stderrTail: string;
  artifacts: Artifact[];
  /** Set when the job did not succeed: killed for memory, killed at its timeout, or any other failure. */
  failure?: JobFailure;
  /** Why, in one line, when `failure` is set (e.g. `image_not_found: alpine is not present on this provider`). */
  reason?: string;
  /** Declared outputs (`spec.outputs`) that the job did not write. */
  missingOutputs: string[];
}

/**
 * Where collected outputs go. The local directory sink below is the default; the content-addressed artifact
 * store plugs in here. `store` consumes `content` fully and answers the URI the result reports as `localUri`.
 */
export interface ArtifactSink {
  store(jobId: string, path: string, content: Readable): Promise<string>;
}

/** The executor's knobs that are the provider's choice, not the job's. */
export interface ExecutorOptions {
  sink: ArtifactSink;
  /** Maximum processes and threads in the container (a fork bomb stops here). Default 256. */
  pidsLimit?: number;
  /** The user the job runs as. Default `65534:65534` (nobody). */
  user?: string;
  /** The image of the small container that keeps /out alive after the job exits. Default `proofmarket/busybox:1`. */
  holderImage?: string;
  /** Bytes of stdout and of stderr kept in the result. Default 4096. */
  tailBytes?: number;
  /** GPUs this provider can give a job. Default 0: a job asking for one fails before it starts. */
  gpus?: number;
  /** Called with each step, for the agent's log. */
  log?: (line: string) => void;
}
