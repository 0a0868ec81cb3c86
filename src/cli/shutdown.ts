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

export async function terminateCurves(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  await g.curve_bn128?.terminate();
  delete g.curve_bn128;
}
