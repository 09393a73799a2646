#!/usr/bin/env bash
# Cold start of the counter window: process start to the window interactive (the login screen
# shown and painted: the "ready" line of gui/launcher.py's ESERVICE_QUIT_WHEN_READY hook), the frozen AppDir and
# `python -m eservice_desktop`, and that one signed in (`gui --demo`: the demo operator, the queue
# with its first list in the table, painted), each beside its baseline measured in the same run: a bare PySide6
# window (QMainWindow and a filled table, shown and painted: benchmarks/bench_gui.py's
# BARE_WINDOW) started the same way. On a private Xvfb. Medians of 6 runs after one warm-up run
# each, with the ratio to the bare window's (goal ≤ 3× to interactive); the whole process too.
# Usage: tools/cold-start.sh [APPDIR]   (without a built AppDir only the source run is timed;
# COLD_START_DISPLAY=:NN picks the Xvfb display, default :95)
# DATA_DIR=dir starts the source run over that data directory (e.g. the GUI bench's
# ~/.cache/eservice-desktop-bench/gui-1000000) instead of a new empty one.
set -euo pipefail
cd "$(dirname "$0")/.."
APPDIR=$(realpath -m "${1:-build/AppDir}")
PY=${VENV:-.venv}/bin/python
work=$(mktemp -d /tmp/eservice-cold.XXXXXX)
display=${COLD_START_DISPLAY:-:95}
Xvfb "$display" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
# The source run reads compiled bytecode, as an installed program does (the frozen build ships
# it): a shell with PYTHONDONTWRITEBYTECODE=1 would recompile the tree on every start. The
# warm-up run fills this cache.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX="$work/pycache"
frozen_built=0
[ -x "$APPDIR/AppRun" ] && frozen_built=1
# One data directory per program: each upgrades its own (the source tree may be ahead of the build).
[ "$frozen_built" = 1 ] && "$APPDIR/AppRun" --data-dir "$work/frozen" db upgrade >/dev/null
source_data=${DATA_DIR:-$work/source}
"$PY" -m eservice_desktop --data-dir "$source_data" db upgrade >/dev/null
mkdir -p "$work/home"
"$PY" -c 'from benchmarks.bench_gui import BARE_WINDOW; print(BARE_WINDOW)' >"$work/bare.py"
# As on a clerk's desktop: a D-Bus session with an unlocked Secret Service (the core reads the
# device credential from the keyring as it opens). The session start-up is inside the figure for
# every program alike, the bare window's included (~0.1 s).
session='printf eservice | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"'

# Runs alternate between the programs so background load hits them alike. Reported per program:
# the wall time from spawning the process to its "ready" line (the window interactive; the bare
# window prints it once painted), and of the whole process (D-Bus session, the counter window's
# core opening after its login screen, and the exit included).
run() {  # command... -> "ready_ms whole_ms"
  local t0 t1 t2 line
  t1=""
  t0=$(date +%s%N)
  while IFS= read -r line; do
    [ -z "$t1" ] && [ "${line%% *}" = ready ] && t1=$(date +%s%N)
    [ "${line%% *}" = ready ] && [ "${line%unpainted}" != "$line" ] && t1=unpainted
  done < <(env -u QT_QPA_PLATFORM -u ESERVICE_DEMO DISPLAY=$display HOME="$work/home" \
      ESERVICE_QUIT_WHEN_READY=1 dbus-run-session -- sh -c "$session" sh "$@" 2>"$work/err")
  t2=$(date +%s%N)
  [ -n "$t1" ] || { echo "the window did not come up: $*" >&2; tail -5 "$work/err" >&2; return 1; }
  [ "$t1" != unpainted ] || { echo "the window was not painted: $*" >&2; return 1; }
  echo "$(( (t1 - t0) / 1000000 )) $(( (t2 - t0) / 1000000 ))"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bare=(); frozen=(); source_=(); signed=()
for i in 0 1 2 3 4 5 6; do
  b=$(run "$PY" "$work/bare.py")
  [ "$frozen_built" = 1 ] && f=$(run "$APPDIR/AppRun" --data-dir "$work/frozen" gui)
  p=$(run "$PY" -m eservice_desktop --data-dir "$source_data" gui)
  d=$(run "$PY" -m eservice_desktop --data-dir "$source_data" gui --demo)
  if [ "$i" -gt 0 ]; then
    bare+=("$b"); source_+=("$p"); signed+=("$d")
    [ "$frozen_built" = 1 ] && frozen+=("$f")
  fi
done
base=$(printf '%s\n' "${bare[@]}" | cut -d' ' -f1 | median)
base_whole=$(printf '%s\n' "${bare[@]}" | cut -d' ' -f2 | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
report() {  # label rows...
  local label=$1; shift
  local ready whole
  ready=$(printf '%s\n' "$@" | cut -d' ' -f1 | median)
  whole=$(printf '%s\n' "$@" | cut -d' ' -f2 | median)
  printf '  %-28s to interactive %s ms (%s× the bare window), whole process %s ms (%s×), %d runs\n' \
    "$label" "$ready" "$(ratio "$ready" "$base")" "$whole" "$(ratio "$whole" "$base_whole")" "$#"
}
echo "load average (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg); medians of ${#bare[@]} runs"
printf '  %-28s to painted %s ms, whole process %s ms: the baseline\n' "bare PySide6 window" \
  "$base" "$base_whole"
[ "$frozen_built" = 1 ] && report "frozen (AppRun)" "${frozen[@]}"
[ "$frozen_built" = 1 ] || echo "  (no frozen build at $APPDIR: make appdir builds one)"
report "python -m eservice_desktop" "${source_[@]}"
report "the same, signed in (--demo)" "${signed[@]}"
