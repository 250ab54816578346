#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-pipewire.sh TEST_EXECUTABLE...
#   Runs end-to-end test executables against PipeWire's JACK instead of a jackd of their own: a
#   headless PipeWire (a null sink, no hardware) and WirePlumber with a private D-Bus session
#   bus, on a private XDG_RUNTIME_DIR, so nothing of a desktop session is touched or needed.
#   The harness (MIXD_E2E_SERVER=default) uses that server, and stops and restarts it through
#   this script for the server-loss cases. Every test runs with PipeWire's libjack (as pw-jack
#   would), mixd inherits it.
#   Exit: 0 when every executable passed, 1 when one failed, 77 (meson's SKIP, which tools/test
#   does not count as passed) when PipeWire, WirePlumber or pipewire-jack is not installed.
# run-pipewire.sh start DIR | stop [--hard] DIR
#   Used by the harness: (re)starts or stops the PipeWire set up in DIR.
set -euo pipefail

self=$(readlink -f "$0")
pwjack=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/pipewire-0.3/jack

log() { echo "run-pipewire: $*" >&2; }

# Environment of everything that talks to this PipeWire.
env_for() {
	export XDG_RUNTIME_DIR=$1/run
	export DBUS_SESSION_BUS_ADDRESS=unix:path=$1/run/bus
	export PIPEWIRE_RUNTIME_DIR=$1/run
	export XDG_CONFIG_HOME=$1/conf
	# no ALSA, no Bluetooth, no cameras: WirePlumber finds none and says so; keep it brief
	export WIREPLUMBER_DEBUG=1
}

# Waits until a JACK client can see the null sink's ports (PipeWire up, its objects created,
# WirePlumber working).
wait_ready() {
	local i
	for i in $(seq 100); do
		if LD_LIBRARY_PATH=$pwjack timeout 2 jack_lsp 2>/dev/null | grep -q 'mixd-null-sink:'; then
			return 0
		fi
		sleep 0.1
	done
	log "PipeWire did not come up; its log:"
	tail -n 30 "$1/pipewire.log" >&2
	return 1
}

start() {
	local dir=$1
	env_for "$dir"
	# setsid: the servers outlive the shell the harness started this from
	setsid pipewire >>"$dir/pipewire.log" 2>&1 </dev/null &
	echo $! >"$dir/pipewire.pid"
	# WirePlumber gives up when PipeWire's socket is not there yet
	for _ in $(seq 100); do
		[[ -S $dir/run/pipewire-0 ]] && break
		sleep 0.05
	done
	# the session manager configures the sink's ports: JACK clients see them only then
	setsid wireplumber >>"$dir/wireplumber.log" 2>&1 </dev/null &
	echo $! >"$dir/wireplumber.pid"
	wait_ready "$dir"
}

stop() {
	local sig=TERM dir pid name
	if [[ $1 == --hard ]]; then
		sig=KILL
		shift
	fi
	dir=$1
	for name in wireplumber pipewire; do
		[[ -f $dir/$name.pid ]] || continue
		pid=$(cat "$dir/$name.pid")
		rm -f "$dir/$name.pid"
		kill -"$sig" "$pid" 2>/dev/null || continue
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
}

case ${1:-} in
start)
	start "$2"
	exit
	;;
stop)
	shift
	stop "$@"
	exit
	;;
esac

missing=()
for cmd in pipewire wireplumber dbus-daemon jack_lsp; do
	command -v "$cmd" >/dev/null || missing+=("$cmd")
done
[[ -e $pwjack/libjack.so.0 ]] || missing+=("$pwjack/libjack.so.0 (pipewire-jack)")
if ((${#missing[@]})); then
	log "cannot run the PipeWire cases: ${missing[*]} not installed (tools/common.sh installs" \
		"pipewire, wireplumber, pipewire-jack, dbus): SKIP"
	exit 77
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/mixd-pw.XXXXXX")
mkdir -m 700 "$dir/run"
mkdir -p "$dir/conf/pipewire/pipewire.conf.d"
# A sink that is not hardware: a sink is what a desktop's PipeWire has, and the graph is driven
# by a timer as the dummy backend drives jackd.
cat >"$dir/conf/pipewire/pipewire.conf.d/10-null-sink.conf" <<'EOF'
context.objects = [
    { factory = adapter
      args = {
          factory.name     = support.null-audio-sink
          node.name        = "mixd-null-sink"
          node.description = "mixd-null-sink"
          media.class      = Audio/Sink
          audio.position   = [ FL FR ]
          audio.rate       = 48000
          object.linger    = true
      }
    }
]
EOF
bus_pid=
cleanup() {
	stop "$dir"
	[[ -n $bus_pid ]] && kill "$bus_pid" 2>/dev/null
	if ((status == 0)); then
		rm -rf "$dir"
	else
		log "logs kept in $dir"
	fi
}
status=1
trap cleanup EXIT
env_for "$dir"
bus_pid=$(dbus-daemon --session --address="$DBUS_SESSION_BUS_ADDRESS" --fork --print-pid)
start "$dir"

export MIXD_E2E_SERVER=default
export MIXD_E2E_SERVER_START="$self start $dir"
export MIXD_E2E_SERVER_STOP="$self stop $dir"
export MIXD_E2E_SERVER_KILL="$self stop --hard $dir"
export LD_LIBRARY_PATH=$pwjack${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# The period the jackd cases run at: every PipeWire JACK client asks for it
export PIPEWIRE_QUANTUM=256/48000
status=0
for exe in "$@"; do
	log "== $(basename "$exe") under PipeWire $(pipewire --version | sed -n 's/.*libpipewire //p')"
	"$exe" || status=1
done
exit "$status"
