// proofmarket chain devnet and chain deploy as real processes: the devnet's anvil is the one anvil of this file;
// chain deploy deploys a second market to it from a key file; Ctrl-C stops the devnet and its anvil.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProofMarket } from '../contracts/artifacts/ProofMarket.ts';
import { publicClientFor } from '../src/chain/client.ts';
import { anvilDevKeys } from '../src/chain/devnet.ts';
import { readDeploymentFile } from '../src/chain/deployment-file.ts';
import { keyFileOf, writeKeyFile } from '../src/cli/keys.ts';
import { anvilSkip } from './support/chain.ts';
import { spawnCli, waitForOutput, type CliProcess } from './support/process.ts';

const tmp = mkdtempSync(join(tmpdir(), 'pm-chain-cli-'));
/** Waits for a process that ends by itself (SIGCONT changes nothing for a running process). */
const exited = (p: CliProcess) => p.stop('SIGCONT');

test('chain devnet deploys and prints everything, chain deploy deploys again from a key file, Ctrl-C stops anvil', { skip: anvilSkip, timeout: 180_000 }, async () => {
  const out = join(tmp, 'devnet.json');
  const devnet = spawnCli(['chain', 'devnet', '--out', out]);
  try {
    await waitForOutput(devnet, /Ctrl-C stops it/, 90_000);
    const text = devnet.output();
    const file = readDeploymentFile(out);
    assert.match(text, new RegExp(`RPC URL\\s+${file.rpc_url}`));
    assert.match(text, new RegExp(`ProofMarket\\s+${file.proof_market}`));
    assert.match(text, /well-known DEV keys/);
    for (const k of anvilDevKeys()) assert.ok(text.includes(k.privateKey), `dev key ${k.index} printed`);
    const client = publicClientFor(file.rpc_url);
    assert.equal(file.programs.length, 5);
    for (const p of file.programs) {
      const adapter = await client.readContract({ address: file.proof_market, abi: ProofMarket.abi, functionName: 'programs', args: [p.program_id] });
      assert.equal(adapter.toLowerCase(), p.adapter.toLowerCase(), `${p.name}/${p.system} registered`);
    }

    const keyFile = join(tmp, 'deployer.json');
    writeKeyFile(keyFile, keyFileOf(anvilDevKeys()[3]!.privateKey));
    const treasury = anvilDevKeys()[4]!.address;
    const deployed = join(tmp, 'deployed.json');
    const deploy = spawnCli(['chain', 'deploy', '--rpc', file.rpc_url, '--key', keyFile, '--treasury', treasury, '--out', deployed, '--json']);
    assert.equal(await exited(deploy), 0, deploy.output());
    const second = readDeploymentFile(deployed);
    assert.notEqual(second.proof_market, file.proof_market);
    assert.equal(await client.readContract({ address: second.proof_market, abi: ProofMarket.abi, functionName: 'admin' }), anvilDevKeys()[3]!.address);
    assert.equal(await client.readContract({ address: second.proof_market, abi: ProofMarket.abi, functionName: 'treasury' }), treasury);
    assert.deepEqual(JSON.parse(deploy.output().trim().split('\n').pop()!).proof_market, second.proof_market);

    const bad = spawnCli(['chain', 'deploy', '--rpc', 'http://127.0.0.1:1', '--key', keyFile]);
    assert.equal(await exited(bad), 3, bad.output());
    assert.equal(bad.output().trim().split('\n').length, 1, 'one line on stderr');

    assert.equal(await devnet.stop('SIGINT'), 0, devnet.output());
    await assert.rejects(client.getBlockNumber(), 'anvil stopped with the devnet');
  } finally {
    await devnet.stop('SIGINT');
  }
});
