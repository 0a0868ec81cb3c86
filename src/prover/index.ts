export { ProverNode, BACKENDS, type ProverNodeEvents, type ProverNodeOptions, type ProverStats, type StopOptions } from './node.ts';
export { resolveConfig, proverConfig, ConfigError, DEFAULT_CONFIG, OPTIONS, type ProverConfig, type ConfigSources } from './config.ts';
export { ProverStartError, ArtifactError, ProveError } from './errors.ts';
export type { TaskPhase, TaskState } from './task-state.ts';
