#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fails when docs/osc.md differs from what the parameter table generates (run tools/gen-docs).
set -eu
mixd=$1 doc=$2
if ! "$mixd" --list-params=markdown | diff -u "$doc" -; then
	echo "docs/osc.md is stale: run tools/gen-docs" >&2
	exit 1
fi
