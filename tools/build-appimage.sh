#!/usr/bin/env bash
# `make appimage`: turns the AppDir (make appdir) into build/eservice-desktop-VERSION-x86_64.AppImage
# with appimagetool. Nothing is downloaded here: the tool comes from $APPIMAGETOOL or PATH, and its
# runtime from $APPIMAGE_RUNTIME (passed as --runtime-file) when set. When something is missing
# this says exactly what and stops; the networked CI workflow (.github/workflows/appimage.yml)
# fetches both and builds the AppImage there.
# Usage: tools/build-appimage.sh [APPDIR] [OUTDIR]   (defaults build/AppDir, build)
set -euo pipefail
cd "$(dirname "$0")/.."
APPDIR=$(realpath -m "${1:-build/AppDir}")
OUT=$(realpath -m "${2:-build}")
[ -x "$APPDIR/AppRun" ] || { echo "make appimage: no AppDir at $APPDIR (run make appdir)" >&2; exit 1; }

tool=${APPIMAGETOOL:-$(command -v appimagetool || command -v appimagetool-x86_64.AppImage || true)}
if [ -z "$tool" ] || [ ! -x "$tool" ]; then
  cat >&2 <<MSG
make appimage: cannot build the AppImage on this machine.
  missing: appimagetool (\$APPIMAGETOOL is ${APPIMAGETOOL:-unset}; none on PATH)
  missing: the AppImage runtime (runtime-x86_64; \$APPIMAGE_RUNTIME is ${APPIMAGE_RUNTIME:-unset})
  Both come from GitHub releases (AppImage/appimagetool, AppImage/type2-runtime) and no package
  registry carries them. To build:
    APPIMAGETOOL=/path/to/appimagetool-x86_64.AppImage \\
    APPIMAGE_RUNTIME=/path/to/runtime-x86_64 make appimage
  (appimagetool running from an AppImage needs FUSE, or set APPIMAGE_EXTRACT_AND_RUN=1).
  The AppDir itself is ready: $APPDIR (run it with $APPDIR/AppRun).
  CI builds the AppImage on a networked runner: .github/workflows/appimage.yml
MSG
  exit 2
fi
runtime_args=()
if [ -n "${APPIMAGE_RUNTIME:-}" ]; then
  [ -f "$APPIMAGE_RUNTIME" ] || { echo "make appimage: APPIMAGE_RUNTIME=$APPIMAGE_RUNTIME does not exist" >&2; exit 2; }
  runtime_args=(--runtime-file "$APPIMAGE_RUNTIME")
else
  echo "make appimage: APPIMAGE_RUNTIME unset; appimagetool will try to download the runtime" >&2
fi
VERSION=$("$APPDIR/AppRun" --version | awk '{print $2}')
mkdir -p "$OUT"
TARGET=$OUT/eservice-desktop-$VERSION-x86_64.AppImage
SECONDS=0
ARCH=x86_64 VERSION=$VERSION "$tool" --no-appstream "${runtime_args[@]}" "$APPDIR" "$TARGET"
echo "AppImage $TARGET: $(du -h "$TARGET" | cut -f1), built in ${SECONDS} s"
