#!/usr/bin/env bash
# `make test-installer` (also run by .ci/run after `make test`): builds the AppDir, the .deb and the
# stand-in MSI from this tree, then runs tests/installer against them: the AppDir's program, the
# .deb installed with dpkg -i (root) and removed again, the MSI's tables. Prints the sizes, build
# times and the cold start of the frozen program against `python -m eservice_desktop`.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
export PATH="$PWD/$VENV/bin:$PATH"
timings=()
step() {  # name command...
  local name=$1; shift
  local start=$SECONDS
  echo "== $name"
  "$@"
  timings+=("$name: $((SECONDS - start)) s")
}
step "make appdir" tools/build-appdir.sh build/AppDir
step "make deb" tools/build-deb.sh build/AppDir build
step "make msi-check" tools/msi-check.sh build/AppDir build
step "make appimage (expected to explain what is missing here)" \
  bash -c 'tools/build-appimage.sh build/AppDir build || [ $? -eq 2 ]'
step "pytest tests/installer" env -u QT_QPA_PLATFORM ESERVICE_APPDIR="$PWD/build/AppDir" \
  python -m pytest tests/installer -p no:cacheprovider "$@"
step "cold start" tools/cold-start.sh build/AppDir
echo "== summary"
printf '  %s\n' "${timings[@]}"
echo "  frozen tree: $(du -sh build/AppDir/usr/lib/eservice-desktop | cut -f1)," \
     "AppDir: $(du -sh build/AppDir | cut -f1)," \
     "deb: $(du -h build/eservice-desktop_*.deb | cut -f1 | head -1)," \
     "stand-in MSI: $(du -h build/eservice-desktop-*-standin.msi | cut -f1 | head -1)"
