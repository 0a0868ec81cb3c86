import { startProxy } from '../../cluster/proxy.ts';
import { canStartPostgres, startPrivatePostgres, type PrivatePostgres } from '../../cluster/local-postgres.ts';
import { ReplicaSet } from '../../cluster/replicas.ts';
import { intOption, parse } from '../args.ts';
import { usage } from '../errors.ts';
import { onShutdown } from '../shutdown.ts';

export const help = `proofmarket cluster — coordinator replicas on one PostgreSQL behind one port, for trying scale-out by hand

Starts a local PostgreSQL server (in a temporary directory, as the tests do; or uses --database-url), N
\`proofmarket serve\` replicas as child processes on free ports, and a small round-robin proxy on --port that
sends each call to a live replica (a replica refusing the connection is skipped; SSE streams pass through).
A replica that dies is restarted after a second. Ctrl-C stops the proxy, the replicas (by PID) and the
PostgreSQL server it started; its data is deleted.

Options:
  --replicas N          coordinator processes (default 3, at most 16)
  --port PORT           the proxy's port (default 8080; 0 picks a free one)
  --database-url URL    use this PostgreSQL database instead of starting one (or DATABASE_URL)
  --open                start the replicas with --open (unsigned calls, as the seed API)
  --verifier-threads N  verification threads per replica (default 1)

Examples:
  proofmarket cluster --replicas 3 --open
  curl -s localhost:8080/healthz
  proofmarket cluster --replicas 2 --port 0 --database-url postgres://pm@127.0.0.1:5432/proofmarket`;

export async function run(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    replicas: { type: 'string' },
    port: { type: 'string' },
    'database-url': { type: 'string' },
    open: { type: 'boolean' },
    'verifier-threads': { type: 'string' },
  });
  if (values.help) return void console.log(help);
  const count = intOption(values.replicas, 'replicas', 1, 16) ?? 3;
  const port = intOption(values.port, 'port', 0, 65535) ?? 8080;
  const threads = intOption(values['verifier-threads'], 'verifier-threads', 1, 64) ?? 1;
  let databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw usage('--database-url must start with postgres://');

  let pg: PrivatePostgres | undefined;
  if (databaseUrl === undefined) {
    if (!canStartPostgres()) throw usage('no PostgreSQL server binaries found (apt-get install postgresql), and no --database-url');
    pg = await startPrivatePostgres();
    databaseUrl = pg.url;
    console.log(`PostgreSQL started at ${pg.url} (deleted on exit)`);
  }
  let stopping = false;
  const serveArgs = ['--verifier-threads', String(threads), ...(values.open ? ['--open'] : [])];
  const replicas = await ReplicaSet.start({ count, databaseUrl, serveArgs, onOutput: (i, text) => process.stderr.write(prefixed(`replica ${i}`, text)) }).catch((err: unknown) => {
    pg?.stop();
    throw err;
  });
  for (const r of replicas.replicas) console.log(`replica ${r.index}: ${r.url} (pid ${r.proc!.pid})`);
  const proxy = await startProxy({ upstreams: replicas.urls, port }).catch(async (err: NodeJS.ErrnoException) => {
    await replicas.stopAll();
    pg?.stop();
    throw err.code === 'EADDRINUSE' ? usage(`port ${port} is in use; pass --port 0 for a free one`) : err;
  });
  console.log(`proofmarket cluster: ${count} replicas behind ${proxy.url} (round-robin; Ctrl-C stops everything)`);

  // A replica that dies is restarted, as a process supervisor would.
  const watch = (i: number) =>
    replicas.replicas[i]!.proc!.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`replica ${i} exited (${signal ?? code}); restarting it in 1 s`);
      setTimeout(() => {
        if (stopping) return;
        replicas.startReplica(i).then(() => watch(i), (err: Error) => stopping || console.error(`replica ${i} failed to restart: ${err.message}`));
      }, 1_000);
    });
  for (let i = 0; i < count; i++) watch(i);

  await onShutdown(async () => {
    stopping = true;
    await proxy.close();
    await replicas.stopAll();
    pg?.stop();
  });
}

function prefixed(name: string, text: string): string {
  return text.replace(/^(?=.)/gm, `[${name}] `);
}
