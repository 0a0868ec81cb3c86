import { startCoordinator } from '../../coordinator/coordinator.ts';
import { dataCommitment } from '../../proofs/builtin/data-commitment.ts';
import { DEFAULT_CONFIG, parsePrivacyRoutes, type CoordinatorConfig } from '../../coordinator/config.ts';
import { DEFAULT_ECONOMICS, type EconomicsConfig } from '../../domain/ledger.ts';
import { intOption, parse } from '../args.ts';
import { usage } from '../errors.ts';
import { onShutdown } from '../shutdown.ts';
import { chainFromFlags, chainHelp, chainOptions } from '../chain-flags.ts';
import { parseS3Spec } from '../../artifacts/open.ts';

export const help = `proofmarket serve — run the coordinator (REST API, scheduler, verifier pool)

Options:
  --host HOST                 interface to bind (default 127.0.0.1)
  --port PORT                 port (default 8080; 0 picks a free one)
  --data-dir DIR              PGlite data directory (default ./.proofmarket/db)
  --database-url URL          use a PostgreSQL server instead (or DATABASE_URL)
  --heartbeat-timeout SECS    a prover silent this long is offline (default 30)
  --proof-timeout SECS        a task held this long goes back to pending (default 300)
  --max-attempts N            failed verifications before a task fails (default 3)
  --task-deadline MINUTES     how long a seed task may stay unfinished (default 60)
  --verifier-threads N        verification worker threads (default: cores - 1, at least 1)
  --verify-batch-ms MS        Groth16 proofs of one program arriving within MS are verified as one batch
                              (default 2; 0 verifies each alone)
  --privacy-routes ROUTES     program and proof system per privacy level
                              (default 1-255:data-commitment/groth16)
  --log-level LEVEL           silent|error|warn|info|debug (default info)
  --operator ADDRESS          the market operator's address (or PROOFMARKET_OPERATOR): its signed calls
                              alone may seed a reputation, suspend or reinstate a prover, reverse a slash
  --protocol-fee-bps N        protocol fee on each clearing price, to the treasury (default 100 = 1%)
  --min-stake AMOUNT          stake a prover needs to bid at all (default 0)
  --overcommit-bps N          free stake must cover min_stake + locked × N/10000 (default 10000)
  --slash-bps N               share of the locked stake slashed on a missed deadline (default 10000)
  --slash-burn-bps N          share of a slash burned; the rest goes to the requester (default 5000)
  --unstake-delay SECS        unstaked collateral stays slashable this long (default 86400)
  --backends-file FILE        an extra external-backend definition file (repeatable)
  --open                      accept unsigned mutating calls (the seed API's behaviour); only with a
                              loopback --host (127.0.0.1, ::1, localhost). Signed calls are still verified
  --auth-window SECS          how far a signed call's timestamp may be from this clock (default 300)
  --rate-limit N/SECS         calls per client address per window, 429 beyond (default 3000/10; 0 = off)
  --rate-limit-loopback       apply the rate limit to loopback clients too (exempt by default)

${chainHelp}
  --artifacts DIR|S3URL       the content-addressed artifact store: a directory (default <data-dir>/artifacts)
                              or s3://BUCKET[/PREFIX]?endpoint=URL[&region=R] for S3-compatible storage (Akave
                              O3, Filecoin gateways, MinIO; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)
  --artifact-max-bytes N      the largest artifact an upload may store (default 1073741824 = 1 GiB)

Example:
  proofmarket serve --port 8080 --database-url postgres://pm@127.0.0.1:5432/proofmarket`;

export const serveOptions = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  'heartbeat-timeout': { type: 'string' },
  'proof-timeout': { type: 'string' },
  'max-attempts': { type: 'string' },
  'task-deadline': { type: 'string' },
  'verifier-threads': { type: 'string' },
  'verify-batch-ms': { type: 'string' },
  'privacy-routes': { type: 'string' },
  'log-level': { type: 'string' },
  operator: { type: 'string' },
  'protocol-fee-bps': { type: 'string' },
  'min-stake': { type: 'string' },
  'overcommit-bps': { type: 'string' },
  'slash-bps': { type: 'string' },
  'slash-burn-bps': { type: 'string' },
  'unstake-delay': { type: 'string' },
  'backends-file': { type: 'string', multiple: true },
  open: { type: 'boolean' },
  artifacts: { type: 'string' },
  'artifact-max-bytes': { type: 'string' },
  'auth-window': { type: 'string' },
  'rate-limit': { type: 'string' },
  'rate-limit-loopback': { type: 'boolean' },
} as const;

/** The economics flags over the defaults (src/domain/ledger.ts). */
function economicsFromFlags(str: (k: string) => string | undefined): EconomicsConfig {
  const bps = (k: string, d: number) => intOption(str(k), k, 0, 10_000) ?? d;
  const minStake = str('min-stake');
  if (minStake !== undefined && !/^\d{1,30}$/.test(minStake)) throw usage(`--min-stake must be an integer number of base units, got "${minStake}"`);
  const delay = intOption(str('unstake-delay'), 'unstake-delay', 0, 365 * 86_400);
  return {
    ...DEFAULT_ECONOMICS,
    protocolFeeBps: bps('protocol-fee-bps', DEFAULT_ECONOMICS.protocolFeeBps),
    minStakeToBid: minStake === undefined ? DEFAULT_ECONOMICS.minStakeToBid : BigInt(minStake),
    overcommitBps: bps('overcommit-bps', DEFAULT_ECONOMICS.overcommitBps),
    slashBps: bps('slash-bps', DEFAULT_ECONOMICS.slashBps),
    slashBurnBps: bps('slash-burn-bps', DEFAULT_ECONOMICS.slashBurnBps),
    unstakeDelayMs: delay === undefined ? DEFAULT_ECONOMICS.unstakeDelayMs : delay * 1000,
  };
}

