// The container executor (issue #15 §3): one job in a hardened Docker container, its outputs hashed and stored.
export type { Artifact, ArtifactSink, ContainerJobResult, ContainerJobSpec, ExecutorOptions, JobFailure, JobResources } from './types.ts';
export { runContainerJob } from './run.ts';
export { LocalDirectorySink } from './local-sink.ts';
export { BUSYBOX_ALIASES, BUSYBOX_IMAGE, dockerFromEnv, dockerReachable, imagePresent, importBusybox, listLocalImages } from './images.ts';
export { GiB, normaliseCmd } from './limits.ts';
