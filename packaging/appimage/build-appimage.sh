#!/usr/bin/env bash
# AppImage from the PyInstaller bundle (make bundle first):
#
#     packaging/appimage/build-appimage.sh [BUNDLE_DIR] [OUT_DIR]
#
# Assembles OUT_DIR/DocumentAssistant.AppDir (AppRun, the .desktop file, icon, AppStream metadata,
# the bundle under usr/lib/document-assistant), then packs it with appimagetool when that is on PATH
# (https://github.com/AppImage/appimagetool/releases: download appimagetool-x86_64.AppImage,
# chmod +x, put it on PATH as appimagetool). Without appimagetool it stops after the AppDir, which
# already runs as it will in the AppImage: OUT_DIR/DocumentAssistant.AppDir/AppRun --sandbox
set -euo pipefail
cd "$(dirname "$0")/../.."

BUNDLE=${1:-dist/bundle/document-assistant}
OUT=${2:-dist}
APP_ID=io.github.documentassistant.DocumentAssistant
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' assistant/__init__.py)
test -x "$BUNDLE/document-assistant" || { echo "no bundle at $BUNDLE: run make bundle first" >&2; exit 1; }

APPDIR="$OUT/DocumentAssistant.AppDir"
rm -rf "$APPDIR"
install -d "$APPDIR/usr/lib" "$APPDIR/usr/bin" "$APPDIR/usr/share/applications" \
  "$APPDIR/usr/share/icons/hicolor/scalable/apps" "$APPDIR/usr/share/metainfo"
cp -a "$BUNDLE" "$APPDIR/usr/lib/document-assistant"
ln -s ../lib/document-assistant/document-assistant "$APPDIR/usr/bin/document-assistant"
install -m 0644 "packaging/$APP_ID.desktop" "$APPDIR/usr/share/applications/$APP_ID.desktop"
install -m 0644 "packaging/$APP_ID.svg" "$APPDIR/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
install -m 0644 "packaging/$APP_ID.metainfo.xml" "$APPDIR/usr/share/metainfo/$APP_ID.appdata.xml"
# appimagetool wants the desktop file and the icon at the top of the AppDir too
ln -s "usr/share/applications/$APP_ID.desktop" "$APPDIR/$APP_ID.desktop"
ln -s "usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" "$APPDIR/$APP_ID.svg"
ln -s "$APP_ID.svg" "$APPDIR/.DirIcon"
cat > "$APPDIR/AppRun" <<'APPRUN'
#!/bin/sh
HERE=$(dirname "$(readlink -f "$0")")
exec "$HERE/usr/lib/document-assistant/document-assistant" "$@"
APPRUN
chmod 0755 "$APPDIR/AppRun"
echo "AppDir: $APPDIR"

if command -v appimagetool >/dev/null 2>&1; then
  ARCH=$(uname -m) appimagetool "$APPDIR" "$OUT/DocumentAssistant-$VERSION-$(uname -m).AppImage"
else
  echo "appimagetool is not on PATH: the AppDir is ready, not packed (see the comment at the top)"
fi
