import { startCoordinator } from '../../coordinator/coordinator.ts';
import { parsePrivacyRoutes, type CoordinatorConfig } from '../../coordinator/config.ts';
import { intOption, parse } from '../args.ts';
import { usage } from '../errors.ts';
import { onShutdown } from '../shutdown.ts';

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
  --privacy-routes ROUTES     program and proof system per privacy level
                              (default 1-255:data-commitment/groth16)
  --log-level LEVEL           silent|error|warn|info|debug (default info)
  --operator-token TOKEN      the market operator's bearer token (or PROOFMARKET_OPERATOR_TOKEN):
                              it alone may seed a prover's reputation
  --backends-file FILE        an extra external-backend definition file (repeatable)

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
  'privacy-routes': { type: 'string' },
  'log-level': { type: 'string' },
  'operator-token': { type: 'string' },
  'backends-file': { type: 'string', multiple: true },
} as const;

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
    operatorToken: str('operator-token') ?? process.env.PROOFMARKET_OPERATOR_TOKEN,
    backendFiles: Array.isArray(v['backends-file']) ? v['backends-file'] : undefined,
  };
  return Object.fromEntries(Object.entries(config).filter(([, val]) => val !== undefined)) as Partial<CoordinatorConfig>;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parse(argv, serveOptions);
  if (values.help) return void console.log(help);
  const coordinator = await startCoordinator(configFromFlags(values));
  console.error(`proofmarket coordinator listening on ${coordinator.url} (store: ${coordinator.db.kind}); docs at ${coordinator.url}/docs`);
  await onShutdown(() => coordinator.close());
}
