#!/usr/bin/env bash
# `make run`: the reference county server on loopback plus the counter GUI over an embedded
# SQLite database with demo data. Without a display it starts a virtual one and says so.
# A port or display already taken is not fatal: the next free one is used and named.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-$PWD/.demo-data}
port=${2:-8765}
bin=$PWD/.venv/bin
mkdir -p "$data/office" "$data/county"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
display_taken() { [ -e "/tmp/.X11-unix/X$1" ] || [ -e "/tmp/.X$1-lock" ]; }

wanted=$port
while port_taken "$port"; do port=$((port + 1)); done
[ "$port" = "$wanted" ] || echo "Port $wanted is in use: the county server takes port $port instead."

if "$bin/python" -c "import eservice_desktop.county.cli" 2>/dev/null; then
  "$bin/eservice-county-server" serve --db "sqlite:///$data/county/county.sqlite3" \
    --host 127.0.0.1 --port "$port" --demo >"$data/county/server.log" 2>&1 &
  pids+=($!)
  echo "County server: http://127.0.0.1:$port (log: $data/county/server.log)"
  # The counter's first sync round should find the county up: a round that fails backs off
  # (1, 2, 4 … s), so a slow first start of the server would delay the demo's first sync.
  for _ in $(seq 600); do port_taken "$port" && break; sleep 0.1; done
  port_taken "$port" || echo "The county server is not answering yet; the counter will retry (see its log)."
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  first=${ESERVICE_DEMO_DISPLAY:-90}
  n=$first
  while display_taken "$n"; do n=$((n + 1)); done
  [ "$n" = "$first" ] || echo "Display :$first is in use: the virtual screen takes :$n instead."
  echo "No display found: starting a virtual screen :$n (Xvfb). Use a desktop session to see the window."
  # Xvfb writes its display number to -displayfd once it takes clients (its socket file
  # appears before that); the window starts then, or after 60 s with a word.
  ready=$(mktemp)
  Xvfb ":$n" -screen 0 1366x900x24 -nolisten tcp -displayfd 3 3>"$ready" >/dev/null 2>&1 &
  pids+=($!)
  export DISPLAY=":$n"
  for _ in $(seq 600); do
    [ -s "$ready" ] && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  [ -s "$ready" ] || echo "The virtual screen :$n did not start in time: the window may not open."
  rm -f "$ready"
fi

echo "To stop: close the window, or press Ctrl+C here (the county server and any virtual screen stop with it)."
export ESERVICE_COUNTY_URL="http://127.0.0.1:$port"
"$bin/eservice-desktop" --data-dir "$data/office" gui --demo &
pids+=($!)
wait "${pids[-1]}"
