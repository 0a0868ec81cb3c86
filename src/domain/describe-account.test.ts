// Ledger account ids in user words (issue #20: no internal name in user output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accounts, describeAccount } from './ledger.ts';
import { chainAccounts } from './chain-mirror.ts';

test('every kind of account reads as words, not as its id', () => {
  const cases: Array<[string, string]> = [
    [accounts.earnings('my_prover2'), 'the earnings of prover my_prover2'],
    [accounts.stake('p1'), 'the free stake of prover p1'],
    [accounts.locked('p1'), 'the locked stake of prover p1'],
    [accounts.unstaking('p1'), 'the unstaking stake of prover p1'],
    [accounts.balance('0xab'), 'the balance of 0xab'],
    [accounts.escrow('r1'), 'the escrow of request r1'],
    [accounts.subscriptionEscrow('s1'), 'the escrow of subscription s1'],
    [accounts.jobEscrow('0x12'), 'the escrow of job 0x12'],
    [accounts.treasury, "the market's treasury"],
    [chainAccounts.stake('0xAB'), 'the free stake of prover 0xab on chain'],
    [chainAccounts.job('0x12'), 'the escrow of job 0x12 on chain'],
  ];
  for (const [id, words] of cases) {
    assert.equal(describeAccount(id), words);
    assert.doesNotMatch(describeAccount(id), /\b(earnings|stake|locked|unstaking|balance|escrow):/, id);
  }
});
