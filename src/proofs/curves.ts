/**
 * snarkjs keeps its worker threads (and so the process) alive until its bn128 curve is terminated: every
 * process or test that proved or verified in the main thread calls this last.
 */
export async function terminateCurves(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  await g.curve_bn128?.terminate();
  delete g.curve_bn128;
}
