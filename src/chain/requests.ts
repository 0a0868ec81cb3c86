/**
 * A proofmarket request as ProofMarket knows it. The coordinator's request id (a UUID or any id the requester
 * chose) maps to the contract's bytes32 by keccak256 of its UTF-8 bytes, so requester, coordinator and prover
 * each compute it alone. The commitment is keccak256 of the public signals a correct proof must carry (the
 * coordinator's `expected_public_signals`, from the input alone): a proof for other data is refused on chain.
 */
import { keccak256, stringToBytes, type Hex } from 'viem';
import { signalsCommitment } from './calldata.ts';

export function chainRequestId(requestId: string): Hex {
  return keccak256(stringToBytes(requestId));
}

/** What `createRequest` takes, from the request's terms and its expected public signals. */
export interface ChainRequestTerms {
  requestId: Hex;
  programId: Hex;
  maxPrice: bigint;
  /** Seconds since the epoch. */
  deadline: bigint;
  minStake: bigint;
  commitment: Hex;
}

export function chainRequestTerms(r: { requestId: string; programId: string; maxPrice: bigint; deadline: Date; minStake: bigint; expectedSignals: readonly string[] }): ChainRequestTerms {
  return {
    requestId: chainRequestId(r.requestId),
    programId: (r.programId.startsWith('0x') ? r.programId : `0x${r.programId}`).toLowerCase() as Hex,
    maxPrice: r.maxPrice,
    deadline: BigInt(Math.floor(r.deadline.getTime() / 1000)),
    minStake: r.minStake,
    commitment: signalsCommitment(r.expectedSignals),
  };
}

/** ProofMarket's `RequestStatus` and `LockState` enums, by number. */
export const REQUEST_STATUS = ['none', 'open', 'fulfilled', 'refunded', 'cancelled'] as const;
export const LOCK_STATE = ['none', 'active', 'released', 'slashed'] as const;

/** `requests(id)` as read from the contract. */
export interface OnChainRequest {
  requester: Hex;
  deadline: bigint;
  status: (typeof REQUEST_STATUS)[number];
  lockState: (typeof LOCK_STATE)[number];
  prover: Hex;
  lockDeadline: bigint;
  maxPrice: bigint;
  price: bigint;
  lockedStake: bigint;
  programId: Hex;
  commitment: Hex;
}

export function onChainRequestOf(r: readonly [Hex, bigint, number, number, Hex, bigint, bigint, bigint, bigint, Hex, Hex]): OnChainRequest {
  return {
    requester: r[0],
    deadline: r[1],
    status: REQUEST_STATUS[r[2]]!,
    lockState: LOCK_STATE[r[3]]!,
    prover: r[4],
    lockDeadline: r[5],
    maxPrice: r[6],
    price: r[7],
    lockedStake: r[8],
    programId: r[9],
    commitment: r[10],
  };
}
