/**
 * The prover node's configuration: one table of options, read from flags, environment variables and a
 * JSON file, with the precedence flag > env > file > default. Pure: the caller reads the file and the
 * environment and passes them in, so every rule here is unit-tested without I/O.
 *
 * @example
 * const config = resolveConfig({
 *   flags: { max_concurrent_proofs: '2' },          // from --max-concurrent-proofs 2
 *   env: process.env,                                // PROOFMARKET_COORDINATOR_URL=…
 *   file: JSON.parse(readFileSync('prover.json', 'utf8')),
 *   fileName: 'prover.json',
 * });
 */

export interface ProverConfig {
  /** The node's id at the coordinator; when unset, a UUID generated once and kept in `state_dir`. */
  node_id: string | undefined;
  /** Holds the node id, the measured proving speed and the cached program artifacts. */
  state_dir: string;
  /** Advertise (and require) a GPU. Start fails when none is usable. */
  gpu_enabled: boolean;
  /** Proofs run at once, each in its own worker thread; also the capacity advertised to the coordinator. */
  max_concurrent_proofs: number;
  /** Privacy levels (1–255) this node takes tasks for; empty means all of them. */
  supported_privacy_levels: number[];
  coordinator_url: string;
  /** EVM address (0x + 40 hex digits) that rewards are paid to. */
  reward_address: string | undefined;
  /**
   * DEMO/TESTING ONLY: the probability (0..1) that the node corrupts a proof it generated before submitting
   * it, so the coordinator's verifier must reject it. Leave at 0 for a real node.
   */
  faulty_rate: number;
  /** A display name sent with the registration. */
  name: string | undefined;
  /** Seconds between heartbeats. Keep it well under the coordinator's heartbeat timeout. */
  heartbeat_interval: number;
  /** Seconds between polls for work while the node has free capacity and the last poll found none. */
  poll_interval: number;
  /**
   * Seconds a poll may wait at the coordinator for work (a long-poll: the coordinator answers the moment a task
   * is there, so work reaches the node without a polling delay). 0: poll every `poll_interval` instead.
   */
  long_poll: number;
  /** Seconds one proof may take before its worker thread is killed (and the proof retried). */
  proof_timeout: number;
  /** Seconds a graceful stop waits for in-flight proofs before handing them back to the market. */
  shutdown_timeout: number;
  /** Take part in the market's auctions (bids, sealed commits and reveals, rising locks); see bidding.ts. */
  bidding: boolean;
  /** What a second of proving costs this node, in base units (a decimal string). */
  cost_per_second: string;
  /** Profit on top of the cost: fee = ceil(cost) × (1 + margin). */
  margin: number;
  /** The least this node asks per proof, registered in its profile (base units); also the floor of its fee. */
  base_price: string;
  /** How the node prices its work in its profile. */
  price_type: PriceType;
  /** Per-backend overrides of the pricing, e.g. `{"plonk": {"margin": 0.5, "seconds_per_proof": 0.7}}`. */
  backend_pricing: Record<string, BackendPricingConfig> | undefined;
  /** Seconds between polls of the open auctions while bidding (at least 0.25: the loop is rate-bounded). */
  bid_interval: number;
  /**
   * The key file the node signs its calls with (`proofmarket keys` format); default `<state_dir>/key.json`,
   * generated once. Its address owns the prover it registers, or is a submitter its owner authorized.
   */
  key_file: string | undefined;
  /** Collateral the node keeps staked (base units): at start it stakes up to this from its owner's balance. */
  stake: string;
  /** zkML models (backend ezkl): off, proved with @ezkljs/engine in a worker thread, or with Python ezkl. */
  ezkl: 'off' | 'engine' | 'native';
  /** Settlement on a chain: the EVM RPC, with market_address; the node then sends `fulfill` itself. */
  chain_rpc: string | undefined;
  /** ProofMarket's address, with chain_rpc. */
  market_address: string | undefined;
}

export const PRICE_TYPES = ['per_proof', 'subscription', 'auction'] as const;
export type PriceType = (typeof PRICE_TYPES)[number];

/** One backend's pricing overrides; money as decimal strings. */
export interface BackendPricingConfig {
  cost_per_second?: string;
  margin?: number;
  /** `rising` auctions: lock once the price reaches this (default: the fee). */
  target_price?: string;
  /** Seconds one proof takes on this backend, instead of the measured speed. */
  seconds_per_proof?: number;
}

export type ConfigKey = keyof ProverConfig;

type Kind =
  | { type: 'id' }
  | { type: 'string' }
  | { type: 'bool' }
  | { type: 'int'; min: number; max: number }
  | { type: 'number'; min: number; max: number; exclusiveMin?: boolean }
  | { type: 'levels' }
  | { type: 'url' }
  | { type: 'address' }
  | { type: 'money' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'pricing' };

