import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

export interface CliProcess {
  proc: ChildProcess;
  pid: number;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and waits for the exit; returns the exit code (or null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `proofmarket <args>` as a separate process (through tsx). */
export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  return spawnTs(MAIN, args, env);
}

/**
 * Runs a TypeScript file as a separate process (through tsx). `PM_CHILD_NODE_ARGS` adds node flags node refuses in
 * NODE_OPTIONS, e.g. `PM_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- lifecycle` to profile
 * the coordinator a benchmark starts.
 */
export function spawnTs(file: string, args: string[] = [], env: Record<string, string> = {}): CliProcess {
  const proc = spawn(process.execPath, [...(process.env.PM_CHILD_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = once(proc, 'exit').then(([code]) => code as number | null);
  return {
    proc,
    pid: proc.pid!,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/**
 * Waits until `pattern` appears in the process output; fails with the output if it exits or times out.
 * PM_SPAWN_TIMEOUT_MS lengthens the default wait (`npm run bench -- all` on a loaded machine, where creating a
 * fresh embedded store alone can take 30 s).
 */
export async function waitForOutput(p: CliProcess, pattern: RegExp, timeoutMs = Number(process.env.PM_SPAWN_TIMEOUT_MS ?? 30_000)): Promise<RegExpMatchArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = p.output().match(pattern);
    if (m) return m;
    if (p.proc.exitCode !== null || p.proc.signalCode !== null) throw new Error(`process exited before printing ${pattern}:\n${p.output()}`);
    if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts `proofmarket serve` and resolves with its URL once it listens. `open` (default true: the tests and
 * benches that use it call unsigned) passes `--open`.
 */
export async function spawnCoordinator(args: string[], env: Record<string, string> = {}, { open = true } = {}): Promise<CliProcess & { url: string }> {
  const p = spawnCli(['serve', '--port', '0', '--log-level', 'warn', ...(open ? ['--open'] : []), ...args], env);
  try {
    const [, url] = await waitForOutput(p, /listening on (http:\/\/[^\s]+)/);
    return { ...p, url: url! };
  } catch (err) {
    await p.stop('SIGKILL'); // not left running behind a failed start
    throw err;
  }
}
