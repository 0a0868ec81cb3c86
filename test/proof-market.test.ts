// ProofMarket's economics on a real anvil, with a real Groth16 proof: every phase transition, refunds, the
// deadline and slash-window rules, fee and slash arithmetic (the off-chain defaults), overcommit, submitters,
// withdrawals, fulfilment after a lock expired, and a reentrant receiver on every payout.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFunctionData, parseEther, toFunctionSelector, type Hex } from 'viem';
import { ProofMarket } from '../contracts/artifacts/ProofMarket.ts';
import { ReentrantReceiver } from '../contracts/artifacts/ReentrantReceiver.ts';
import { confirmed, deployArtifact } from '../src/chain/client.ts';
import { terminateCurves } from '../src/proofs/curves.ts';
import { anvilSkip, balanceOf, isolated, revertName } from './support/chain.ts';
import { FEE_BPS, LOCK, PROOF_TIMEOUT, rangeProof, requestOf, rid, ROLE, SLASH_WINDOW, stakeOf, STATUS, UNSTAKE_DELAY, useMarket, type RealProof } from './support/market.ts';

const { requester, prover, prover2, submitter, anyone, matchmaker, treasury } = ROLE;
const MAX = parseEther('0.02');
const PRICE = parseEther('0.01');

describe('ProofMarket on anvil', { skip: anvilSkip }, () => {
  const fx = useMarket();
  let proof: RealProof;
  let program: Hex;
  before(async () => {
    if (anvilSkip) return;
    proof = await rangeProof('groth16', 42, 18, 150);
    program = fx.program('range-proof/groth16');
  });
  after(terminateCurves);

  const M = (who: number, fn: string, args: readonly unknown[], value?: bigint) => fx.send(who, fn, args, value);
  const bal = (who: number | Hex) => fx.read<bigint>('balances', [typeof who === 'number' ? fx.address(who) : who]);
  const fulfil = (who: number, id: Hex) => M(who, 'fulfill', [id, proof.proof, proof.publicSignals]);

  /** Opens a request; by default its escrow comes with the call (msg.value = max price). */
  async function open(label: string, o: { max?: bigint; minStake?: bigint; deadlineIn?: bigint; value?: bigint } = {}): Promise<Hex> {
    const id = rid(label);
    const deadline = (await fx.now()) + (o.deadlineIn ?? 3600n);
    await M(requester, 'createRequest', [id, program, o.max ?? MAX, deadline, o.minStake ?? 0n, proof.commitment], o.value ?? o.max ?? MAX);
    return id;
  }
  async function staked(who: number, amount: bigint): Promise<void> {
    await M(who, 'stake', [amount], amount);
    await M(who, 'setMatchmakerConsent', [true]);
  }
  const lock = (id: Hex, who: number = prover, price: bigint = PRICE) => M(matchmaker, 'lock', [id, fx.address(who), price]);

  /** Every wei the contract holds is someone's balance, an open escrow, stake, or burned. */
  async function assertConserved(openEscrow: bigint, others: Hex[] = []): Promise<void> {
    let sum = (await fx.read<bigint>('burned')) + openEscrow;
    for (const who of [...Array.from({ length: 10 }, (_, i) => fx.address(i)), ...others]) {
      sum += await bal(who);
      const s = await stakeOf(fx, who);
      sum += s.free + s.locked + s.unstaking;
    }
    assert.equal(await balanceOf(fx, fx.market), sum);
  }

  test('deposit and withdraw; more than the free balance is refused', () => isolated(fx, async () => {
    await M(requester, 'deposit', [], parseEther('1'));
    assert.equal(await bal(requester), parseEther('1'));
    assert.equal(await revertName(M(requester, 'withdraw', [parseEther('1') + 1n])), 'InsufficientBalance');
    assert.equal(await revertName(M(requester, 'withdraw', [0n])), 'InvalidAmount');
    await open('escrowed', { max: MAX, value: 0n });
    // The escrow is not free balance: only what is left may be withdrawn.
    assert.equal(await revertName(M(requester, 'withdraw', [parseEther('1')])), 'InsufficientBalance');
    const before = await balanceOf(fx, fx.address(requester));
    const r = await M(requester, 'withdraw', [parseEther('1') - MAX]);
    assert.equal(await balanceOf(fx, fx.address(requester)), before + parseEther('1') - MAX - r.gasUsed * r.effectiveGasPrice);
    assert.equal(await bal(requester), 0n);
    await assertConserved(MAX);
  }));

  test('open → locked → fulfilled on time: fee to the treasury, price less fee to the prover, the rest to the requester', () => isolated(fx, async () => {
    await staked(prover, parseEther('1'));
    const id = await open('happy', { minStake: parseEther('0.5') });
    assert.equal((await requestOf(fx, id)).status, STATUS.Open);
    assert.equal(await revertName(fulfil(prover, id)), 'RequestNotLocked');
    await lock(id);
    const locked = await requestOf(fx, id);
    assert.equal(locked.lockState, LOCK.Active);
    assert.equal(locked.lockDeadline, (await fx.now()) + PROOF_TIMEOUT);
    assert.deepEqual([(await stakeOf(fx, fx.address(prover))).free, (await stakeOf(fx, fx.address(prover))).locked], [parseEther('0.5'), parseEther('0.5')]);
    const receipt = await fulfil(prover, id);
    const done = await requestOf(fx, id);
    assert.equal(done.status, STATUS.Fulfilled);
    assert.equal(done.lockState, LOCK.Released);
    const fee = (PRICE * FEE_BPS) / 10_000n;
    assert.equal(await bal(prover), PRICE - fee);
    assert.equal(await bal(treasury), fee);
    assert.equal(await bal(requester), MAX - PRICE);
    assert.deepEqual(await stakeOf(fx, fx.address(prover)), { free: parseEther('1'), locked: 0n, unstaking: 0n, unstakeAvailableAt: 0n, matchmakerAllowed: true });
    const [ev] = await fx.public.getContractEvents({ address: fx.market, abi: ProofMarket.abi, eventName: 'RequestFulfilled', fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    assert.deepEqual(ev!.args, { requestId: id, prover: fx.address(prover), submitter: fx.address(prover), price: PRICE, fee, requesterRefund: MAX - PRICE });
    assert.equal(await revertName(fulfil(prover, id)), 'RequestNotOpen', 'no second payment');
    assert.equal(await revertName(M(anyone, 'refund', [id])), 'RequestNotOpen');
    await assertConserved(0n);
  }));

  test('protocol fee arithmetic rounds down as off chain (fee = price × bps / 10000)', () => isolated(fx, async () => {
    await staked(prover, 1n);
    const id = await open('odd', { max: 99_999n });
    await lock(id, prover, 12_345n);
    await fulfil(prover, id);
    assert.equal(await bal(treasury), 123n);
    assert.equal(await bal(prover), 12_222n);
    assert.equal(await bal(requester), 99_999n - 12_345n);
  }));

  test('refund: refused before the deadline, anyone after it, once; fulfil after the deadline refused', () => isolated(fx, async () => {
    await staked(prover, 1n);
    const id = await open('late', { deadlineIn: 600n });
    await lock(id);
    assert.equal(await revertName(M(anyone, 'refund', [id])), 'RequestNotExpired');
    await fx.warp(601n);
    assert.equal(await revertName(fulfil(prover, id)), 'RequestExpired');
    assert.equal(await revertName(lock(id, prover2)), 'RequestExpired');
    await M(anyone, 'refund', [id]);
    assert.equal((await requestOf(fx, id)).status, STATUS.Refunded);
    assert.equal(await bal(requester), MAX);
    assert.equal(await revertName(M(anyone, 'refund', [id])), 'RequestNotOpen');
    assert.equal(await revertName(fulfil(prover, id)), 'RequestNotOpen');
  }));

  test('cancel: the requester only, and only before a lock', () => isolated(fx, async () => {
    await staked(prover, 1n);
    const a = await open('cancel-a');
    assert.equal(await revertName(M(anyone, 'cancel', [a])), 'NotRequester');
    await M(requester, 'cancel', [a]);
    assert.equal((await requestOf(fx, a)).status, STATUS.Cancelled);
    assert.equal(await bal(requester), MAX);
    assert.equal(await revertName(lock(a)), 'RequestNotOpen');
    const b = await open('cancel-b');
    await lock(b);
    assert.equal(await revertName(M(requester, 'cancel', [b])), 'RequestLockedAlready');
  }));

  test('lock: the matchmaker only, for a consenting prover, at most the max price, once, before the deadline', () => isolated(fx, async () => {
    const id = await open('lock-rules', { deadlineIn: 1000n });
    assert.equal(await revertName(M(prover, 'lock', [id, fx.address(prover), PRICE])), 'NotMatchmaker');
    assert.equal(await revertName(lock(id)), 'ProverNotConsenting');
    await M(prover, 'setMatchmakerConsent', [true]);
    assert.equal(await revertName(lock(id, prover, MAX + 1n)), 'PriceAboveMax');
    await M(prover, 'setMatchmakerConsent', [false]);
    assert.equal(await revertName(lock(id)), 'ProverNotConsenting', 'consent can be withdrawn');
    await M(prover, 'setMatchmakerConsent', [true]);
    await lock(id, prover, MAX);
    assert.equal(await revertName(lock(id, prover2)), 'RequestLockedAlready');
    const late = await open('lock-late', { deadlineIn: 100n });
    await fx.warp(101n);
    assert.equal(await revertName(lock(late)), 'RequestExpired');
    assert.equal(await revertName(M(matchmaker, 'lock', [rid('nope'), fx.address(prover), 0n])), 'RequestNotOpen');
  }));

  test('overcommit reserve: free stake must cover the new lock plus overcommitBps of what is locked', () => isolated(fx, async () => {
    await staked(prover, 100n);
    const a = await open('oc-a', { minStake: 60n });
    const b = await open('oc-b', { minStake: 30n });
    await lock(a);
    // free 40 ≥ 30, but 40 < 30 + 60 × 100%: refused.
    assert.equal(await revertName(lock(b)), 'StakeInsufficient');
    await M(prover, 'stake', [50n], 50n);
    await lock(b); // free 90 ≥ 30 + 60
    assert.deepEqual([(await stakeOf(fx, fx.address(prover))).free, (await stakeOf(fx, fx.address(prover))).locked], [60n, 90n]);
    assert.equal(await revertName(M(prover, 'requestUnstake', [61n])), 'InsufficientStake', 'locked stake cannot leave');
  }));

  test('slash: refused before the lock deadline, once after it (half burned, half to the requester), refused after the window', () => isolated(fx, async () => {
    await staked(prover, parseEther('1'));
    const id = await open('slash', { minStake: parseEther('0.4') });
    await lock(id);
    assert.equal(await revertName(M(anyone, 'slash', [id])), 'SlashTooEarly');
    await fx.warp(PROOF_TIMEOUT + 1n);
    const receipt = await M(anyone, 'slash', [id]);
    const [ev] = await fx.public.getContractEvents({ address: fx.market, abi: ProofMarket.abi, eventName: 'StakeSlashed', fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    assert.deepEqual(ev!.args, { requestId: id, prover: fx.address(prover), requester: fx.address(requester), locked: parseEther('0.4'), slashed: parseEther('0.4'), burned: parseEther('0.2'), toRequester: parseEther('0.2') });
    assert.equal(await fx.read<bigint>('burned'), parseEther('0.2'));
    assert.equal(await bal(requester), parseEther('0.2'));
    assert.deepEqual([(await stakeOf(fx, fx.address(prover))).free, (await stakeOf(fx, fx.address(prover))).locked], [parseEther('0.6'), 0n]);
    assert.equal(await revertName(M(anyone, 'slash', [id])), 'LockNotActive', 'once per lock');
    await fx.warp(3600n);
    await M(anyone, 'refund', [id]);
    await assertConserved(0n);

    const other = await open('slash-window', { minStake: parseEther('0.1') });
    await lock(other);
    await fx.warp(PROOF_TIMEOUT + 10n);
    assert.equal(await revertName(M(anyone, 'releaseLock', [other])), 'SlashWindowOpen');
    await fx.warp(SLASH_WINDOW);
    assert.equal(await revertName(M(anyone, 'slash', [other])), 'SlashWindowClosed');
    await M(anyone, 'releaseLock', [other]);
    assert.equal((await requestOf(fx, other)).lockState, LOCK.Released);
    assert.deepEqual([(await stakeOf(fx, fx.address(prover))).free, (await stakeOf(fx, fx.address(prover))).locked], [parseEther('0.6'), 0n]);
  }));

  test('a fulfilled lock cannot be slashed', () => isolated(fx, async () => {
    await staked(prover, 10n);
    const id = await open('no-slash', { minStake: 10n });
    await lock(id);
    await fulfil(prover, id);
    await fx.warp(PROOF_TIMEOUT + 1n);
    assert.equal(await revertName(M(anyone, 'slash', [id])), 'LockNotActive');
  }));

  test('after the lock expires another prover may fulfil and is paid; the holder stays slashable; before, it may not', () => isolated(fx, async () => {
    await staked(prover, parseEther('1'));
    const id = await open('expired', { minStake: parseEther('1') });
    await lock(id);
    assert.equal(await revertName(fulfil(prover2, id)), 'NotLockHolder');
    await fx.warp(PROOF_TIMEOUT + 1n);
    await fulfil(prover2, id);
    const fee = (PRICE * FEE_BPS) / 10_000n;
    assert.equal(await bal(prover2), PRICE - fee);
    assert.equal(await bal(prover), 0n);
    assert.equal((await requestOf(fx, id)).lockState, LOCK.Active);
    await M(anyone, 'slash', [id]);
    assert.equal(await bal(requester), MAX - PRICE + parseEther('0.5'), 'the unburned half compensates the requester, as off chain');
    await assertConserved(0n);
  }));

  test('the holder fulfilling after its lock expired is paid, and its lock stays slashable', () => isolated(fx, async () => {
    await staked(prover, 100n);
    const id = await open('holder-late', { minStake: 100n });
    await lock(id);
    await fx.warp(PROOF_TIMEOUT + 1n);
    await fulfil(prover, id);
    assert.equal(await bal(prover), PRICE - (PRICE * FEE_BPS) / 10_000n);
    await M(anyone, 'slash', [id]);
    assert.deepEqual([(await stakeOf(fx, fx.address(prover))).free, (await stakeOf(fx, fx.address(prover))).locked], [0n, 0n]);
  }));

  test('submitters: consent, then authorization; either side revokes; a revoked submitter must consent again', () => isolated(fx, async () => {
    await staked(prover, 1n);
    const P = fx.address(prover);
    const S = fx.address(submitter);
    assert.equal(await revertName(M(prover, 'authorizeSubmitter', [S])), 'SubmitterNotConsented');
    await M(submitter, 'consentSubmitter', [P]);
    const a = await open('sub-a');
    await lock(a);
    assert.equal(await revertName(fulfil(submitter, a)), 'NotLockHolder', 'consent alone is not authority');
    await M(prover, 'authorizeSubmitter', [S]);
    const r = await fulfil(submitter, a);
    const [ev] = await fx.public.getContractEvents({ address: fx.market, abi: ProofMarket.abi, eventName: 'RequestFulfilled', fromBlock: r.blockNumber, toBlock: r.blockNumber });
    assert.equal(ev!.args.prover, P, 'the prover is paid, not its submitter');
    assert.equal(ev!.args.submitter, S);
    assert.equal(await bal(submitter), 0n);
    assert.equal(await revertName(M(anyone, 'revokeSubmitter', [P, S])), 'NotProverOrSubmitter');
    await M(submitter, 'revokeSubmitter', [P, S]);
    const b = await open('sub-b');
    await lock(b);
    assert.equal(await revertName(fulfil(submitter, b)), 'NotLockHolder');
    await M(submitter, 'consentSubmitter', [P]);
    assert.equal(await fx.read<number>('submitters', [P, S]), 1, 'consented, not active');
    await M(prover, 'authorizeSubmitter', [S]);
    await M(prover, 'revokeSubmitter', [P, S]);
    assert.equal(await revertName(fulfil(submitter, b)), 'NotLockHolder');
    assert.equal(await revertName(M(prover, 'revokeSubmitter', [P, fx.address(anyone)])), 'SubmitterNotFound');
  }));

  test('unstake: only free stake, paid to the balance after the delay', () => isolated(fx, async () => {
    await staked(prover, 100n);
    assert.equal(await revertName(M(prover, 'requestUnstake', [101n])), 'InsufficientStake');
    await M(prover, 'requestUnstake', [40n]);
    assert.equal(await revertName(M(prover, 'completeUnstake', [])), 'UnstakeNotReady');
    await fx.warp(UNSTAKE_DELAY);
    await M(prover, 'completeUnstake', []);
    assert.equal(await bal(prover), 40n);
    assert.equal((await stakeOf(fx, fx.address(prover))).free, 60n);
    assert.equal(await revertName(M(prover, 'completeUnstake', [])), 'InvalidAmount');
  }));

  test('reentrancy: a receiver that calls back when paid cannot enter any money-moving function', () => isolated(fx, async () => {
    const attacker = (await deployArtifact(fx.public, fx.wallets[0]!, ReentrantReceiver)).address;
    const call = (fn: string, args: readonly unknown[]) => encodeFunctionData({ abi: ProofMarket.abi, functionName: fn, args } as never);
    const exec = (data: Hex, value = 0n) => fx.wallets[0]!.writeContract({ address: attacker, abi: ReentrantReceiver.abi, functionName: 'execute', args: [fx.market, data], value }).then((h) => confirmed(fx.public, h));
    const arm = (data: Hex) => fx.wallets[0]!.writeContract({ address: attacker, abi: ReentrantReceiver.abi, functionName: 'arm', args: [fx.market, data] }).then((h) => confirmed(fx.public, h));
    const read = (fn: 'lastReentryOk' | 'lastReentryError' | 'reentries' | 'received') => fx.public.readContract({ address: attacker, abi: ReentrantReceiver.abi, functionName: fn });
    // The attacker earns as a prover (paid by a fulfilment) and as a requester (the rest of its escrow).
    await exec(call('stake', [10n]), 10n);
    await exec(call('setMatchmakerConsent', [true]));
    const id = rid('reentry');
    await exec(call('createRequest', [id, program, MAX, (await fx.now()) + 3600n, 0n, proof.commitment]), MAX);
    await M(matchmaker, 'lock', [id, attacker, PRICE]);
    await exec(call('fulfill', [id, proof.proof, proof.publicSignals]));
    const earned = MAX - (PRICE * FEE_BPS) / 10_000n;
    assert.equal(await bal(attacker), earned);
    const reentries = [
      call('withdraw', [1n]),
      call('fulfill', [id, proof.proof, proof.publicSignals]),
      call('fulfillBatch', [[id], [proof.proof], [proof.publicSignals]]),
      call('refund', [id]),
      call('cancel', [id]),
      call('slash', [id]),
      call('releaseLock', [id]),
      call('completeUnstake', []),
    ];
    const reentrancy = toFunctionSelector('Reentrancy()');
    let paid = 0n;
    for (const [i, data] of reentries.entries()) {
      await arm(data);
      await exec(call('withdraw', [1_000n]));
      paid += 1_000n;
      assert.equal(await read('reentries'), BigInt(i + 1));
      assert.equal(await read('lastReentryOk'), false);
      assert.equal(await read('lastReentryError'), reentrancy);
    }
    assert.equal(await read('received'), paid, 'each withdrawal paid once');
    assert.equal(await bal(attacker), earned - paid);
    await assertConserved(0n, [attacker]);
  }));

  test('admin: programs register once; only the admin registers or names the matchmaker', () => isolated(fx, async () => {
    assert.equal(await revertName(M(ROLE.admin, 'registerProgram', [program, fx.address(anyone)])), 'ProgramAlreadyRegistered');
    assert.equal(await revertName(M(anyone, 'registerProgram', [rid('new'), fx.address(anyone)])), 'NotAdmin');
    assert.equal(await revertName(M(anyone, 'setMatchmaker', [fx.address(anyone)])), 'NotAdmin');
    assert.equal(await revertName(M(requester, 'createRequest', [rid('x'), rid('unknown'), 1n, (await fx.now()) + 100n, 0n, proof.commitment], 1n)), 'UnknownProgram');
  }));
});
