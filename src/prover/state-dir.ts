import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePrivateKey } from 'viem/accounts';
import { keyFileOf, readKeyFile, writeKeyFile } from '../keys/key-file.ts';
import type { Hex } from 'viem';
import { ChainMarket } from '../chain/market-client.ts';
import { privateKeySigner, type Signer } from '../sdk/signer.ts';
import { ConfigError, type ProverConfig } from './config.ts';

/**
 * What a node keeps between runs, in `<state_dir>/node.json`:
 * - `node_id`, generated once, so a restarted node is the same prover to the coordinator;
 * - `proof_rate_per_worker`, its measured proving speed. The coordinator treats a registration with other
 *   values as a different prover (409), so a restarted node must advertise the same speed: it is measured
 *   once per state dir, not at every start.
 */
export interface NodeState {
  node_id: string;
  /** Proofs per second of one worker thread on the benchmark circuit. */
  proof_rate_per_worker?: number;
  benchmark?: string;
}

const FILE = 'node.json';

export function loadNodeState(stateDir: string): NodeState {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, FILE);
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<NodeState>;
    if (typeof state.node_id === 'string' && state.node_id.length > 0) return state as NodeState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  const fresh: NodeState = { node_id: randomUUID() };
  saveNodeState(stateDir, fresh);
  return fresh;
}

export function saveNodeState(stateDir: string, state: NodeState): void {
  mkdirSync(stateDir, { recursive: true });
  const path = join(stateDir, FILE);
  // Write then rename, so a crash never leaves a half-written file (and a lost node id).
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}

/**
 * The node's signing key: the key file at `path`, created (mode 0600) with a fresh key the first time, so a
 * restarted node signs as the same address.
 */
export function loadOrCreateKey(path: string): Signer {
  if (!existsSync(path)) writeKeyFile(path, keyFileOf(generatePrivateKey()));
  return privateKeySigner(readKeyFile(path).private_key);
}

/**
 * With chain_rpc and market_address: ProofMarket signed with the node's own key (the key file's), which
 * fulfils the requests it proves. One without the other is a configuration error.
 */
export function chainMarketOf(config: Pick<ProverConfig, 'chain_rpc' | 'market_address'>, keyPath: string): ChainMarket | undefined {
  if (config.chain_rpc === undefined && config.market_address === undefined) return undefined;
  if (config.chain_rpc === undefined || config.market_address === undefined) throw new ConfigError('chain_rpc and market_address go together: the node fulfils on ProofMarket at that RPC');
  if (!existsSync(keyPath)) writeKeyFile(keyPath, keyFileOf(generatePrivateKey()));
  return new ChainMarket(config.chain_rpc, config.market_address as Hex, readKeyFile(keyPath).private_key as Hex);
}
