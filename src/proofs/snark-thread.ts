// Makes snarkjs usable inside our own worker threads. Import this module first in any worker that uses
// snarkjs, and call `useSingleThreadedCurve()` before the first proof or verification.
import * as ffjavascript from 'ffjavascript';

/**
 * snarkjs builds its bn128 curve with a pool of worker threads of its own. Inside one of our pool's
 * workers that would nest thread pools and oversubscribe the cores, so each of our workers installs a
 * single-threaded curve where snarkjs looks for its cached one (`globalThis.curve_bn128`).
 */
export async function useSingleThreadedCurve(): Promise<void> {
  const g = globalThis as { curve_bn128?: unknown };
  if (!g.curve_bn128) g.curve_bn128 = await ffjavascript.buildBn128(true);
}
