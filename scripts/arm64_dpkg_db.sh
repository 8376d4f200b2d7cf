#!/usr/bin/env bash
# Builds a dpkg administrative directory for the arm64 sysroot, so that dpkg-shlibdeps can
# compute an arm64 package's Depends from its binaries (make deb ARCH=arm64) although nothing
# of arm64 is installed on the machine: for every .deb in DEBS, a status entry, its file list
# (paths prefixed with the sysroot, where dpkg-shlibdeps finds the libraries) and its shlibs and
# symbols files. Run by scripts/setup_arm64.sh as mmdebstrap's extract hook, while the
# downloaded packages are still there.
# Usage: scripts/arm64_dpkg_db.sh DEBS_DIR ADMINDIR SYSROOT
set -euo pipefail
debs="$1" db="$2" root="$3"
rm -rf "$db"
mkdir -p "$db/info" "$db/updates"
echo 1 >"$db/info/format"  # multiarch layout: info files of foreign packages are PKG:ARCH.*
printf 'amd64\narm64\n' >"$db/arch"
: >"$db/status"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for deb in "$debs"/*.deb; do
  pkg=$(dpkg-deb -f "$deb" Package)
  arch=$(dpkg-deb -f "$deb" Architecture)
  ma=$(dpkg-deb -f "$deb" Multi-Arch)
  # dpkg names the info files of Multi-Arch: same packages PKG:ARCH.*, the others PKG.*
  name="$pkg"
  [[ "$ma" == same ]] && name="$pkg:$arch"
  dpkg-deb -f "$deb" | awk '{print} /^Package:/ {print "Status: install ok installed"}' \
    >>"$db/status"
  echo >>"$db/status"
  dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -e 's|^\./|/|' -e 's|/$||' -e '/^$/d' |
    sed "s|^|$root|" >"$db/info/$name.list"
  rm -rf "${tmp:?}"/*
  dpkg-deb -e "$deb" "$tmp/ctl"
  for f in shlibs symbols; do
    [[ -f "$tmp/ctl/$f" ]] && cp "$tmp/ctl/$f" "$db/info/$name.$f"
  done
  n=$((n + 1))
done
echo "arm64_dpkg_db: $n packages in $db"
