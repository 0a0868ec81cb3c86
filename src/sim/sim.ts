/** Runs one simulation: the public entry the CLI (main.ts) and the test use. */
import type { Engine, SimOptions } from './engine.ts';
import { summarize, type RunSummary } from './report.ts';
import { Driver } from './rounds.ts';

export { SIM_MECHANISMS, type SimMechanism, type SimOptions } from './engine.ts';

export function runSimulation(opts: SimOptions): { engine: Engine; summary: RunSummary } {
  const started = performance.now();
  const engine = new Driver(opts).run();
  return { engine, summary: summarize(engine, performance.now() - started) };
}