interface OptionSpec {
  kind: Kind;
  default: ProverConfig[ConfigKey];
  /** One line for --help. */
  describe: string;
}

export const OPTIONS: Record<ConfigKey, OptionSpec> = {
  node_id: { kind: { type: 'id' }, default: undefined, describe: 'node id (default: a UUID generated once, kept in the state dir)' },
  state_dir: { kind: { type: 'string' }, default: './.proofmarket/prover', describe: 'state directory (node id, artifact cache)' },
  gpu_enabled: { kind: { type: 'bool' }, default: false, describe: 'require and advertise a GPU (start fails without one)' },
  max_concurrent_proofs: { kind: { type: 'int', min: 1, max: 256 }, default: 1, describe: 'proofs at once, one worker thread each (= capacity)' },
  supported_privacy_levels: { kind: { type: 'levels' }, default: [], describe: 'privacy levels, e.g. 1,2,3 or 1-3 (default: all 1-255)' },
  coordinator_url: { kind: { type: 'url' }, default: 'http://127.0.0.1:8080', describe: 'coordinator base URL' },
  reward_address: { kind: { type: 'address' }, default: undefined, describe: 'EVM address for rewards (0x + 40 hex digits)' },
  faulty_rate: { kind: { type: 'number', min: 0, max: 1 }, default: 0, describe: 'DEMO/TESTING: probability of corrupting a proof (0..1)' },
  name: { kind: { type: 'string' }, default: undefined, describe: 'display name sent with the registration' },
  heartbeat_interval: { kind: { type: 'number', min: 0, max: 3600, exclusiveMin: true }, default: 5, describe: 'seconds between heartbeats' },
  poll_interval: { kind: { type: 'number', min: 0, max: 3600, exclusiveMin: true }, default: 0.5, describe: 'seconds between polls for work when idle' },
  long_poll: { kind: { type: 'int', min: 0, max: 60 }, default: 20, describe: 'seconds a poll waits at the coordinator for work (0: poll every poll_interval)' },
  proof_timeout: { kind: { type: 'number', min: 0, max: 86_400, exclusiveMin: true }, default: 600, describe: 'seconds one proof may take' },
  shutdown_timeout: { kind: { type: 'number', min: 0, max: 86_400 }, default: 30, describe: 'seconds a stop waits for in-flight proofs' },
  bidding: { kind: { type: 'bool' }, default: true, describe: 'bid in the market\'s auctions (weighted, sealed, rising; fixed takes)' },
  cost_per_second: { kind: { type: 'money' }, default: '100', describe: 'cost of one second of proving, in base units' },
  margin: { kind: { type: 'number', min: 0, max: 100 }, default: 0.2, describe: 'profit margin: fee = ceil(cost) x (1 + margin)' },
  base_price: { kind: { type: 'money' }, default: '0', describe: 'least price per proof, registered in the profile (base units)' },
  price_type: { kind: { type: 'enum', values: PRICE_TYPES }, default: 'per_proof', describe: `price type in the profile: ${PRICE_TYPES.join(', ')}` },
  backend_pricing: {
    kind: { type: 'pricing' },
    default: undefined,
    describe: 'per-backend JSON overrides, e.g. {"plonk":{"margin":0.5,"cost_per_second":"200","target_price":"900","seconds_per_proof":0.7}}',
  },
  bid_interval: { kind: { type: 'number', min: 0.25, max: 60 }, default: 0.25, describe: 'seconds between polls of the open auctions' },
  key_file: { kind: { type: 'string' }, default: undefined, describe: 'key file to sign with (default: <state_dir>/key.json, generated once)' },
  stake: { kind: { type: 'money' }, default: '0', describe: 'collateral to keep staked; topped up at start from the owner\'s balance' },
  chain_rpc: { kind: { type: 'url' }, default: undefined, describe: 'EVM RPC of ProofMarket: the node sends fulfill(requestId, proof, signals) itself, with its key' },
  market_address: { kind: { type: 'address' }, default: undefined, describe: 'ProofMarket\'s address (with --chain-rpc)' },
  ezkl: { kind: { type: 'enum', values: ['off', 'engine', 'native'] }, default: 'off', describe: 'prove zkML models (backend ezkl): off, engine (@ezkljs/engine, no Python) or native (Python ezkl)' },
};

export const CONFIG_KEYS = Object.keys(OPTIONS) as ConfigKey[];

export const DEFAULT_CONFIG: ProverConfig = Object.fromEntries(CONFIG_KEYS.map((k) => [k, OPTIONS[k].default])) as unknown as ProverConfig;

