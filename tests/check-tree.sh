#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-tree.sh ROOT VERSION BINDIR MANDIR DATADIR UNITDIR
#
# Checks what a user of an installed mixd gets, in the tree ROOT (a `meson install --destdir`,
# or a Debian package unpacked with dpkg -x): the programs (and that they run: --version), the
# man pages (man finds them, plain or gzipped), the systemd user units (systemd-analyze verify
# accepts them, with the installed mixd as their ExecStart and the installed man page as their
# Documentation=) and the desktop entry session managers read (desktop-file-validate, the NSM
# keys). The directories are absolute, as installed (/usr/bin, ...), without ROOT.
# Exit 0 when all holds, 1 on the first thing missing or wrong, 77 (meson's SKIP, which
# tools/test does not count as passed) when a checking tool is absent.
set -euo pipefail

dest=$1 version=$2 bindir=$3 mandir=$4 datadir=$5 unitdir=$6

fail() {
	echo "check-tree: $*" >&2
	exit 1
}
for tool in man systemd-analyze desktop-file-validate; do
	if ! command -v "$tool" >/dev/null; then
		echo "check-tree: $tool not found (tools/common.sh installs it): SKIP" >&2
		exit 77
	fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mixd-tree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Programs: in bindir, executable, and answering --version with the project's version.
for prog in mixd mixctl mixrender mixmaster; do
	exe=$dest$bindir/$prog
	[[ -x $exe ]] || fail "$bindir/$prog is not installed (or not executable)"
	out=$("$exe" --version) || fail "$prog --version exited $?"
	[[ $out == "$prog $version" ]] || fail "$prog --version printed '$out', not '$prog $version'"
done
# Nothing else in bindir: the benchmarks and the demo tone are build-tree tools.
extra=$(find "$dest$bindir" -mindepth 1 ! -name mixd ! -name mixctl ! -name mixrender \
	! -name mixmaster)
[[ -z $extra ]] || fail "unexpected files in $bindir: $extra"

# Man pages: where man looks for them under this MANPATH.
for page in mixd mixctl mixrender mixmaster; do
	[[ -f $dest$mandir/man1/$page.1 || -f $dest$mandir/man1/$page.1.gz ]] ||
		fail "$mandir/man1/$page.1 is not installed"
	found=$(MANPATH=$dest$mandir man -w "$page") || fail "man -w $page finds nothing"
	[[ $found == "$dest$mandir/man1/$page.1"* ]] || fail "man -w $page found $found"
	# and it renders without a groff warning
	warn=$(man --warnings -l "$found" 2>&1 >/dev/null) || fail "man cannot render $found"
	[[ -z $warn ]] || fail "man $page: $warn"
done

# The units: both installed, ExecStart at the installed mixd, and the promised behaviour.
for unit in mixd.service mixd@.service; do
	f=$dest$unitdir/$unit
	[[ -f $f ]] || fail "$unitdir/$unit is not installed"
	grep -qx "ExecStart=$bindir/mixd .*" "$f" || fail "$unit: ExecStart is not $bindir/mixd"
	grep -qx 'Restart=on-failure' "$f" || fail "$unit: no Restart=on-failure"
	grep -qx 'KillSignal=SIGTERM' "$f" || fail "$unit: no KillSignal=SIGTERM"
	grep -q '^After=.*pipewire\.service' "$f" || fail "$unit: not ordered after pipewire.service"
	grep -q '^After=.*jack\.service' "$f" || fail "$unit: not ordered after jack.service"
done
grep -q -- '--name %i --state-dir %S/mixd/%i' "$dest$unitdir/mixd@.service" ||
	fail "mixd@.service: the instance is not the name and the state directory"

# systemd-analyze verify, as the user manager would load them. It resolves ExecStart on this
# machine's root (and --root is refused with --user), so the copies it reads point ExecStart
# into the install tree; nothing else changes. It needs a runtime directory of its own; MANPATH
# makes its Documentation= check find the installed man page.
mkdir -p "$tmp/units" "$tmp/run"
chmod 700 "$tmp/run"
for unit in mixd.service mixd@.service; do
	sed "s|^ExecStart=$bindir/|ExecStart=$dest$bindir/|" "$dest$unitdir/$unit" >"$tmp/units/$unit"
done
cp "$tmp/units/mixd@.service" "$tmp/units/mixd@stage.service"
for unit in mixd.service mixd@.service mixd@stage.service; do
	if ! out=$(cd "$tmp/units" && XDG_RUNTIME_DIR=$tmp/run MANPATH=$dest$mandir \
		systemd-analyze --user verify "./$unit" 2>&1) || [[ -n $out ]]; then
		printf '%s\n' "$out" >&2
		fail "systemd-analyze verify rejects $unit"
	fi
done

# The browser surface's files, where mixd serves them from (DATADIR/mixd/web).
for f in index.html mixd.css mixd.js ui.js eq.js osc.js; do
	[[ -s $dest$datadir/mixd/web/$f ]] || fail "$datadir/mixd/web/$f is not installed"
done

# The desktop entry: valid, and what NSM session managers look for.
desk=$dest$datadir/applications/mixd.desktop
[[ -f $desk ]] || fail "$datadir/applications/mixd.desktop is not installed"
if ! out=$(desktop-file-validate "$desk" 2>&1) || [[ -n $out ]]; then
	printf '%s\n' "$out" >&2
	fail "desktop-file-validate rejects mixd.desktop"
fi
grep -qx 'X-NSM-Capable=true' "$desk" || fail "mixd.desktop: no X-NSM-Capable=true"
grep -qx 'X-NSM-Exec=mixd' "$desk" || fail "mixd.desktop: no X-NSM-Exec=mixd"

echo "check-tree: $(find "$dest" -type f | wc -l) files in $dest hold the programs, man pages," \
	"units, desktop entry and web page"
