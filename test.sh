#!/usr/bin/env bash
# Runs every test of the solution. Installs and starts what the tests need when it is missing:
# PostgreSQL (Debian package), started as a throwaway cluster on loopback and removed afterwards;
# Mosquitto (Debian package, with mosquitto_passwd), which the MQTT tests start themselves on free loopback ports, and
# its command-line clients (mosquitto_pub; Debian package mosquitto-clients);
# the npm packages of the Sparkplug edge-node peer (tests/peers/sparkplug-edge).
# Set THREADLINE_TEST_POSTGRES to a connection string to use a server of your own instead.
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

start_postgres() {
  local bin; bin=$(pg_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "test.sh: installing PostgreSQL from Debian packages"
    apt_install postgresql
    bin=$(pg_bin)
  fi
  PG_DIR=$(mktemp -d /tmp/threadline-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  PG_RUN=()
  if [ "$(id -u)" = 0 ]; then
    # initdb refuses to run as root; the Debian package creates the postgres user.
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/false postgres
    chown postgres "$PG_DIR"
    PG_RUN=(runuser -u postgres --)
  fi
  PG_CTL="$bin/pg_ctl"
  "${PG_RUN[@]}" "$bin/initdb" -D "$PG_DIR/data" -A trust -U postgres >"$PG_DIR/initdb.log"
  local port
  for port in 55432 55433 55434 55435 55436; do
    if "${PG_RUN[@]}" "$PG_CTL" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
         -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null; then
      export THREADLINE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      echo "test.sh: PostgreSQL on 127.0.0.1:$port"
      return
    fi
  done
  echo "test.sh: PostgreSQL would not start; see $PG_DIR/server.log" >&2
  cat "$PG_DIR/server.log" >&2 || true
  exit 1
}

stop_services() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_RUN[@]}" "$PG_CTL" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
trap stop_services EXIT

if [ -z "${THREADLINE_TEST_POSTGRES:-}" ]; then start_postgres; fi
if [ -z "${THREADLINE_TEST_MOSQUITTO:-}" ] && [ ! -x /usr/sbin/mosquitto ]; then
  echo "test.sh: installing Mosquitto from Debian packages"
  apt_install mosquitto
fi
if [ ! -x /usr/bin/mosquitto_pub ]; then
  echo "test.sh: installing the Mosquitto clients from Debian packages"
  apt_install mosquitto-clients
fi

# The Sparkplug peer test runs Eclipse Tahu's JavaScript edge node (npm sparkplug-client), pinned by its lock file.
if [ ! -d tests/peers/sparkplug-edge/node_modules ]; then
  if ! command -v npm >/dev/null; then
    echo "test.sh: installing Node.js from Debian packages"
    apt_install nodejs npm
  fi
  (cd tests/peers/sparkplug-edge && npm ci --no-audit --no-fund --loglevel=error)
fi

log=$(mktemp)
status=0
dotnet test Threadline.slnx --nologo "$@" 2>&1 | tee "$log" || status=$?
# One closing line a CI reader understands, summed over the test projects.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
exit $status
