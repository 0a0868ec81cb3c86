import { terminateCurves } from '../proofs/curves.ts';

// Re-exported for the CLI's and the tests' existing imports; it lives with the proofs.
export { terminateCurves };

/**
 * Resolves after the first SIGINT/SIGTERM, once `cleanup` has finished; a second signal exits at once.
 * snarkjs keeps worker threads alive until its curve is terminated, so that is done last.
 */
export function onShutdown(cleanup: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(130);
      stopping = true;
      console.error(`\n${signal}: shutting down (press Ctrl-C again to exit at once)`);
      cleanup()
        .then(terminateCurves)
        .then(() => resolve(), (err: unknown) => {
          console.error(`shutdown failed: ${(err as Error).message}`);
          process.exit(1);
        });
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
