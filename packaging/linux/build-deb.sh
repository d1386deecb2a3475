#!/usr/bin/env bash
# Build a .deb from the PyInstaller one-folder bundle with dpkg-deb (no debhelper needed):
#
#     packaging/linux/build-deb.sh [BUNDLE_DIR] [OUT_DIR]     # make deb
#
#   /opt/document-assistant/          the bundle (executable + _internal/)
#   /usr/bin/document-assistant       -> /opt/document-assistant/document-assistant
#   /usr/share/applications/          io.github.documentassistant.DocumentAssistant.desktop
#   /usr/share/icons/hicolor/scalable/apps/   the icon (SVG)
#   /usr/share/metainfo/              the AppStream metadata
#
# Desktop database, icon cache and AppStream refresh through the distribution's dpkg triggers.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUNDLE=${1:-dist/bundle/document-assistant}
OUT=${2:-dist}
APP_ID=io.github.documentassistant.DocumentAssistant
NAME=document-assistant
VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' assistant/__init__.py)
ARCH=$(dpkg --print-architecture)
test -x "$BUNDLE/$NAME" || { echo "no bundle at $BUNDLE: run make bundle first" >&2; exit 1; }

ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
PKG="$ROOT/${NAME}_${VERSION}_${ARCH}"

install -d "$PKG/DEBIAN" "$PKG/opt" "$PKG/usr/bin" "$PKG/usr/share/applications" \
  "$PKG/usr/share/icons/hicolor/scalable/apps" "$PKG/usr/share/metainfo" "$PKG/usr/share/doc/$NAME"
cp -a "$BUNDLE" "$PKG/opt/$NAME"
ln -s "/opt/$NAME/$NAME" "$PKG/usr/bin/$NAME"
install -m 0644 "packaging/$APP_ID.desktop" "$PKG/usr/share/applications/$APP_ID.desktop"
install -m 0644 "packaging/$APP_ID.svg" "$PKG/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
install -m 0644 "packaging/$APP_ID.metainfo.xml" "$PKG/usr/share/metainfo/$APP_ID.metainfo.xml"
cat > "$PKG/usr/share/doc/$NAME/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: document-assistant
Comment: /opt/$NAME holds a PyInstaller bundle: Python, Qt (PySide6, LGPLv3) and the Python
 packages listed in the project's pyproject.toml, each under its own license.

Files: *
Copyright: Document Assistant contributors
License: MIT
COPYRIGHT
chmod -R u+rwX,go+rX,go-w "$PKG"

INSTALLED_KB=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
cat > "$PKG/DEBIAN/control" <<CONTROL
Package: $NAME
Version: $VERSION
Architecture: $ARCH
Maintainer: Document Assistant contributors <noreply@documentassistant.invalid>
Installed-Size: $INSTALLED_KB
Section: utils
Priority: optional
Depends: libc6 (>= 2.31), libegl1, libgl1, libopengl0, libfontconfig1, libfreetype6, libdbus-1-3,
 libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0,
 libxcb-randr0, libxcb-render-util0, libxcb-image0, libxcb-xinerama0, libxcb-xkb1, libxrender1
Suggests: gnome-keyring | kwalletmanager
Homepage: https://github.com/documentassistant/document-assistant
Description: ask Claude about your documents, with managed Files API uploads
 Drop PDFs, text, spreadsheets, slides and images on the window; each is uploaded once through
 the Anthropic Files API and listed with a live countdown to its expiry. Ask questions and answers
 stream in with citations to the page. Works offline on a built-in local sandbox.
CONTROL

mkdir -p "$OUT"
DEB="$OUT/${NAME}_${VERSION}_${ARCH}.deb"
# gzip: every dpkg reads it, and it is several times faster to build than xz for ~100 MB of Qt
dpkg-deb --root-owner-group -Zgzip -z6 --build "$PKG" "$DEB" >/dev/null
echo "built $DEB: $(du -h "$DEB" | cut -f1) (installed: $((INSTALLED_KB / 1024)) MB)"
