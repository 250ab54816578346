#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The layers, one direction: dsp <- dsp/control <- osc <- daemon. A file of a layer includes
# nothing of a layer above it: dsp/ (its own files) nothing of dsp/control, osc or daemon;
# dsp/control nothing of osc or daemon; osc (and its sub-folders) nothing of daemon. The build
# already gives each library only the include paths below it, so a bare name fails to
# compile; this also catches what a path would sneak past it ("../daemon/x.h") and a header
# that exists in two layers under one name.
#
# check-layers.sh SRC_ROOT    exits 0 when every include points down, 1 naming each that
#                             does not
# check-layers.sh --self-test injects a violation into a copy of a tiny tree and must see it
set -u

# names of the headers that live directly in dir $1 (one per line)
headers() {
	for h in "$1"/*.h; do
		[ -f "$h" ] && basename "$h"
	done
}

# check ROOT: prints each include of a higher layer, returns 1 if there was one
check() {
	root=$1
	bad=0
	tmp=$(mktemp) || return 1
	# layer: files | the directories above it whose headers they may not include
	for spec in "dsp:dsp/control osc daemon" "dsp/control:osc daemon" "osc:daemon"; do
		layer=${spec%%:*}
		above=${spec#*:}
		if [ "$layer" = dsp ]; then
			files=$(find "$root/dsp" -maxdepth 1 -name '*.[ch]')
		else
			files=$(find "$root/$layer" -name '*.[ch]')
		fi
		# every quoted include of the layer, as "file header" lines
		incs=$(for f in $files; do
			sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
				sed "s|^|$f |"
		done)
		for dir in $above; do
			for h in $(headers "$root/$dir"); do
				# a header of the same name in the layer itself is its own
				[ -f "$root/$layer/$h" ] && continue
				echo "$incs" | while read -r f inc; do
					[ "${inc##*/}" = "$h" ] || continue
					echo "check-layers: ${f#"$root"/} includes $h of $dir/, a layer above it"
				done
			done
		done >"$tmp"
		[ -s "$tmp" ] && { cat "$tmp"; bad=1; }
		# and any path that climbs into daemon/ or osc/ from below
		for f in $files; do
			if grep -Eq '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*\.\./' "$f"; then
				echo "check-layers: ${f#"$root"/} includes by a relative path"
				bad=1
			fi
		done
	done
	rm -f "$tmp"
	return $bad
}

if [ "${1:-}" = --self-test ]; then
	t=$(mktemp -d) || exit 1
	trap 'rm -rf "$t"' EXIT
	mkdir -p "$t/dsp/control" "$t/osc/sub" "$t/daemon"
	echo '#include "gain.h"' >"$t/dsp/control/model.c"
	touch "$t/dsp/gain.h" "$t/daemon/jackio.h" "$t/osc/server.h"
	echo '#include "server.h"' >"$t/osc/sub/a.c"
	check "$t" >/dev/null || { echo "check-layers: a clean tree was refused"; exit 1; }
	echo '#include "jackio.h"' >>"$t/osc/sub/a.c"
	out=$(check "$t") && { echo "check-layers: osc including daemon/ was not seen"; exit 1; }
	echo "$out" | grep -q "osc/sub/a.c includes jackio.h" || exit 1
	echo '#include "../server.h"' >"$t/osc/sub/a.c"
	check "$t" >/dev/null && { echo "check-layers: a relative path was not seen"; exit 1; }
	echo "check-layers: self-test passed"
	exit 0
fi
check "${1:?usage: check-layers.sh SRC_ROOT | --self-test}" && echo "check-layers: every include points down"