/** `max_concurrent_proofs` → `--max-concurrent-proofs` */
export const flagName = (key: ConfigKey) => `--${key.replaceAll('_', '-')}`;
/** `max_concurrent_proofs` → `PROOFMARKET_MAX_CONCURRENT_PROOFS` */
export const envName = (key: ConfigKey) => `PROOFMARKET_${key.toUpperCase()}`;

/** An invalid option value; the message is one line that names the flag, variable or file key at fault. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const EVM_ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

export interface ConfigSources {
  /** Values from flags, by config key; strings as typed (booleans for switches). */
  flags?: Partial<Record<ConfigKey, string | boolean | undefined>>;
  /** The environment (only PROOFMARKET_* variables are read). */
  env?: Record<string, string | undefined>;
  /** The parsed JSON config file (or a programmatic partial config). */
  file?: unknown;
  /** How to name the file in messages. */
  fileName?: string;
}

/** Merges the sources (flag > env > file > default) and validates every value. Throws ConfigError. */
export function resolveConfig(sources: ConfigSources): ProverConfig {
  const fileName = sources.fileName ?? 'the config file';
  const file = sources.file ?? {};
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw new ConfigError(`${fileName} must hold a JSON object of options`);
  }
  for (const key of Object.keys(file)) {
    if (!(CONFIG_KEYS as string[]).includes(key)) {
      throw new ConfigError(`unknown option "${key}" in ${fileName}; known options: ${CONFIG_KEYS.join(', ')}`);
    }
  }
  const config = { ...DEFAULT_CONFIG } as Record<ConfigKey, unknown>;
  for (const key of CONFIG_KEYS) {
    const flag = sources.flags?.[key];
    const env = sources.env?.[envName(key)];
    const fromFile = (file as Record<string, unknown>)[key];
    if (flag !== undefined) config[key] = parseValue(key, flag, flagName(key), true);
    else if (env !== undefined && env !== '') config[key] = parseValue(key, env, envName(key), true);
    else if (fromFile !== undefined && fromFile !== null) config[key] = parseValue(key, fromFile, `${key} in ${fileName}`, false);
  }
  return config as unknown as ProverConfig;
}

/** Validates a programmatic (partial) config, as `new ProverNode(config)` receives it. */
export function proverConfig(partial: Partial<ProverConfig> = {}): ProverConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined));
  return resolveConfig({ file: defined, fileName: 'the prover config' });
}

/**
 * One value, from text (a flag or a variable: `fromText`) or a JSON value (the file, which must use JSON's
 * own types: `2`, not `"2"`). `where` names its source in the message.
 */
export function parseValue(key: ConfigKey, raw: unknown, where: string, fromText: boolean): unknown {
  const kind = OPTIONS[key].kind;
  const bad = (expected: string): never => {
    throw new ConfigError(`${where} must be ${expected}, got ${JSON.stringify(raw) ?? String(raw)}`);
  };
  switch (kind.type) {
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && fromText) {
        const v = raw.trim().toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(v)) return true;
        if (['false', '0', 'no', 'off'].includes(v)) return false;
      }
      return bad('true or false');
    }
    case 'int': {
      const n = typeof raw === 'number' ? raw : fromText && typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(n) || n < kind.min || n > kind.max) return bad(`an integer from ${kind.min} to ${kind.max}`);
      return n;
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : fromText && typeof raw === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(raw) ? Number(raw) : NaN;
      const low = kind.exclusiveMin ? n > kind.min : n >= kind.min;
      if (!Number.isFinite(n) || !low || n > kind.max) {
        return bad(kind.exclusiveMin ? `a number above ${kind.min} and at most ${kind.max}` : `a number from ${kind.min} to ${kind.max}`);
      }
      return n;
    }
    case 'levels':
      return parseLevels(raw, where);
    case 'url': {
      if (typeof raw !== 'string') return bad('an http(s) URL');
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        return bad('an http(s) URL');
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('an http(s) URL');
      return raw.replace(/\/+$/, '');
    }
    case 'address':
      if (typeof raw !== 'string' || !EVM_ADDRESS_RE.test(raw)) return bad('an EVM address (0x followed by 40 hex digits)');
      return raw;
    case 'id':
      if (typeof raw !== 'string' || !ID_RE.test(raw)) return bad('a UUID or a slug of letters, digits and _.:- (at most 64)');
      return raw;
    case 'string':
      if (typeof raw !== 'string' || raw.length === 0) return bad('a non-empty string');
      return raw;
    case 'money':
      return parseMoney(raw, fromText) ?? bad('an amount of base units (a whole number ≥ 0, e.g. "100")');
    case 'enum':
      if (typeof raw !== 'string' || !kind.values.includes(raw.trim())) return bad(`one of ${kind.values.join(', ')}`);
      return raw.trim();
    case 'pricing':
      return parseBackendPricing(raw, where, fromText);
  }
}

