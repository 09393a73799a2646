#!/usr/bin/env bash
# `make run`: the reference county server on loopback plus the counter GUI over an embedded
# SQLite database with demo data. Without a display it starts a virtual one and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-$PWD/.demo-data}
port=${2:-8765}
bin=$PWD/.venv/bin
mkdir -p "$data/office" "$data/county"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

if "$bin/python" -c "import eservice_desktop.county.cli" 2>/dev/null; then
  "$bin/eservice-county-server" serve --db "sqlite:///$data/county/county.sqlite3" \
    --host 127.0.0.1 --port "$port" --demo >"$data/county/server.log" 2>&1 &
  pids+=($!)
  echo "county server: http://127.0.0.1:$port (log: $data/county/server.log)"
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: starting a virtual screen :90 (Xvfb). Use a desktop session to see the window."
  Xvfb :90 -screen 0 1366x900x24 -nolisten tcp >/dev/null 2>&1 &
  pids+=($!)
  export DISPLAY=:90
  sleep 1
fi

export ESERVICE_COUNTY_URL="http://127.0.0.1:$port"
"$bin/eservice-desktop" --data-dir "$data/office" gui --demo
