#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-install.sh BUILD_DIR VERSION PREFIX BINDIR MANDIR DATADIR UNITDIR
#
# `meson install --destdir` of the build into a fresh tree, then tests/check-tree.sh on it.
# The directories are as configured (PREFIX/BINDIR, ...); a relative one is under PREFIX.
set -euo pipefail

build=$1 version=$2 prefix=$3
abs() { [[ $1 == /* ]] && echo "$1" || echo "$prefix/$1"; }
bindir=$(abs "$4") mandir=$(abs "$5") datadir=$(abs "$6") unitdir=$(abs "$7")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mixd-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
# --no-rebuild: meson test already built everything, and ninja must not run inside ninja.
if ! meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >"$tmp/install.log" 2>&1; then
	cat "$tmp/install.log" >&2
	echo "check-install: meson install failed" >&2
	exit 1
fi
"$(dirname "$0")/check-tree.sh" "$dest" "$version" "$bindir" "$mandir" "$datadir" "$unitdir"
