#!/usr/bin/env bash
# Cold start of the counter window: process start to the main window shown and idle
# (gui/launcher.py's ESERVICE_QUIT_WHEN_READY hook), frozen AppDir against `python -m eservice_desktop`,
# on a private Xvfb. Wall time of the whole process, median of 6 runs after one warm-up run each.
# Usage: tools/cold-start.sh [APPDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
APPDIR=$(realpath -m "${1:-build/AppDir}")
PY=${VENV:-.venv}/bin/python
work=$(mktemp -d /tmp/eservice-cold.XXXXXX)
display=:95
Xvfb "$display" -screen 0 1280x1024x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
# One data directory per program: each upgrades its own (the source tree may be ahead of the build).
"$APPDIR/AppRun" --data-dir "$work/frozen" db upgrade >/dev/null
"$PY" -m eservice_desktop --data-dir "$work/source" db upgrade >/dev/null
mkdir -p "$work/home"
# As on a clerk's desktop: a D-Bus session with an unlocked Secret Service (the window reads the
# device credential from the keyring as it opens). The session start-up is inside the figure for
# both programs alike (~0.1 s).
session='printf eservice | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"'

# Runs alternate between the two programs so background load hits both alike. Reported: wall
# time of the whole process (D-Bus session included) and gui/launcher.py's own "ready" figure (from
# importing the GUI module to the window shown and idle).
once() {  # data-dir command... -> "wall_ms ready_s"
  local data=$1; shift
  local t0 t1 out
  t0=$(date +%s%N)
  out=$(env -u QT_QPA_PLATFORM DISPLAY=$display HOME="$work/home" ESERVICE_QUIT_WHEN_READY=1 \
      dbus-run-session -- sh -c "$session" sh "$@" --data-dir "$data" gui 2>"$work/err") \
      || { echo "the window did not come up: $*" >&2; tail -5 "$work/err" >&2; return 1; }
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000000 )) $(echo "$out" | awk '/^ready/ {print $2}')"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
frozen=(); source_=()
for i in 0 1 2 3 4 5 6; do
  f=$(once "$work/frozen" "$APPDIR/AppRun"); p=$(once "$work/source" "$PY" -m eservice_desktop)
  [ "$i" -gt 0 ] && frozen+=("$f") && source_+=("$p")
done
report() {  # label rows...
  local label=$1; shift
  printf '  %-28s wall median %s ms, ready median %s s (%d runs)\n' "$label" \
    "$(printf '%s\n' "$@" | cut -d' ' -f1 | median)" \
    "$(printf '%s\n' "$@" | cut -d' ' -f2 | median)" "$#"
}
report "frozen (AppRun)" "${frozen[@]}"
report "python -m eservice_desktop" "${source_[@]}"
