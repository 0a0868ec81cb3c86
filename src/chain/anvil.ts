/**
 * A local EVM chain for development and tests: anvil from the `@foundry-rs/anvil-linux-amd64` npm package (no
 * download at run time), on 127.0.0.1 and a free port, stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';

export interface Anvil {
  rpcUrl: string;
  port: number;
  pid: number;
  /** Stops this anvil (SIGTERM to its PID, SIGKILL if it lingers) and waits for it to exit. */
  stop(): Promise<void>;
}

/** anvil's binary, or null when the package is not installed (e.g. another platform). */
export function anvilBinary(): string | null {
  try {
    const path = createRequire(import.meta.url).resolve('@foundry-rs/anvil-linux-amd64/bin/anvil');
    return existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/** A port nobody listens on now (the kernel's choice for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function rpcAnswers(rpcUrl: string): Promise<boolean> {
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(1_000),
    });
    return res.ok;
  } catch {
    return false;
  }
}

export interface StartAnvilOptions {
  port?: number;
  /** Seconds between blocks; by default anvil mines one block per transaction. */
  blockTime?: number;
  chainId?: number;
  /** How long to wait for the RPC to answer. */
  readyTimeoutMs?: number;
  /** More arguments for anvil (e.g. ['--accounts', '20']). */
  args?: string[];
}

/** Starts anvil and resolves once its RPC answers; rejects (and kills it) if it exits or stays silent. */
export async function startAnvil(opts: StartAnvilOptions = {}): Promise<Anvil> {
  const bin = anvilBinary();
  if (!bin) throw new Error('anvil is not installed: the npm package @foundry-rs/anvil-linux-amd64 is missing');
  const port = opts.port ?? (await freePort());
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent'];
  if (opts.blockTime !== undefined) args.push('--block-time', String(opts.blockTime));
  if (opts.chainId !== undefined) args.push('--chain-id', String(opts.chainId));
  args.push(...(opts.args ?? []));
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const rpcUrl = `http://127.0.0.1:${port}`;
  const anvil: Anvil = { rpcUrl, port, pid: child.pid!, stop: () => stopChild(child, exited) };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 15_000);
  while (!(await rpcAnswers(rpcUrl))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`anvil exited before it was ready (${child.exitCode ?? child.signalCode}): ${stderr.trim()}`);
    if (Date.now() > deadline) {
      await anvil.stop();
      throw new Error(`anvil did not answer on ${rpcUrl} within ${opts.readyTimeoutMs ?? 15_000} ms: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return anvil;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid!, 'SIGTERM');
  const killer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }, 3_000);
  await exited;
  clearTimeout(killer);
}
