#!/usr/bin/env bash
# Installs the Debian packages of tools/apt-packages.txt that are not installed yet.
# Usage: install-system-deps.sh run|test [--list]
#   run: the [run] section; test: both sections; --list prints the packages instead of installing
# Idempotent and quiet when everything is present, so `make run` / `make test` can call it every time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scope=${1:-test}
case "$scope" in
  run) sections="run" ;;
  test) sections="run test" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac
mapfile -t wanted < <(awk -v want=" $sections " '
  /^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
  /^\[[a-z]+\]$/ { section = substr($0, 2, length($0) - 2); next }
  index(want, " " section " ") { print $1 }
' "$here/apt-packages.txt")
if [ "${2:-}" = "--list" ]; then printf '%s\n' "${wanted[@]}"; exit 0; fi
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The distribution starts these as system services on install; the tests start their own.
for svc in pcscd postgresql cups; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
done
