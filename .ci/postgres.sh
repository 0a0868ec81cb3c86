# Sourced by .ci/run (and usable by hand): starts a throwaway PostgreSQL server as an unprivileged user,
# listening on 127.0.0.1 only, and exports TEST_DATABASE_URL. Postgres refuses to run as root.
pg_user=proofmarket-pg
# Debian keeps the server's binaries under /usr/lib/postgresql/<version>/bin, off PATH; install them when absent.
if ! command -v initdb >/dev/null; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$pg_bin" ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); fi
  export PATH="$pg_bin:$PATH"
fi
pg_port=${PG_PORT:-55432}
pg_root=$(mktemp -d /tmp/proofmarket-pg.XXXXXX)
if [ "$(id -u)" = 0 ]; then
  pg_made_user=
  if ! id "$pg_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"; pg_made_user=1
  fi
  chown "$pg_user" "$pg_root"
  # From /: the clone may sit in a directory the postgres user cannot enter, and postgres would say so.
  as_pg() { (cd / && runuser -u "$pg_user" -- "$@"); }
else
  as_pg() { "$@"; }
fi
as_pg initdb --pgdata="$pg_root/data" --username=postgres --auth=trust --encoding=UTF8 --no-sync >/dev/null
as_pg pg_ctl --pgdata="$pg_root/data" --log="$pg_root/postgres.log" --wait --silent start \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pg_root -c max_connections=200 -c fsync=off"
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
stop_postgres() {
  as_pg pg_ctl --pgdata="$pg_root/data" --mode=fast --wait --silent stop || true
  rm -rf "$pg_root"
  # Leave the machine as we found it: remove the system user only if this script created it.
  if [ -n "${pg_made_user:-}" ]; then userdel "$pg_user" 2>/dev/null || true; fi
}
echo "PostgreSQL $(postgres --version | awk '{print $3}') running on 127.0.0.1:$pg_port as $pg_user"
