/**
 * ProofMarket as a participant uses it, signed with the same secp256k1 key it signs the coordinator's calls
 * with (the key file's private key, through viem's privateKeyToAccount): deposit, withdraw, stake, unstake,
 * cancel; a requester's createRequest, the matchmaker's lock, a prover's consent and fulfill. Each call waits
 * for its receipt and answers the transaction's hash, block and gas.
 */
import { type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ProofMarket } from '../../contracts/artifacts/ProofMarket.ts';
import { confirmed, publicClientFor, walletFor } from './client.ts';
import { onChainRequestOf, type ChainRequestTerms, type OnChainRequest } from './requests.ts';

export interface SentTransaction {
  hash: Hex;
  block: bigint;
  gasUsed: bigint;
}

export type MarketWrite = 'deposit' | 'withdraw' | 'stake' | 'requestUnstake' | 'cancel' | 'createRequest' | 'lock' | 'fulfill' | 'setMatchmakerConsent';

export class ChainMarket {
  readonly address: Hex;
  private readonly client;
  private readonly wallet;

  constructor(readonly rpcUrl: string, readonly proofMarket: Hex, privateKey: Hex) {
    const account = privateKeyToAccount(privateKey);
    this.address = account.address;
    this.client = publicClientFor(rpcUrl);
    this.wallet = walletFor(rpcUrl, account);
  }

  async send(functionName: MarketWrite, args: readonly unknown[] = [], value?: bigint): Promise<SentTransaction> {
    const hash = await this.wallet.writeContract({ address: this.proofMarket, abi: ProofMarket.abi, functionName, args, value } as never);
    const receipt = await confirmed(this.client, hash);
    return { hash, block: receipt.blockNumber, gasUsed: receipt.gasUsed };
  }

  deposit(amount: bigint): Promise<SentTransaction> {
    return this.send('deposit', [], amount);
  }

  withdraw(amount: bigint): Promise<SentTransaction> {
    return this.send('withdraw', [amount]);
  }

  /** Stakes `amount` from the balance, first depositing `value` (0: from the balance only). */
  stake(amount: bigint, value = 0n): Promise<SentTransaction> {
    return this.send('stake', [amount], value);
  }

  requestUnstake(amount: bigint): Promise<SentTransaction> {
    return this.send('requestUnstake', [amount]);
  }

  cancel(requestId: Hex): Promise<SentTransaction> {
    return this.send('cancel', [requestId]);
  }

  /** Opens a request with its escrow: `value` is deposited first, the rest of maxPrice comes from the balance. */
  createRequest(t: ChainRequestTerms, value: bigint): Promise<SentTransaction> {
    return this.send('createRequest', [t.requestId, t.programId, t.maxPrice, t.deadline, t.minStake, t.commitment], value);
  }

  /** The matchmaker's call: `prover` holds the request at `price`, its stake locked. */
  lock(requestId: Hex, prover: Hex, price: bigint): Promise<SentTransaction> {
    return this.send('lock', [requestId, prover, price]);
  }

  fulfill(requestId: Hex, proof: Hex, publicSignals: readonly bigint[]): Promise<SentTransaction> {
    return this.send('fulfill', [requestId, proof, publicSignals]);
  }

  /** A prover lets the matchmaker lock its stake behind assignments. */
  consentToMatchmaker(allowed = true): Promise<SentTransaction> {
    return this.send('setMatchmakerConsent', [allowed]);
  }

  async request(requestId: Hex): Promise<OnChainRequest> {
    return onChainRequestOf(await this.client.readContract({ address: this.proofMarket, abi: ProofMarket.abi, functionName: 'requests', args: [requestId] }));
  }

  async balanceOf(address: Hex = this.address): Promise<bigint> {
    return this.client.readContract({ address: this.proofMarket, abi: ProofMarket.abi, functionName: 'balances', args: [address] });
  }

  /** (free, locked, unstaking) stake of `address`. */
  async stakeOf(address: Hex = this.address): Promise<{ free: bigint; locked: bigint; unstaking: bigint }> {
    const [free, locked, unstaking] = await this.client.readContract({ address: this.proofMarket, abi: ProofMarket.abi, functionName: 'stakes', args: [address] });
    return { free, locked, unstaking };
  }
}
