#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-deb.sh SOURCE_ROOT VERSION
#
# Builds the Debian package from a copy of the source tree with `dpkg-buildpackage -us -uc -b`
# (DEB_BUILD_OPTIONS=nocheck: the suite that runs this is the package's test suite), unpacks it
# into a clean tree with dpkg -x and checks that tree like an install (tests/check-tree.sh,
# with the paths Debian uses), then what only a package has: its name and version, shared
# library dependencies found by dpkg-shlibdeps, and maintainer scripts that do not enable the
# units for every user.
# Exit 0 when all holds, 1 when the build or a check fails, 77 (SKIP, which tools/test does not
# count as passed) without dpkg-buildpackage or debhelper.
set -euo pipefail

src=$1 version=$2
fail() {
	echo "check-deb: $*" >&2
	exit 1
}
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	echo "check-deb: dpkg-buildpackage or dh not found (tools/common.sh installs dpkg-dev" \
		"and debhelper): SKIP" >&2
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mixd-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# dpkg-buildpackage builds in the source tree and writes the .deb next to it: a copy of the
# files git knows (tracked or new, not ignored: no build directories), or of the whole tree
# without build directories when this is not a git checkout.
mkdir "$tmp/src"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		(cd "$src" && tar --null -T - -cf -) | tar -xf - -C "$tmp/src"
else
	tar -C "$src" --exclude='./build*' -cf - . | tar -xf - -C "$tmp/src"
fi
[[ -f $tmp/src/debian/control ]] || fail "no debian/control in $src"

# Run from the suite, MESON_TESTTHREADS and friends must not reach the package's own meson.
if ! (cd "$tmp/src" && env -u MESON_TESTTHREADS DEB_BUILD_OPTIONS="nocheck parallel=2" \
	dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	tail -n 60 "$tmp/build.log" >&2
	fail "dpkg-buildpackage failed"
fi
deb=$tmp/mixd_${version}_$(dpkg --print-architecture).deb
[[ -f $deb ]] || fail "no $(basename "$deb") (built: $(cd "$tmp" && echo *.deb))"

[[ $(dpkg-deb -f "$deb" Package) == mixd ]] || fail "the package is not called mixd"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] ||
	fail "package version $(dpkg-deb -f "$deb" Version), project version $version"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libjack liblo libebur128 libsndfile libavahi-client; do
	[[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
# every dependency is installed here, so the binaries that run below show the package's run
dpkg-deb -e "$deb" "$tmp/control"
# dh_installsystemduser --no-enable: postinst only re-enables a unit a user had enabled before
# (guarded by debian-installed), it never enables one on a first installation
if grep -qs 'deb-systemd-helper --user enable' "$tmp/control/postinst" &&
	! grep -qs 'deb-systemd-helper --user debian-installed' "$tmp/control/postinst"; then
	fail "postinst enables the user units for every user"
fi

dpkg -x "$deb" "$tmp/root"
"$(dirname "$0")/check-tree.sh" "$tmp/root" "$version" /usr/bin /usr/share/man /usr/share \
	/usr/lib/systemd/user
echo "check-deb: $(basename "$deb") built ($(du -k "$deb" | cut -f1) KiB), unpacked and checked"
