// npm run bench -- lifecycle, the cost of signed calls and of the ledger (see bench/lifecycle.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { privateKeySigner } from '../src/sdk/signer.ts';
import { generatePrivateKey } from 'viem/accounts';
import { spawnCoordinator } from '../test/support/process.ts';
import { fmt, ratio, table } from './support.ts';
import { marketRound, PROVER_LOOPS, REQUESTER_LOOPS, ROUNDS, TASKS, WARMUP_TASKS, type BenchProof, type RoundResult } from './lifecycle-market.ts';

/**
 * The cost of signed calls and of the ledger (issue #5), in one run against one coordinator (`--open`, which
 * takes signed and unsigned calls alike): rounds where nobody signs and tasks pay nothing (no money moves: no
 * escrow, no settlement), alternating with rounds where every requester and prover signs every call (the
 * claiming poll included) and every task escrows its reward and settles it with the protocol fee.
 */
export async function signedAndSettledBench(proofs: BenchProof[], threads: number): Promise<{ unsigned_per_s: number; signed_settled_per_s: number }> {
  const REWARD = '1000';
  console.log(
    `\n### signed calls and settlement — ${TASKS} tasks per round, ${ROUNDS} rounds of each after a warm-up of each\n\n` +
      `without: unsigned calls, reward 0 (no ledger movement). with: every call signed (EIP-191, a fresh nonce each), each requester\n` +
      `  funded by a deposit, each task escrowing ${REWARD} and settled on its verified proof (prover paid, protocol fee to the treasury).\n`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'pm-bench-signed-'));
  const coordinator = await spawnCoordinator(['--data-dir', join(dir, 'db'), '--log-level', 'error', '--verifier-threads', String(threads)]);
  const without: RoundResult[] = [];
  const withMoney: RoundResult[] = [];
  try {
    const client = new ProofMarketClient({ baseUrl: coordinator.url });
    const signedClient = () => new ProofMarketClient({ baseUrl: coordinator.url, signer: privateKeySigner(generatePrivateKey()) });
    /** A fresh signing client for each requester and prover loop. */
    const parties = () => ({ signed: { requesters: Array.from({ length: REQUESTER_LOOPS }, signedClient), provers: Array.from({ length: PROVER_LOOPS }, signedClient) } });
    const fund = async (p: ReturnType<typeof parties>, n: number) => {
      for (const r of p.signed.requesters) await r.deposit((BigInt(REWARD) * BigInt(n)).toString());
    };
    const warm = parties();
    await fund(warm, WARMUP_TASKS);
    await marketRound(client, proofs, WARMUP_TASKS, 'uw', { reward: '0' });
    await marketRound(client, proofs, WARMUP_TASKS, 'sw', { reward: REWARD, signed: warm.signed });
    for (let r = 0; r < ROUNDS; r++) {
      without.push(await marketRound(client, proofs, TASKS, `u${r}`, { reward: '0' }));
      const p = parties();
      await fund(p, TASKS);
      withMoney.push(await marketRound(client, proofs, TASKS, `s${r}`, { reward: REWARD, signed: p.signed }));
    }
    const audit = await client.ledgerAudit();
    if (!audit.ok) throw new Error(`the ledger does not audit after the bench: ${audit.problems.join('; ')}`);
  } finally {
    await coordinator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const rows: Array<Record<string, string>> = [];
  const row = (name: string, m: RoundResult, base?: RoundResult) => ({
    run: name,
    tasks: String(m.tasks),
    s: fmt(m.seconds, 2),
    'per s': fmt(m.rate),
    'vs without': base ? ratio(m.rate, base.rate) : '1.00×',
    'submit ms': fmt(m.ms.submit, 1),
    'assign ms': fmt(m.ms.assign, 1),
    'result ms': fmt(m.ms.result, 1),
  });
  for (let r = 0; r < ROUNDS; r++) {
    rows.push(row(`round ${r + 1}: without signatures or ledger`, without[r]!));
    rows.push(row(`round ${r + 1}: signed, escrowed and settled`, withMoney[r]!, without[r]!));
  }
  const rate = (xs: RoundResult[]) => xs.reduce((s, m) => s + m.tasks, 0) / xs.reduce((s, m) => s + m.seconds, 0);
  const u = rate(without);
  const w = rate(withMoney);
  rows.push({ run: 'all rounds: without', tasks: String(ROUNDS * TASKS), s: '', 'per s': fmt(u), 'vs without': '1.00×', 'submit ms': '', 'assign ms': '', 'result ms': '' });
  rows.push({ run: 'all rounds: signed and settled', tasks: String(ROUNDS * TASKS), s: '', 'per s': fmt(w), 'vs without': ratio(w, u), 'submit ms': '', 'assign ms': '', 'result ms': '' });
  table(rows);
  console.log(`\nthe ledger audits clean after the bench.\ntarget: signed and settled ≥ 0.8× without → ${ratio(w, u)}: ${w / u >= 0.8 ? 'met' : 'NOT met'}`);
  return { unsigned_per_s: Math.round(u * 10) / 10, signed_settled_per_s: Math.round(w * 10) / 10 };
}
