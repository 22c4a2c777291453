#!/usr/bin/env bash
# Makes a .deb from a built bundle with plain dpkg-deb (no debhelper: the bundle is already
# built, there is nothing to compile or to split).
#
#   bash packaging/linux/build_deb.sh BUNDLE_DIR VERSION OUT_DIR
#
# Layout: /opt/cmdesk (the bundle, untouched), /usr/bin/cmdesk and /usr/bin/cmdesk-gui
# (symlinks; the bootloader resolves its real path to find _internal/), a desktop entry and
# the app's SVG icon. Depends lists only what the bundle loads from the system and does not
# carry: it is computed from the binaries, not written by hand, so a new Qt plugin or
# library cannot be forgotten.
set -euo pipefail

bundle=$(cd "$1" && pwd)
version=$2
out=$(mkdir -p "$3" && cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
arch=$(dpkg --print-architecture)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/cmdesk_${version}_${arch}

mkdir -p "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
  "$root/usr/share/icons/hicolor/scalable/apps" "$root/usr/share/doc/cmdesk" "$root/DEBIAN"
cp -a "$bundle" "$root/opt/cmdesk"
ln -s /opt/cmdesk/cmdesk "$root/usr/bin/cmdesk"
ln -s /opt/cmdesk/cmdesk-gui "$root/usr/bin/cmdesk-gui"
install -m 644 "$here/cmdesk.desktop" "$root/usr/share/applications/cmdesk.desktop"
# The same SVG the GUI sets as its window icon, so the menu and the taskbar match.
install -m 644 "$repo/resources/icons/app.svg" "$root/usr/share/icons/hicolor/scalable/apps/cmdesk.svg"
cat >"$root/usr/share/doc/cmdesk/copyright" <<COPYRIGHT
cmdesk: AGPL-3.0-or-later, the cmdesk developers.
Bundled: Python (PSF), Qt 6 and PySide6 (LGPL-3.0), SQLCipher (BSD), Sarabun fonts (OFL-1.1,
licence in /opt/cmdesk/_internal/fontpkg_sarabun/LICENSE), GeoThai data (CC-BY-4.0, from the
Department of Provincial Administration), PyThaiNLP word list (Apache-2.0 / CC0), and the
Python packages listed in /opt/cmdesk/_internal/*.dist-info where present.
COPYRIGHT

# Every shared library the bundle's ELF files need and do not carry themselves (PyInstaller
# leaves out glibc, the GL/EGL stack and libxcb on purpose: they must match the machine).
# ldd resolves through the bundle's RUNPATHs and the system; what resolves outside the bundle,
# or not at all, must come from a Debian package.
libs=$(find "$root/opt/cmdesk" -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
  xargs -0 file -N | awk -F: '/ELF/ {print $1}' |
  while read -r elf; do ldd "$elf" 2>/dev/null || true; done |
  awk -v b="$root/opt/cmdesk" '
    /not found/ {print $1; next}
    $2 == "=>" && index($3, b) != 1 {print $3}
    /^\t\/lib.*ld-linux/ {print $1}' | sort -u)

declare -A pkgs=()
guessed=()
for lib in $libs; do
  name=$(basename "$lib")
  # Bundled under another path (e.g. PySide6/Qt/lib): the bundle carries it.
  if [ -n "$(find "$root/opt/cmdesk" -name "$name" -print -quit)" ]; then continue; fi
  pkg=""
  if [ -e "$lib" ]; then
    pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1 || true)
    [ -n "$pkg" ] || pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1 || true)
  fi
  if [ -z "$pkg" ]; then
    # Not installed here: Debian names a library package after its soname (policy 8.1):
    # libxcb-icccm.so.4 -> libxcb-icccm4, libxkbcommon-x11.so.0 -> libxkbcommon-x11-0.
    base=${name%%.so*}
    ver=${name##*.so.}
    ver=${ver%%.*}
    case $base in *[0-9]) pkg="$base-$ver" ;; *) pkg="$base$ver" ;; esac
    pkg=$(echo "$pkg" | tr '[:upper:]_' '[:lower:]-')
    guessed+=("$name->$pkg")
  fi
  pkgs[$pkg]=1
done
if [ ${#guessed[@]} -gt 0 ]; then
  echo "build_deb: not installed here, package named from the soname: ${guessed[*]}" >&2
fi

# glibc: the bundle was linked on this machine, so it needs at least this glibc.
glibc=$(dpkg-query -W -f='${Version}' libc6 | cut -d- -f1)
depends="libc6 (>= $glibc)"
for pkg in $(printf '%s\n' "${!pkgs[@]}" | grep -v '^libc6$' | sort); do
  depends="$depends, $pkg"
done
# Bundled fontconfig reads the system's /etc/fonts; without it Qt warns and finds no
# fallback fonts for symbols outside Sarabun.
depends="$depends, fontconfig-config"

installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: cmdesk
Version: $version
Architecture: $arch
Maintainer: cmdesk developers <cmdesk@localhost>
Installed-Size: $installed_kb
Depends: $depends
Section: misc
Priority: optional
Homepage: https://localhost/cmdesk
Description: offline-first, encrypted case management for child protection
 cmdesk records children, cases, notes, consent and referrals between
 organisations, in Thai and English, in an encrypted vault on the laptop.
 This package carries its own Python and Qt in /opt/cmdesk.
CONTROL

deb=$out/cmdesk_${version}_${arch}.deb
# --root-owner-group: files owned by root whoever builds. zstd (dpkg >= 1.21.18, Debian 12)
# packs the 180 MB bundle in about 1 s into 90 MB; xz makes 75 MB but took 100-190 s on the
# 2-core CI machine. DEB_COMPRESS=xz for a release that travels over slow links.
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-zstd}" --build "$root" "$deb" >/dev/null
echo "$deb"
echo "Depends: $depends"
