// An external-command backend through the whole market: a program registered for `snarkjs-cli` (snarkjs's own
// CLI as a child process), a request for that backend, a real prover node that proves it with the external
// prove command, and the coordinator verifying it with the external verify command before it completes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { builtinArtifactUrl } from '../src/proofs/programs.ts';
import { ProverNode } from '../src/prover/index.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { waitFor } from './support/wait.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pm-external-e2e-'));
let coordinator: Coordinator;
let node: ProverNode;
let pm: ProofMarketClient;

before(async () => {
  coordinator = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', port: 0, verifierThreads: 1, auctionTickMs: 50, open: true });
  pm = new ProofMarketClient({ baseUrl: coordinator.url! });
  node = new ProverNode(
    { coordinator_url: coordinator.url!, state_dir: join(tmp, 'node'), node_id: 'ext-node', heartbeat_interval: 0.5, poll_interval: 0.1, bidding: false },
    { measureSpeed: false },
  );
  await node.start();
});

after(async () => {
  await node?.stop({ handBack: true }).catch(() => undefined);
  await coordinator?.close();
  await terminateCurves();
  rmSync(tmp, { recursive: true, force: true });
});

test('a snarkjs-cli program: registered, requested, proved and verified by external commands, then completed', async () => {
  const file = (kind: 'wasm' | 'zkey' | 'vkey') => readFileSync(builtinArtifactUrl('range-proof', 'groth16', kind));
  const program = await pm.registerProgram({
    name: 'range-proof-cli',
    proof_system: 'snarkjs-cli',
    input_encoding: 'json',
    wasm: file('wasm').toString('base64'),
    zkey: file('zkey').toString('base64'),
    vkey: JSON.parse(file('vkey').toString('utf8')),
  });
  assert.equal(program.proof_system, 'snarkjs-cli');
  const me = (await pm.listProvers()).find((p) => p.prover_id === 'ext-node');
  assert.ok(me?.backends?.includes('snarkjs-cli'), 'the node advertises the external backend it can run');

  const input = Buffer.from(JSON.stringify({ value: '42', min: '18', max: '150' })).toString('base64');
  const wrong = await pm.submitRequest({ requester: 'r', program_id: program.program_id, input, backend: 'groth16', max_price: '5' }).catch((e: { code: string }) => e);
  assert.equal((wrong as { code: string }).code, 'backend_mismatch');
  const r = await pm.submitRequest({ requester: 'r', program_id: program.program_id, input, backend: 'snarkjs-cli', max_price: '5' });
  const status = await waitFor(`request ${r.request_id} settled`, async () => {
    const v = await pm.getRequest(r.request_id);
    return v.status === 'completed' || v.status === 'failed' ? v : undefined;
  }, 120_000);
  assert.equal(status.status, 'completed', JSON.stringify(status.history));
  assert.equal(status.assigned_prover, 'ext-node');
  const detail = await pm.getTask(r.request_id);
  assert.deepEqual(detail.proofs?.map((p) => p.verification_result), ['Pass']);
});
