// A PostgreSQL server of one's own on a free port, which its owner may restart: for `proofmarket cluster` and
// the tests and benches that restart the database under load (the shared TEST_DATABASE_URL server must stay up
// for the other tests). Started by .ci/postgres.sh, the same script CI uses.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface PrivatePostgres {
  url: string;
  /** pg_ctl restart --mode=fast: every connection is terminated, the data stays. Asynchronous, so that the
   * process's own servers keep running (and failing) while it happens. */
  restart(): Promise<void>;
  stop(): void;
}

const script = fileURLToPath(new URL('../../.ci/postgres.sh', import.meta.url));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether initdb can be found (on PATH or where Debian puts it), i.e. whether this machine can start a server. */
export function canStartPostgres(): boolean {
  try {
    execFileSync('bash', ['-c', 'command -v initdb || ls -d /usr/lib/postgresql/*/bin/initdb'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  // The script prints its data directory's root last, so that this process can drive pg_ctl on it.
  const out = execFileSync('bash', ['-c', `source "${script}" >/dev/null && echo "$pg_root" && echo "$(command -v pg_ctl)"`], {
    env: { ...process.env, PG_PORT: String(port) },
    cwd: '/',
    encoding: 'utf8',
  }).trim().split('\n');
  const [root, pgCtl] = [out.at(-2)!, out.at(-1)!];
  const command = (args: string[]): [string, string[]] => (process.getuid?.() === 0 ? ['runuser', ['-u', 'proofmarket-pg', '--', pgCtl, ...args]] : [pgCtl, args]);
  const asPg = (args: string[]) => execFileSync(...command(args), { cwd: '/', stdio: 'ignore' });
  const asPgAsync = async (args: string[]) => void (await promisify(execFile)(...command(args), { cwd: '/' }));
  const data = `--pgdata=${root}/data`;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => asPgAsync([data, '--mode=fast', '--wait', '--silent', '-l', `${root}/postgres.log`, 'restart']),
    stop: () => {
      try {
        asPg([data, '--mode=fast', '--wait', '--silent', 'stop']);
      } finally {
        execFileSync('rm', ['-rf', root]);
      }
    },
  };
}
