import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface GpuProbe {
  /** A short description of the GPU found, or null when there is none usable. */
  detect(): string | null;
}

/**
 * Looks for an NVIDIA GPU: the device node `/dev/nvidia0`, or `nvidia-smi -L` listing one. Nothing else is
 * checked (no CUDA or OpenCL runtime), which is enough to refuse `gpu_enabled` on a machine without one.
 */
export const systemGpuProbe: GpuProbe = {
  detect() {
    if (existsSync('/dev/nvidia0')) return '/dev/nvidia0';
    try {
      const out = execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5_000, stdio: ['ignore', 'pipe', 'ignore'] });
      const line = out.split('\n').find((l) => /^GPU \d+/.test(l));
      return line?.trim() ?? null;
    } catch {
      return null;
    }
  },
};
