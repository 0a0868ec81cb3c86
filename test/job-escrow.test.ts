// JobEscrow (seed 004's interface) on a real anvil: deposit, release, cancel, who may, once only, reentry.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFunctionData, parseEther, toFunctionSelector, type Hex } from 'viem';
import { JobEscrow } from '../contracts/artifacts/JobEscrow.ts';
import { ReentrantReceiver } from '../contracts/artifacts/ReentrantReceiver.ts';
import { confirmed, deployArtifact } from '../src/chain/client.ts';
import { anvilSkip, balanceOf, isolated, revertName, useAnvil } from './support/chain.ts';

describe('JobEscrow on anvil', { skip: anvilSkip }, () => {
  const fx = useAnvil();
  let escrow: Hex;
  let attacker: Hex;

  before(async () => {
    if (anvilSkip) return;
    escrow = (await deployArtifact(fx.public, fx.wallets[0]!, JobEscrow)).address;
    attacker = (await deployArtifact(fx.public, fx.wallets[0]!, ReentrantReceiver)).address;
  });

  const write = (who: number, functionName: 'depositJob' | 'releaseJob' | 'cancelJob', args: readonly unknown[], value?: bigint) =>
    fx.wallets[who]!.writeContract({ address: escrow, abi: JobEscrow.abi, functionName, args: args as never, value } as never).then((h: Hex) => confirmed(fx.public, h));
  const balance = (jobId: string) => fx.public.readContract({ address: escrow, abi: JobEscrow.abi, functionName: 'getJobBalance', args: [jobId] });

  test('deposit, top up by the depositor, release pays the provider once', () => isolated(fx, async () => {
    const provider = fx.wallets[5]!.account.address;
    await write(1, 'depositJob', ['job-1'], parseEther('0.01'));
    await write(1, 'depositJob', ['job-1'], parseEther('0.005'));
    assert.equal(await balance('job-1'), parseEther('0.015'));
    assert.equal(await revertName(write(2, 'depositJob', ['job-1'], 1n)), 'NotDepositor');
    const before = await balanceOf(fx, provider);
    const receipt = await write(1, 'releaseJob', ['job-1', provider]);
    assert.equal(await balanceOf(fx, provider), before + parseEther('0.015'));
    assert.equal(await balance('job-1'), 0n);
    const [log] = await fx.public.getContractEvents({ address: escrow, abi: JobEscrow.abi, eventName: 'JobReleased', fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    assert.equal(log!.args.jobId, 'job-1');
    assert.equal(log!.args.amount, parseEther('0.015'));
    assert.equal(await revertName(write(1, 'releaseJob', ['job-1', provider])), 'JobNotFunded', 'no double release');
    assert.equal(await revertName(write(1, 'cancelJob', ['job-1'])), 'JobNotFunded', 'no cancel after release');
    assert.equal(await revertName(write(1, 'depositJob', ['job-1'], 1n)), 'JobNotFunded', 'no top-up after release');
  }));

  test('only the depositor may release or cancel', () => isolated(fx, async () => {
    await write(1, 'depositJob', ['job-2'], parseEther('1'));
    assert.equal(await revertName(write(2, 'releaseJob', ['job-2', fx.wallets[2]!.account.address])), 'NotDepositor');
    assert.equal(await revertName(write(2, 'cancelJob', ['job-2'])), 'NotDepositor');
    assert.equal(await revertName(write(1, 'releaseJob', ['job-2', '0x0000000000000000000000000000000000000000'])), 'ZeroProvider');
    assert.equal(await balance('job-2'), parseEther('1'));
  }));

  test('cancel refunds the depositor; no release after cancel; unknown and empty jobs refused', () => isolated(fx, async () => {
    await write(1, 'depositJob', ['job-3'], parseEther('2'));
    const before = await balanceOf(fx, fx.wallets[1]!.account.address);
    const receipt = await write(1, 'cancelJob', ['job-3']);
    const gasPaid = receipt.gasUsed * receipt.effectiveGasPrice;
    assert.equal(await balanceOf(fx, fx.wallets[1]!.account.address), before + parseEther('2') - gasPaid);
    assert.equal(await revertName(write(1, 'releaseJob', ['job-3', fx.wallets[5]!.account.address])), 'JobNotFunded');
    assert.equal(await revertName(write(1, 'cancelJob', ['job-3'])), 'JobNotFunded');
    assert.equal(await revertName(write(1, 'cancelJob', ['never-funded'])), 'JobNotFunded');
    assert.equal(await revertName(write(1, 'depositJob', ['job-4'], 0n)), 'ZeroDeposit');
    assert.equal(await balanceOf(fx, escrow), 0n);
  }));

  test('a provider or depositor that calls back when paid cannot release or cancel again', () => isolated(fx, async () => {
    const exec = (data: Hex, value = 0n) =>
      fx.wallets[0]!.writeContract({ address: attacker, abi: ReentrantReceiver.abi, functionName: 'execute', args: [escrow, data], value }).then((h) => confirmed(fx.public, h));
    const arm = (data: Hex) => fx.wallets[0]!.writeContract({ address: attacker, abi: ReentrantReceiver.abi, functionName: 'arm', args: [escrow, data] }).then((h) => confirmed(fx.public, h));
    const read = <N extends 'lastReentryOk' | 'lastReentryError' | 'reentries' | 'received'>(functionName: N) => fx.public.readContract({ address: attacker, abi: ReentrantReceiver.abi, functionName });
    const reentrancy = toFunctionSelector('Reentrancy()');

    // The attacker is the depositor: paid by its cancel, it tries to release the same job to itself.
    await exec(encodeFunctionData({ abi: JobEscrow.abi, functionName: 'depositJob', args: ['evil'] }), parseEther('1'));
    await arm(encodeFunctionData({ abi: JobEscrow.abi, functionName: 'releaseJob', args: ['evil', attacker] }));
    await exec(encodeFunctionData({ abi: JobEscrow.abi, functionName: 'cancelJob', args: ['evil'] }));
    assert.equal(await read('reentries'), 1n);
    assert.equal(await read('lastReentryOk'), false);
    assert.equal(await read('lastReentryError'), reentrancy);
    assert.equal(await read('received'), parseEther('1'));

    // The attacker is the provider: paid by a release, it tries to cancel the job (as if it were the depositor).
    await exec(encodeFunctionData({ abi: JobEscrow.abi, functionName: 'depositJob', args: ['evil-2'] }), parseEther('1'));
    await arm(encodeFunctionData({ abi: JobEscrow.abi, functionName: 'cancelJob', args: ['evil-2'] }));
    await exec(encodeFunctionData({ abi: JobEscrow.abi, functionName: 'releaseJob', args: ['evil-2', attacker] }));
    assert.equal(await read('reentries'), 2n);
    assert.equal(await read('lastReentryOk'), false);
    assert.equal(await read('lastReentryError'), reentrancy);
    assert.equal(await read('received'), parseEther('2'));
    assert.equal(await balanceOf(fx, escrow), 0n);
  }));
});
