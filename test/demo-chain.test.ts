// `npm start -- --chain`: the demo settled on anvil. Every request is escrowed, locked and fulfilled on chain;
// the summary counts the transactions, gives the gas per fulfilment and the contract balances, and the ledger
// audit agrees with the chain. (Without --chain the demo is unchanged: test/demo.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anvilSkip } from './support/chain.ts';

const ROOT = new URL('..', import.meta.url).pathname;

test('npm start -- --chain --exit --requests 3 settles every request on anvil and the audit agrees', { skip: anvilSkip, timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pm-demo-chain-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const proc = spawn('npm', ['start', '--', '--chain', '--exit', '--requests', '3', '--port', '0', '--data-dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 280_000);
  const [code] = await once(proc, 'exit');
  clearTimeout(timer);
  assert.equal(code, 0, out);
  assert.match(out, /tasks completed\s+3 of 3\n/, out);
  // 3 provers × (stake, consent), then per request one createRequest, one lock and one fulfill.
  assert.match(out, /transactions {2}15 sent: 6 stake and consent, 3 createRequest, 3 lock \(matchmaker\), 3 fulfill \(by the provers\)/, out);
  assert.match(out, /gas {11}per fulfilment: .*groth16 \d+ \(\d\)/, out);
  const fees = /treasury \(fees\) (\d+)/.exec(out);
  assert.ok(fees && BigInt(fees[1]!) > 0n, out);
  assert.match(out, /audit {9}GET \/v1\/ledger\/audit: ok — \d+ mirrored accounts and the contract's ETH agree with ProofMarket at block \d+/, out);
});
