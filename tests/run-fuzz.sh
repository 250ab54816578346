#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/run-fuzz.sh: builds the libFuzzer targets with clang and runs each for a bounded time
# from its seeds; the meson test `fuzz` calls it in the normal (unsanitized) build.
#
#   run-fuzz.sh SOURCE_ROOT OUT_DIR BUILD_ROOT DSP_LIB
#
# The project builds with gcc, which has no libFuzzer, so the targets are compiled here, from
# the sources, with clang -fsanitize=fuzzer,address,undefined: packet.c and fuzz_packet.c for
# fuzz_packet; every osc/*.c and the personalities' osc/ardour/*.c and osc/x32/*.c, the model files and fuzz_dispatch.c
# for fuzz_dispatch, linked with the (gcc-built, uninstrumented) DSP library that the model's engine calls need
# and the fuzzer never reaches. The subscription and Ardour handlers join fuzz_dispatch when
# their sources exist (osc/subs.c, the folder osc/ardour/). Binaries are rebuilt only when a
# source is newer.
#
# The seeds in tests/fuzz-seeds/NAME (fuzz_NAME's) are copied into a scratch corpus under OUT_DIR, so the
# tree is never written. A crash, a leak, a timeout (10 s per input) or going over 2 GB fails
# the test and keeps the offending input in OUT_DIR/artifacts; its path is printed with the
# command that replays it. Without clang the test is skipped (exit 77, meson's skip).
#
# Time per target: MIXD_FUZZ_DISPATCH_S (default 60) and MIXD_FUZZ_PACKET_S (default 20).
set -u

src=$1 out=$2 build=$3 dsp_lib=$4
dispatch_s=${MIXD_FUZZ_DISPATCH_S:-60}
packet_s=${MIXD_FUZZ_PACKET_S:-20}

cc=
for c in clang-14 clang; do
	if command -v "$c" >/dev/null 2>&1; then
		cc=$c
		break
	fi
done
if [ -z "$cc" ]; then
	echo "run-fuzz: SKIPPED: no clang-14 or clang in PATH (tools/test installs clang-14)"
	exit 77
fi

mkdir -p "$out/artifacts" || exit 1
# -fno-sanitize-recover: a UBSan report is a crash libFuzzer keeps the input of, not a line
# in the log.
flags="-g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined
	-fno-sanitize-recover=undefined -Wall -Wextra -Wno-unused-parameter"

# The runtime is a separate package (libclang-rt-14-dev): without it clang links nothing.
probe=$out/probe
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n);\n%s\n' \
	'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' >"$probe.c"
# shellcheck disable=SC2086
if ! "$cc" $flags "$probe.c" -o "$probe" >"$probe.log" 2>&1; then
	cat "$probe.log"
	echo "run-fuzz: SKIPPED: $cc cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)"
	exit 77
fi

# Builds $1 from the remaining arguments (sources, then libraries) unless it is newer than
# every source file of the tree it could depend on.
build() {
	bin=$1
	shift
	if [ -x "$bin" ] && [ -z "$(find "$src/osc" "$src/daemon" "$src/dsp" "$src/tests" \
		"$dsp_lib" \( -name '*.c' -o -name '*.h' -o -name '*.a' \) -newer "$bin" \
		2>/dev/null | head -n 1)" ]; then
		return 0
	fi
	echo "run-fuzz: building ${bin##*/} with $cc"
	# shellcheck disable=SC2086
	"$cc" $flags -I "$src/osc" -I "$src/daemon" -I "$src/dsp" -I "$src/dsp/control" -I "$build" "$@" -o "$bin"
}

dispatch_src=
for f in "$src"/osc/*.c; do
	dispatch_src="$dispatch_src $f"
done
extra='' personality_inc=''
[ -f "$src/osc/subs.c" ] && extra="$extra -DFUZZ_WITH_SUBS"
if [ -d "$src/osc/ardour" ]; then
	extra="$extra -DFUZZ_WITH_ARDOUR"
fi
# The registry (osc/personalities.c) names every personality: each folder's sources and
# headers come along, whether or not fuzz_dispatch drives that personality.
for d in ardour x32; do
	[ -d "$src/osc/$d" ] || continue
	personality_inc="$personality_inc -I $src/osc/$d"
	for f in "$src"/osc/"$d"/*.c; do
		dispatch_src="$dispatch_src $f"
	done
done

# shellcheck disable=SC2086
build "$out/fuzz_packet" "$src/osc/packet.c" "$src/tests/fuzz_packet.c" -llo || exit 1
# shellcheck disable=SC2086
build "$out/fuzz_dispatch" $extra $personality_inc $dispatch_src "$src/tests/fuzz_dispatch.c" \
	"$src/dsp/control/param_table.c" "$src/dsp/control/params.c" "$src/dsp/control/model.c" \
	"$src/dsp/control/ring.c" \
	"$src/dsp/control/meters.c" "$src/daemon/cli.c" "$dsp_lib" -llo -lm -lpthread || exit 1
echo "run-fuzz: fuzz_dispatch handlers: dispatch${extra:+ + }$(echo "$extra" |
	sed 's/-DFUZZ_WITH_//g; s/^ //; s/ / + /g' | tr '[:upper:]' '[:lower:]')"

# Runs target $1 for $2 seconds from its seeds. Returns 0, or 1 after naming what it kept.
run() {
	name=$1 secs=$2
	corpus=$(mktemp -d "$out/corpus-$name.XXXXXX") || return 1
	cp "$src/tests/fuzz-seeds/${name#fuzz_}"/* "$corpus"/ || return 1
	start=$out/artifacts/.start-$name
	: >"$start"
	echo "run-fuzz: $name for ${secs}s from $(find "$corpus" -type f | wc -l) seeds"
	# libFuzzer's own exit codes for errors and timeouts default to 77 and 70; 77 would read
	# as a skip to meson, so both are set to plain failures.
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"$out/$name" -max_total_time="$secs" -max_len=16400 -timeout=10 \
		-rss_limit_mb=2048 -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$name-" "$corpus" >"$out/$name.log" 2>&1
	rc=$?
	grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' \
		"$out/$name.log" | sed "s/^/run-fuzz: $name: /"
	if [ "$rc" -ne 0 ]; then
		# the report from its first line (the tail alone would show the allocation
		# stack, not the faulting one)
		if grep -qE "$report" "$out/$name.log"; then
			sed -n -E "/$report/,\$p" "$out/$name.log" | head -n 80
		else
			tail -n 60 "$out/$name.log"
		fi
		echo "run-fuzz: $name FAILED (exit $rc); full log: $out/$name.log"
		find "$out/artifacts" -name "$name-*" -newer "$start" | while read -r a; do
			echo "run-fuzz: kept the input: $a"
			echo "run-fuzz: replay: $out/$name $a"
		done
		rm -rf "$corpus"
		return 1
	fi
	rm -rf "$corpus" "$start"
	return 0
}

# The first line of a sanitizer's or libFuzzer's report.
report='==[0-9]+==ERROR|runtime error:|==[0-9]+== ERROR: libFuzzer'

status=0
run fuzz_dispatch "$dispatch_s" || status=1
run fuzz_packet "$packet_s" || status=1
exit $status
