#!/usr/bin/env bash
# `make appdir`: freezes eservice-desktop with PyInstaller (onedir) and lays it out as an AppDir:
#
#   build/AppDir/AppRun                         entry point (sets up fonts, passes arguments on)
#   build/AppDir/eservice-desktop.desktop       desktop entry (+ usr/share/applications copy)
#   build/AppDir/eservice-desktop.png, .DirIcon icon (+ hicolor PNG and SVG)
#   build/AppDir/usr/bin/eservice-desktop       symlink to the frozen executable
#   build/AppDir/usr/lib/eservice-desktop/      the frozen tree: executable + _internal/
#        _internal/ = sys._MEIPASS: PySide6 (Qt plugins, Qt translations), resources/ (catalogue,
#        calendars, translations .qm), migrations/ (Alembic env and revisions)
#   build/AppDir/usr/share/fonts/eservice-desktop/  Traditional Chinese font (AR PL UMing)
#   build/AppDir/usr/share/eservice-desktop/fonts.conf  fontconfig: host fonts + the bundled one
#
# The same frozen tree is packaged by tools/build-deb.sh and used as the MSI stand-in payload.
# Usage: tools/build-appdir.sh [APPDIR]   (default build/AppDir)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
APPDIR=$(realpath -m "${1:-build/AppDir}")
VENV=${VENV:-.venv}
PY=$ROOT/$VENV/bin/python
FONT=${ESERVICE_BUNDLED_FONT:-/usr/share/fonts/truetype/arphic/uming.ttc}
WORK=$ROOT/build/pyinstaller

[ -x "$PY" ] || { echo "no virtualenv at $VENV: run make venv" >&2; exit 1; }
"$PY" -c "import PyInstaller" 2>/dev/null || { echo "PyInstaller missing in $VENV (pip install -r requirements.lock)" >&2; exit 1; }
[ -f "$FONT" ] || { echo "bundled CJK font $FONT missing: apt-get install fonts-arphic-uming" >&2; exit 1; }

SECONDS=0

# 1. Qt translations: every resources/translations/*.ts compiled to .qm (same as make translations).
if compgen -G "resources/translations/*.ts" >/dev/null; then
  for ts in resources/translations/*.ts; do
    "$ROOT/$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "${ts%.ts}.qm"
  done
fi

# 2. Freeze straight into the AppDir's lib folder (PyInstaller's warnings, e.g. macOS/Windows-only
#    ctypes libraries of pyserial, stay in build/pyinstaller/eservice-desktop/warn-*.txt).
rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$WORK"
"$PY" -m PyInstaller --noconfirm --log-level ERROR \
  --distpath "$APPDIR/usr/lib" --workpath "$WORK" installer/eservice-desktop.spec

# 3. AppDir furniture.
install -m 755 installer/linux/AppRun "$APPDIR/AppRun"
install -D -m 644 installer/linux/eservice-desktop.desktop "$APPDIR/eservice-desktop.desktop"
install -D -m 644 installer/linux/eservice-desktop.desktop \
  "$APPDIR/usr/share/applications/eservice-desktop.desktop"
install -D -m 644 installer/linux/eservice-desktop.png "$APPDIR/eservice-desktop.png"
install -D -m 644 installer/linux/eservice-desktop.png \
  "$APPDIR/usr/share/icons/hicolor/256x256/apps/eservice-desktop.png"
install -D -m 644 installer/linux/eservice-desktop.svg \
  "$APPDIR/usr/share/icons/hicolor/scalable/apps/eservice-desktop.svg"
ln -sf eservice-desktop.png "$APPDIR/.DirIcon"
mkdir -p "$APPDIR/usr/bin"
ln -sf ../lib/eservice-desktop/eservice-desktop "$APPDIR/usr/bin/eservice-desktop"
install -D -m 644 "$FONT" "$APPDIR/usr/share/fonts/eservice-desktop/$(basename "$FONT")"
install -D -m 644 installer/linux/fonts.conf "$APPDIR/usr/share/eservice-desktop/fonts.conf"
install -D -m 644 docs/it-guide.md "$APPDIR/usr/share/doc/eservice-desktop/it-guide.md" 2>/dev/null || true

# 4. Sanity: what the frozen program looks for at run time is where it looks.
internal=$APPDIR/usr/lib/eservice-desktop/_internal
for need in resources/catalogue migrations/env.py migrations/versions \
            PySide6/Qt/plugins/platforms/libqxcb.so PySide6/Qt/plugins/platforms/libqoffscreen.so \
            PySide6/Qt/translations/qtbase_zh_TW.qm; do
  [ -e "$internal/$need" ] || { echo "frozen tree lacks $need" >&2; exit 1; }
done

echo "AppDir $APPDIR: $(du -sh "$APPDIR" | cut -f1), built in ${SECONDS} s"
