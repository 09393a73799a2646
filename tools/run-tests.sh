#!/usr/bin/env bash
# The whole check behind `make test`: lint, types, layer contracts, then the pytest suite with
# the real services started for it and stopped afterwards, whatever the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"

echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy"; mypy
echo "== import-linter"; lint-imports

state=$(mktemp -d /tmp/eservice-test-services.XXXXXX)
cleanup() { tools/test-services.sh stop "$state" || true; rm -rf "$state"; }
trap cleanup EXIT
env_lines=$(tools/test-services.sh start "$state")
eval "$env_lines"
# Random order (pytest-randomly; each xdist worker shuffles with the same seed): the seed is
# printed before and after the run, and PYTEST_SEED=N replays that order.
seed=${PYTEST_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "== pytest (random order, seed $seed; replay: PYTEST_SEED=$seed make test)"
# Three workers (pytest-xdist) on the 2 cores: a worker waits a third of its time (a county
# server or a command starting, a kill -9 test's process, fsync, a device's lock), and two left
# the cores idle that long. PYTEST_WORKERS=N chooses another number.
status=0
QT_QPA_PLATFORM=offscreen python -m pytest -n "${PYTEST_WORKERS:-3}" -p randomly --randomly-seed="$seed" "$@" || status=$?
echo "== pytest seed $seed (replay: PYTEST_SEED=$seed make test, or pytest -p randomly --randomly-seed=$seed)"
exit "$status"
