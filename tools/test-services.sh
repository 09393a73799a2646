#!/usr/bin/env bash
# Starts (or stops) the real services the test suite talks to, and prints the environment the
# tests need as `export` lines:
#   pcscd with the vsmartcard virtual reader (virtual cards connect to 127.0.0.1:35963/35964),
#   a throwaway PostgreSQL 15 cluster on 127.0.0.1, and an Xvfb display for real-window tests.
# Usage: tools/test-services.sh start STATE_DIR   |   tools/test-services.sh stop STATE_DIR
set -euo pipefail
cmd=${1:?start|stop}
state=${2:?state directory}
mkdir -p "$state"
PG_PORT=${ESERVICE_TEST_PG_PORT:-55432}
XVFB_DISPLAY=${ESERVICE_TEST_DISPLAY:-:97}

wait_port() {  # host port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && { exec 3>&- 3<&-; return 0; }
    sleep 0.1
  done
  return 1
}

start_pcscd() {
  if pgrep -x pcscd >/dev/null 2>&1; then
    if wait_port 127.0.0.1 35963 1; then
      echo "# pcscd already running with vpcd: reusing it" >&2
      echo "export ESERVICE_TEST_PCSC=1"
      return 0
    fi
    pkill -x pcscd || true; sleep 0.5
  fi
  mkdir -p /run/pcscd
  pcscd --foreground >"$state/pcscd.log" 2>&1 &
  echo $! >"$state/pcscd.pid"
  # A slow machine takes seconds to load the driver: the wait ends as soon as vpcd listens.
  wait_port 127.0.0.1 35963 60 || { echo "pcscd/vpcd did not start; see $state/pcscd.log" >&2; return 1; }
  echo "export ESERVICE_TEST_PCSC=1"
}

start_postgres() {
  local bin=/usr/lib/postgresql/15/bin dir="$state/pg"
  [ -x "$bin/initdb" ] || { echo "# PostgreSQL 15 not installed" >&2; return 1; }
  if wait_port 127.0.0.1 "$PG_PORT" 1; then
    echo "# a PostgreSQL already listens on $PG_PORT: reusing it" >&2
    echo "export ESERVICE_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
    return 0
  fi
  rm -rf "$dir"; mkdir -p "$dir"; chown postgres:postgres "$dir" "$state" 2>/dev/null || true
  chmod 755 "$state"
  su postgres -s /bin/sh -c "$bin/initdb -D '$dir' -A trust -E UTF8 --locale=C.UTF-8" >"$state/pg-init.log" 2>&1
  su postgres -s /bin/sh -c "$bin/pg_ctl -D '$dir' -l '$dir/server.log' -o \"-p $PG_PORT -c listen_addresses=127.0.0.1 -k '$dir' -c fsync=off -c max_connections=200\" -w -t 300 start" >"$state/pg-start.log" 2>&1
  echo "export ESERVICE_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
}

start_xvfb() {
  local n=${XVFB_DISPLAY#:} lock="/tmp/.X${XVFB_DISPLAY#:}-lock"
  if [ -f "$lock" ] && kill -0 "$(tr -d ' ' <"$lock")" 2>/dev/null; then
    echo "# display $XVFB_DISPLAY already exists: reusing it" >&2
    echo "export ESERVICE_TEST_DISPLAY=$XVFB_DISPLAY"
    return 0
  fi
  rm -f "$lock" "/tmp/.X11-unix/X$n" "$state/xvfb.ready"
  # Xvfb writes the display number to -displayfd once it accepts clients (its socket file
  # appears earlier, and a slow machine may take more than a few seconds to get there).
  Xvfb "$XVFB_DISPLAY" -screen 0 1280x1024x24 -nolisten tcp -displayfd 3 \
    3>"$state/xvfb.ready" >"$state/xvfb.log" 2>&1 &
  local pid=$! i
  echo "$pid" >"$state/xvfb.pid"
  for ((i = 0; i < 1200; i++)); do
    if [ -s "$state/xvfb.ready" ]; then
      echo "export ESERVICE_TEST_DISPLAY=$XVFB_DISPLAY"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "Xvfb $XVFB_DISPLAY did not start; see $state/xvfb.log" >&2
  return 1
}

stop_pid() {
  local f="$state/$1.pid"
  [ -f "$f" ] || return 0
  kill "$(cat "$f")" 2>/dev/null || true
  rm -f "$f"
}

case "$cmd" in
  start)
    start_pcscd
    start_postgres
    start_xvfb
    ;;
  stop)
    stop_pid xvfb
    if [ -d "$state/pg" ]; then
      su postgres -s /bin/sh -c "/usr/lib/postgresql/15/bin/pg_ctl -D '$state/pg' -m fast -w stop" >/dev/null 2>&1 || true
      rm -rf "$state/pg"
    fi
    stop_pid pcscd
    ;;
  *) echo "usage: $0 start|stop STATE_DIR" >&2; exit 2 ;;
esac
