// A small live market for the dashboard's browser tests and screenshots: `proofmarket serve` (closed: every
// call that moves money is signed) and one real prover node, as separate processes, plus a requester key that
// submitted a few real requests through the SDK.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProofMarketClient, privateKeySigner, type RequestView } from '../../src/sdk/index.ts';
import { spawnCli, waitForOutput, type CliProcess } from './process.ts';
import { postJob, type PostedJob } from './dashboard-jobs.ts';

// anvil's / hardhat's second dev account: a public test vector, never a real key
export const REQUESTER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

export interface LiveMarket {
  url: string;
  requester: ProofMarketClient;
  /** Requests submitted through the SDK, completed. */
  done: RequestView[];
  /** Container jobs of the requester's, with reported results. */
  jobs: PostedJob[];
  close(): Promise<void>;
}

export async function liveMarket(opts: { requests?: number; jobs?: number; proverName?: string; mechanisms?: Array<'fixed' | 'weighted'> } = {}): Promise<LiveMarket> {
  const dir = mkdtempSync(join(tmpdir(), 'pm-dashboard-'));
  const procs: CliProcess[] = [];
  const close = async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const coordinator = spawnCli(['serve', '--port', '0', '--log-level', 'warn', '--data-dir', join(dir, 'db'), '--verifier-threads', '1']);
    procs.push(coordinator);
    const [, url] = await waitForOutput(coordinator, /listening on (http:\/\/[^\s]+)/, 180_000);
    const prover = spawnCli([
      'prover', '--coordinator-url', url!, '--state-dir', join(dir, 'prover'), '--name', opts.proverName ?? 'Browser Test Prover',
      '--heartbeat-interval', '1', '--poll-interval', '0.2', '--max-concurrent-proofs', '1', '--base-price', '10', '--stake', '0',
    ]);
    procs.push(prover);
    await waitForOutput(prover, /registered at/, 180_000);
    const requester = new ProofMarketClient({ baseUrl: url!, signer: privateKeySigner(REQUESTER_KEY) });
    await requester.deposit('1000000');
    const programs = await requester.listPrograms();
    const commitment = programs.find((p) => p.name === 'data-commitment' && p.proof_system === 'groth16')!;
    const done: RequestView[] = [];
    for (let i = 0; i < (opts.requests ?? 2); i++) {
      const mechanism = opts.mechanisms?.[i % opts.mechanisms.length] ?? 'fixed';
      const auction = mechanism === 'weighted' ? { mechanism, bid_window_ms: 3000 } : { mechanism };
      const r = await requester.submitRequest({ program_id: commitment.program_id, backend: 'groth16', input: btoa(`dashboard ${i}`), max_price: mechanism === 'weighted' ? String(20_000 + i * 1000) : String(500 + i * 100), auction });
      let last = r;
      for await (const v of requester.follow(r.request_id, { signal: AbortSignal.timeout(180_000) })) last = v;
      done.push(last);
    }
    const jobs: PostedJob[] = [];
    for (let i = 0; i < (opts.jobs ?? 1); i++) jobs.push(await postJob(url!, REQUESTER_KEY, 'results', `dashboard job ${i}`));
    return { url: url!, requester, done, jobs, close };
  } catch (err) {
    await close();
    throw err;
  }
}