/** `--rate-limit 3000/10` (calls per seconds) and `--rate-limit-loopback`; undefined keeps the default. */
function rateLimitFromFlags(text: string | undefined, limitLoopback: boolean): CoordinatorConfig['rateLimit'] | undefined {
  if (text === undefined && !limitLoopback) return undefined;
  const m = /^(\d{1,9})(?:\/(\d{1,6}))?$/.exec(text ?? '');
  if (text !== undefined && !m) throw usage(`--rate-limit must be CALLS/SECONDS, e.g. 3000/10 (0 turns it off), got "${text}"`);
  const windowSecs = m?.[2] === undefined ? DEFAULT_CONFIG.rateLimit.windowMs / 1000 : Number(m[2]);
  if (windowSecs < 1) throw usage('--rate-limit: the window is at least 1 second');
  return { max: m ? Number(m[1]) : DEFAULT_CONFIG.rateLimit.max, windowMs: windowSecs * 1000, limitLoopback };
}

/** Loopback hosts: the only ones `--open` may bind to. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Turns `serve`'s flags (shared with `demo`) into a config; unset flags keep the defaults. */
export function configFromFlags(v: Record<string, string | boolean | string[] | undefined>): Partial<CoordinatorConfig> {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const secs = (k: string, max: number) => {
    const n = intOption(str(k), k, 1, max);
    return n === undefined ? undefined : n * 1000;
  };
  const logLevel = str('log-level');
  if (logLevel !== undefined && !['silent', 'error', 'warn', 'info', 'debug'].includes(logLevel)) {
    throw usage(`--log-level must be one of silent, error, warn, info, debug`);
  }
  const databaseUrl = str('database-url') ?? process.env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw usage(`--database-url must start with postgres://`);
  }
  const config: Partial<CoordinatorConfig> = {
    host: str('host'),
    port: intOption(str('port'), 'port', 0, 65535),
    dataDir: str('data-dir'),
    databaseUrl,
    heartbeatTimeoutMs: secs('heartbeat-timeout', 86_400),
    proofTimeoutMs: secs('proof-timeout', 86_400),
    maxAttempts: intOption(str('max-attempts'), 'max-attempts', 1, 100),
    taskDeadlineMs: (() => {
      const m = intOption(str('task-deadline'), 'task-deadline', 1, 525_600);
      return m === undefined ? undefined : m * 60_000;
    })(),
    verifierThreads: intOption(str('verifier-threads'), 'verifier-threads', 1, 64),
    verifyBatchDelayMs: intOption(str('verify-batch-ms'), 'verify-batch-ms', 0, 1_000),
    privacyRoutes: (() => {
      const routes = str('privacy-routes');
      if (routes === undefined) return undefined;
      try {
        return parsePrivacyRoutes(routes);
      } catch (err) {
        throw usage(`--privacy-routes: ${(err as Error).message}`);
      }
    })(),
    logLevel: logLevel as CoordinatorConfig['logLevel'] | undefined,
    operatorAddress: (() => {
      const a = str('operator') ?? process.env.PROOFMARKET_OPERATOR;
      if (a === undefined) return undefined;
      if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw usage(`--operator must be an EVM address (0x and 40 hex digits), got "${a}"`);
      return a.toLowerCase();
    })(),
    economics: economicsFromFlags(str),
    backendFiles: Array.isArray(v['backends-file']) ? v['backends-file'] : undefined,
    open: v.open === true ? true : undefined,
    authWindowMs: secs('auth-window', 86_400),
    rateLimit: rateLimitFromFlags(str('rate-limit'), v['rate-limit-loopback'] === true),
    artifacts: (() => {
      const a = str('artifacts');
      if (a !== undefined && a.startsWith('s3://')) {
        try {
          parseS3Spec(a);
        } catch (err) {
          throw usage((err as Error).message);
        }
      }
      return a;
    })(),
    artifactMaxBytes: intOption(str('artifact-max-bytes'), 'artifact-max-bytes', 1, Number.MAX_SAFE_INTEGER),
  };
  const host = config.host ?? DEFAULT_CONFIG.host;
  if (config.open && !isLoopbackHost(host)) {
    throw usage(`--open accepts unsigned calls, so it is refused on --host ${host}: bind to 127.0.0.1, ::1 or localhost, or drop --open`);
  }
  return Object.fromEntries(Object.entries(config).filter(([, val]) => val !== undefined)) as Partial<CoordinatorConfig>;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parse(argv, { ...serveOptions, ...chainOptions });
  if (values.help) return void console.log(help);
  const config = configFromFlags(values);
  const chain = chainFromFlags(values);
  if (chain) config.chain = chain;
  const coordinator = await startCoordinator(config);
  if (chain) console.error(`proofmarket coordinator: settling on chain: ProofMarket ${chain.proofMarket} at ${chain.rpcUrl}, ${chain.confirmations} confirmation(s); balances and stakes come only from its events`);
  console.error(`proofmarket coordinator listening on ${coordinator.url} (store: ${coordinator.db.kind}); docs at ${coordinator.url}/docs; dashboard at ${coordinator.url}/`);
  if (config.open) console.error('proofmarket coordinator: --open: unsigned calls are accepted (loopback only)');
  // Load the Poseidon constants for task commitments now (tens of ms), not inside the first request that needs them.
  dataCommitment(new Uint8Array(0));
  await onShutdown(() => coordinator.close());
}
