/**
 * Prints the gas of each external function of ProofMarket and JobEscrow as a markdown table (README's
 * "Settlement on a chain: contracts"), measured on a fresh anvil with real range-proof proofs:
 * `npx tsx scripts/chain-gas.ts`.
 */
import { parseEther, type Hex, type TransactionReceipt } from 'viem';
import { JobEscrow } from '../contracts/artifacts/JobEscrow.ts';
import { confirmed, deployArtifact, publicClientFor } from '../src/chain/client.ts';
import { terminateCurves } from '../src/proofs/curves.ts';
import { lockedRequests, MAX_PRICE, rangeProofs, ROLES, startBenchMarket, type BenchMarket } from '../bench/chain-support.ts';

type Row = [contract: string, fn: string, gas: bigint | string, note: string];

async function marketRows(m: BenchMarket): Promise<Row[]> {
  const rows: Row[] = [];
  const at = async (fn: string, note: string, r: Promise<TransactionReceipt>) => rows.push(['ProofMarket', fn, (await r).gasUsed, note]);
  const { requester, prover, submitter, anyone, matchmaker, admin } = ROLES;
  const [g16, ...batch] = await rangeProofs('groth16', Array.from({ length: 11 }, (_, i) => 10 + i));
  const [plonk] = await rangeProofs('plonk', [7]);
  const [fflonk] = await rangeProofs('fflonk', [8]);

  await at('deposit', 'first deposit', m.send(requester, 'deposit', [], parseEther('1')));
  await at('withdraw', 'part of the balance', m.send(requester, 'withdraw', [parseEther('0.5')]));
  await at('stake', 'first stake, with msg.value', m.send(prover, 'stake', [parseEther('1')], parseEther('1')));
  await at('setMatchmakerConsent', '', m.send(prover, 'setMatchmakerConsent', [true]));
  const deadline = (await m.now()) + 3600n;
  await at('createRequest', 'escrow from msg.value', m.send(requester, 'createRequest', [rid('c'), m.program('range-proof/groth16'), MAX_PRICE, deadline, 100n, g16!.commitment], MAX_PRICE));
  await at('cancel', 'before any lock', m.send(requester, 'cancel', [rid('c')]));
  await m.send(requester, 'createRequest', [rid('l'), m.program('range-proof/groth16'), MAX_PRICE, deadline, 100n, g16!.commitment], MAX_PRICE);
  await at('lock', 'stake locked, overcommit checked', m.send(matchmaker, 'lock', [rid('l'), m.address(prover), MAX_PRICE / 2n]));
  await at('fulfill', 'Groth16 (range-proof), lock released; first payment to the prover and the treasury (cold balances)', m.send(prover, 'fulfill', [rid('l'), g16!.proof, g16!.publicSignals]));
  const [p] = await lockedRequests(m, 'plonk', 'range-proof/plonk', [plonk!], 100n);
  await at('fulfill', 'PLONK (range-proof)', m.send(prover, 'fulfill', [p, plonk!.proof, plonk!.publicSignals]));
  const [f] = await lockedRequests(m, 'fflonk', 'range-proof/fflonk', [fflonk!], 100n);
  await at('fulfill', 'FFLONK (range-proof)', m.send(prover, 'fulfill', [f, fflonk!.proof, fflonk!.publicSignals]));
  const ids = await lockedRequests(m, 'batch', 'range-proof/groth16', batch, 100n);
  const b = await m.send(prover, 'fulfillBatch', [ids, batch.map((x) => x.proof), batch.map((x) => x.publicSignals)]);
  rows.push(['ProofMarket', 'fulfillBatch', b.gasUsed, `10 Groth16 proofs: ${(b.gasUsed / 10n).toLocaleString('en-US')} per proof`]);

  const [s] = await lockedRequests(m, 'slash', 'range-proof/groth16', [g16!], 100n);
  const [w] = await lockedRequests(m, 'window', 'range-proof/groth16', [g16!], 100n);
  await m.warp(301n);
  await at('slash', 'after the lock deadline', m.send(anyone, 'slash', [s]));
  await m.warp(3600n);
  await at('refund', 'after the deadline', m.send(anyone, 'refund', [s]));
  await m.warp(7n * 24n * 3600n);
  await at('releaseLock', 'after the slash window', m.send(anyone, 'releaseLock', [w]));
  await at('requestUnstake', '', m.send(prover, 'requestUnstake', [100n]));
  await m.warp(24n * 3600n);
  await at('completeUnstake', '', m.send(prover, 'completeUnstake', []));
  await at('consentSubmitter', '', m.send(submitter, 'consentSubmitter', [m.address(prover)]));
  await at('authorizeSubmitter', '', m.send(prover, 'authorizeSubmitter', [m.address(submitter)]));
  await at('revokeSubmitter', '', m.send(submitter, 'revokeSubmitter', [m.address(prover), m.address(submitter)]));
  await at('registerProgram', 'admin', m.send(admin, 'registerProgram', [rid('new program'), m.deployment.programs[0]!.adapter]));
  await at('setMatchmaker', 'admin', m.send(admin, 'setMatchmaker', [m.address(matchmaker)]));
  return rows;
}

async function escrowRows(m: BenchMarket): Promise<Row[]> {
  const client = publicClientFor(m.anvil.rpcUrl);
  const wallet = m.wallet(ROLES.requester);
  const { address, receipt } = await deployArtifact(client, wallet, JobEscrow);
  const send = async (functionName: 'depositJob' | 'releaseJob' | 'cancelJob', args: readonly unknown[], value?: bigint) =>
    (await confirmed(client, await wallet.writeContract({ address, abi: JobEscrow.abi, functionName, args, value } as never))).gasUsed;
  return [
    ['JobEscrow', '(deployment)', receipt.gasUsed, ''],
    ['JobEscrow', 'depositJob', await send('depositJob', ['job-1'], parseEther('0.01')), 'new job'],
    ['JobEscrow', 'releaseJob', await send('releaseJob', ['job-1', m.address(ROLES.prover)]), 'pays the provider'],
    ['JobEscrow', 'cancelJob', (await send('depositJob', ['job-2'], 1n), await send('cancelJob', ['job-2'])), 'refunds the depositor'],
  ];
}

const rid = (label: string): Hex => `0x${Buffer.from(label.padEnd(32, '\0').slice(0, 32)).toString('hex')}`;

export async function gasTable(): Promise<string> {
  const m = await startBenchMarket();
  try {
    const rows = [...(await marketRows(m)), ...(await escrowRows(m))];
    const lines = ['| contract | function | gas | case |', '| --- | --- | ---: | --- |'];
    for (const [c, fn, gas, note] of rows) lines.push(`| ${c} | \`${fn}\` | ${typeof gas === 'bigint' ? gas.toLocaleString('en-US') : gas} | ${note} |`);
    return lines.join('\n');
  } finally {
    await m.close();
    await terminateCurves();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await gasTable());