/**
 * Base units: a decimal string of digits (or, in a JSON file, a safe integer ≥ 0), at most 78 digits.
 * Normalized to a decimal string without leading zeros; undefined when invalid.
 */
export function parseMoney(raw: unknown, fromText = false): string | undefined {
  if (typeof raw === 'number') return Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = fromText ? raw.trim() : raw;
  if (!/^\d{1,78}$/.test(text)) return undefined;
  return BigInt(text).toString(10);
}

const BACKEND_RE = /^[a-z0-9_-]{1,32}$/;
const PRICING_KEYS = ['cost_per_second', 'margin', 'target_price', 'seconds_per_proof'] as const;

/**
 * Per-backend pricing: a JSON object (or its text, from a flag or a variable) of backend name →
 * `{ cost_per_second?, margin?, target_price?, seconds_per_proof? }`.
 */
export function parseBackendPricing(raw: unknown, where: string, fromText: boolean): Record<string, BackendPricingConfig> {
  const fail = (detail: string): never => {
    throw new ConfigError(`${where} must be a JSON object of backend → {cost_per_second, margin, target_price, seconds_per_proof}: ${detail}`);
  };
  let value = raw;
  if (fromText && typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      fail(`${JSON.stringify(raw)} is not JSON`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`got ${JSON.stringify(value)}`);
  const out: Record<string, BackendPricingConfig> = {};
  for (const [backend, entry] of Object.entries(value)) {
    if (!BACKEND_RE.test(backend)) fail(`"${backend}" is not a backend name`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail(`${backend}: got ${JSON.stringify(entry)}`);
    const e = entry as Record<string, unknown>;
    const unknown = Object.keys(e).find((k) => !(PRICING_KEYS as readonly string[]).includes(k));
    if (unknown !== undefined) fail(`${backend}: unknown key "${unknown}"`);
    const p: BackendPricingConfig = {};
    for (const key of ['cost_per_second', 'target_price'] as const) {
      if (e[key] === undefined) continue;
      const m = parseMoney(e[key]);
      if (m === undefined) return fail(`${backend}.${key} must be base units (e.g. "100"), got ${JSON.stringify(e[key])}`);
      p[key] = m;
    }
    if (e.margin !== undefined) {
      if (typeof e.margin !== 'number' || !Number.isFinite(e.margin) || e.margin < 0 || e.margin > 100) fail(`${backend}.margin must be a number from 0 to 100`);
      p.margin = e.margin as number;
    }
    if (e.seconds_per_proof !== undefined) {
      const v = e.seconds_per_proof;
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 86_400) fail(`${backend}.seconds_per_proof must be a number above 0 and at most 86400`);
      p.seconds_per_proof = v as number;
    }
    out[backend] = p;
  }
  return out;
}

/**
 * Privacy levels: a JSON array of integers, or text such as `1,2,3`, `1-3,10` or `all`. Each level is an
 * integer from 1 to 255; the result is sorted without duplicates, and empty means all levels.
 */
export function parseLevels(raw: unknown, where: string): number[] {
  const fail = (detail: string): never => {
    throw new ConfigError(`${where} must be privacy levels from 1 to 255 (e.g. 1,2,3 or 1-3): ${detail}`);
  };
  const levels: number[] = [];
  const add = (n: number, shown: unknown) => {
    if (!Number.isInteger(n) || n < 1 || n > 255) fail(`${JSON.stringify(shown)} is not an integer from 1 to 255`);
    levels.push(n);
  };
  if (Array.isArray(raw)) {
    for (const item of raw) add(typeof item === 'number' ? item : NaN, item);
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '' || text.toLowerCase() === 'all') return [];
    for (const part of text.split(',').map((p) => p.trim())) {
      const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        add(from, part);
        add(to, part);
        if (from > to) fail(`the range ${part} is empty`);
        for (let n = from + 1; n < to; n++) levels.push(n);
      } else {
        add(/^\d+$/.test(part) ? Number(part) : NaN, part);
      }
    }
  } else {
    fail(`got ${JSON.stringify(raw)}`);
  }
  return [...new Set(levels)].sort((a, b) => a - b);
}

/** The levels to advertise: the configured ones, or every level when none is configured. */
export function advertisedLevels(config: Pick<ProverConfig, 'supported_privacy_levels'>): number[] {
  return config.supported_privacy_levels.length > 0 ? [...config.supported_privacy_levels] : Array.from({ length: 255 }, (_, i) => i + 1);
}
