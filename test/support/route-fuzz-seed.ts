// The market the route fuzzer starts from: a funded requester, a registered and staked prover, a pending request
// and its auction, so that generated calls naming these ids reach past "not found" into the real rules.
import type { Signer } from '../../src/sdk/signer.ts';
import type { TestCoordinator } from './coordinator.ts';
import { signedCall } from './signing.ts';
import type { FuzzIds } from './route-fuzz.ts';

async function ok(what: string, r: Promise<{ status: number; raw: string }>) {
  const res = await r;
  if (res.status >= 300) throw new Error(`fuzz seed: ${what} answered ${res.status}: ${res.raw}`);
  return res as { status: number; raw: string; body: any };
}

export async function seedFuzzMarket(c: TestCoordinator, signer: Signer): Promise<FuzzIds> {
  const call = (method: string, url: string, body?: unknown) => signedCall(c, signer, method, url, body);
  const programs = (await c.call('GET', '/programs')).body as Array<{ program_id: string; proof_system: string }>;
  const program = programs.find((p) => p.proof_system === 'groth16')!.program_id;
  await ok('deposit', call('POST', '/v1/accounts/deposit', { amount: '1000000' }));
  await ok('register', call('POST', '/provers/register', { prover_id: 'fuzz-prover', supported_levels: [1, 2, 3], capacity: 4, backends: ['groth16', 'plonk'] }));
  await ok('stake', call('POST', '/v1/provers/fuzz-prover/stake', { amount: '5000' }));
  const requests: string[] = [];
  for (const mechanism of ['fixed', 'weighted', 'sealed', 'rising']) {
    const r = await ok(`request ${mechanism}`, call('POST', '/v1/requests', { request_id: `fuzz-${mechanism}`, program_id: program, input: 'AQID', backend: 'groth16', max_price: '1000', auction: { mechanism } }));
    requests.push(r.body.request_id ?? `fuzz-${mechanism}`);
  }
  await ok('seed task', call('POST', '/tasks', { task_id: 'fuzz-task', privacy_level: 1, circuit_data: [1, 2, 3], reward_amount: 100, requester: signer.address, priority: 10 }));
  requests.push('fuzz-task');
  return {
    task_id: requests,
    request_id: requests,
    prover_id: ['fuzz-prover'],
    program_id: programs.map((p) => p.program_id),
    kind: ['wasm', 'zkey', 'vkey', 'circuit'],
    address: [signer.address],
    slash_id: ['1', '00000000-0000-0000-0000-000000000000'],
    subscription_id: ['00000000-0000-0000-0000-000000000000'],
  };
}
