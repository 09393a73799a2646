#!/usr/bin/env bash
# `make msi-check`: builds the MSI from installer/windows/eservice-desktop.wxs with wixl (msitools)
# over the frozen *Linux* tree as a stand-in payload, then validates the result with msiinfo
# (tools/msi_validate.py: tables, properties, service entries, shortcut, upgrade, no file
# associations). The real MSI is built on Windows by installer/windows/build.ps1 (CI:
# .github/workflows/msi.yml); this catches mistakes in the WiX source on every run here.
# Usage: tools/msi-check.sh [APPDIR] [OUTDIR]   (defaults build/AppDir, build)
set -euo pipefail
cd "$(dirname "$0")/.."
APPDIR=$(realpath -m "${1:-build/AppDir}")
OUT=$(realpath -m "${2:-build}")
FROZEN=$APPDIR/usr/lib/eservice-desktop
[ -x "$FROZEN/eservice-desktop" ] || { echo "no frozen tree in $APPDIR: run make appdir" >&2; exit 1; }
for tool in wixl wixl-heat msiinfo; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install wixl msitools" >&2; exit 1; }
done
SECONDS=0
VERSION=$("$FROZEN/eservice-desktop" --version | awk '{print $2}')
WORK=$OUT/msi
rm -rf "$WORK"; mkdir -p "$WORK"

# Payload: everything under _internal/ (the executables have their own components in the .wxs).
(cd "$FROZEN" && find _internal -type f | sort) \
  | sed "s|^|$FROZEN/|" \
  | wixl-heat -p "$FROZEN/" --component-group Payload --var var.SourceDir \
      --directory-ref INSTALLDIR --win64 >"$WORK/payload.wxs"
# Stand-ins for what only exists on Windows: the windowed exe and the WinSW service wrapper.
printf 'stand-in for WinSW-x64.exe (downloaded by the Windows build)\n' >"$WORK/eservice-sync-service.exe"

# wixl resolves every Source relative to the working directory (absolute paths are refused).
rel() { realpath -m --relative-to="$PWD" "$1"; }
MSI=$OUT/eservice-desktop-$VERSION-standin.msi
wixl -a x64 -o "$MSI" -D Wixl=1 -D Win64=yes \
  -D Version="$VERSION" -D SourceDir="$(rel "$FROZEN")" \
  -D ExeSource="$(rel "$FROZEN/eservice-desktop")" -D GuiSource="$(rel "$FROZEN/eservice-desktop")" \
  -D WinSWSource="$(rel "$WORK/eservice-sync-service.exe")" \
  -D WinSWConfig=installer/windows/eservice-sync-service.xml \
  -D IconSource=installer/windows/eservice-desktop.ico \
  installer/windows/eservice-desktop.wxs "$WORK/payload.wxs" 2> >(grep -v -E "^$|has no property named" >&2)
# wixl ignores Property/@Secure; WiX (the Windows build) turns it into SecureCustomProperties.
# Do the same here so the stand-in matches what light.exe produces.
secure=$(msiinfo export "$MSI" Property | tr -d '\r' | awk -F'\t' '$1 == "SecureCustomProperties" {print $2}')
msibuild "$MSI" -q "UPDATE \`Property\` SET \`Value\` = '$secure;COUNTY_SERVER_URL;OFFICE_CODE;COUNTY_CA_FILE;ENROL_CODE;REMOVE_DATA' WHERE \`Property\` = 'SecureCustomProperties'"
"${VENV:-.venv}/bin/python" tools/msi_validate.py "$MSI" "$VERSION"
echo "msi $MSI: $(du -h "$MSI" | cut -f1), built and validated in ${SECONDS} s"
