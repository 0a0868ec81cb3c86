import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from './local-postgres.ts';

const BIN = fileURLToPath(new URL('../../bin/proofmarket.js', import.meta.url));

/** One `proofmarket serve` child process on a fixed port (kept across restarts, so the proxy's list holds). */
export interface Replica {
  index: number;
  port: number;
  url: string;
  proc: ChildProcess | undefined;
  /** How many times it was started. */
  starts: number;
}

export interface ReplicaSetOptions {
  count: number;
  databaseUrl: string;
  /** Extra `serve` flags, e.g. ['--open', '--verifier-threads', '1']. */
  serveArgs?: string[];
  /** Where a replica's output goes (default: kept, and shown only when it fails to start). */
  onOutput?: (index: number, text: string) => void;
  /** How long a replica may take to listen (default 60 s). */
  startTimeoutMs?: number;
}

/**
 * N coordinator replicas as child processes on one database, each started, killed (by its PID) and restarted
 * on its own port. Used by `proofmarket cluster`, the chaos test and the benches.
 */
export class ReplicaSet {
  readonly replicas: Replica[] = [];

  private constructor(readonly opts: ReplicaSetOptions) {}

  static async start(opts: ReplicaSetOptions): Promise<ReplicaSet> {
    const set = new ReplicaSet(opts);
    for (let i = 0; i < opts.count; i++) {
      const port = await freePort();
      set.replicas.push({ index: i, port, url: `http://127.0.0.1:${port}`, proc: undefined, starts: 0 });
    }
    // One at a time at first: the migrations run under an advisory lock anyway, and the output stays readable.
    try {
      for (const r of set.replicas) await set.startReplica(r.index);
    } catch (err) {
      await set.stopAll();
      throw err;
    }
    return set;
  }

  get urls(): string[] {
    return this.replicas.map((r) => r.url);
  }

  /** Starts replica `i` (not running) and resolves once it listens. */
  async startReplica(i: number): Promise<void> {
    const r = this.replicas[i]!;
    if (r.proc && r.proc.exitCode === null && r.proc.signalCode === null) throw new Error(`replica ${i} is running`);
    const args = [BIN, 'serve', '--host', '127.0.0.1', '--port', String(r.port), '--database-url', this.opts.databaseUrl, '--log-level', 'warn', ...(this.opts.serveArgs ?? [])];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    r.proc = proc;
    r.starts++;
    let out = '';
    const onData = (d: Buffer) => {
      const text = d.toString();
      if (out.length < 64_000) out += text;
      this.opts.onOutput?.(i, text);
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    const until = Date.now() + (this.opts.startTimeoutMs ?? 60_000);
    while (!/listening on http/.test(out)) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`replica ${i} exited before listening:\n${out}`);
      if (Date.now() > until) {
        proc.kill('SIGKILL');
        throw new Error(`replica ${i} did not listen within ${this.opts.startTimeoutMs ?? 60_000} ms:\n${out}`);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  isRunning(i: number): boolean {
    const p = this.replicas[i]!.proc;
    return p !== undefined && p.exitCode === null && p.signalCode === null;
  }

  /** Sends `signal` to replica `i`'s PID and waits for it to exit. */
  async kill(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.replicas[i]!.proc;
    if (!p || !this.isRunning(i)) return;
    const exited = once(p, 'exit');
    p.kill(signal);
    await exited;
  }

  /** Stops every replica: SIGTERM, then SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    await Promise.all(
      this.replicas.map(async (r) => {
        if (!this.isRunning(r.index)) return;
        const timer = setTimeout(() => r.proc?.kill('SIGKILL'), graceMs);
        await this.kill(r.index, 'SIGTERM');
        clearTimeout(timer);
      }),
    );
  }
}
