#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-avahi.sh MIXD_BIN
#   mixd --advertise against a real avahi-daemon, found with avahi-browse. Everything runs in
#   network and mount namespaces of its own: a veth interface with an address that exists only
#   there (10.78.0.1), a private D-Bus system bus, a private /run, so no announcement reaches
#   a real network and no daemon of this machine is touched. Checks: without --advertise nothing
#   is announced; with it an _osc._udp service "NAME on HOST" appears with mixd's OSC port; it
#   is withdrawn when mixd stops.
#   Exit 0, 1 on a failed check, 77 (meson's SKIP, which tools/test does not count as passed)
#   when not root or avahi-daemon, avahi-browse, dbus-daemon, unshare or ip is missing.
set -euo pipefail

log() { echo "run-avahi: $*" >&2; }
skip() {
	log "cannot run the --advertise case: $*: SKIP"
	exit 77
}
fail() {
	log "$*"
	exit 1
}

if [[ ${1:-} != --inside ]]; then
	mixd=$(readlink -f "$1")
	((EUID == 0)) || skip "namespaces need root"
	for cmd in avahi-daemon avahi-browse dbus-daemon unshare ip; do
		command -v "$cmd" >/dev/null || skip "no $cmd (tools/common.sh installs it)"
	done
	dir=$(mktemp -d "${TMPDIR:-/tmp}/mixd-avahi.XXXXXX")
	status=0
	unshare --net --mount --propagation private "$(readlink -f "$0")" --inside "$dir" "$mixd" ||
		status=$?
	if ((status == 0)); then
		rm -rf "$dir"
	else
		log "logs kept in $dir"
	fi
	exit "$status"
fi

# ---- inside the namespaces ----
dir=$2 mixd=$3
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
trap cleanup EXIT

ip link set lo up
# a veth pair with both ends here: an interface with multicast that leads nowhere
ip link add mdns0 type veth peer name mdns1
ip addr add 10.78.0.1/24 dev mdns0
ip link set mdns1 up
ip link set mdns0 up
# a /run of our own: avahi-daemon keeps its pid file and socket there
mount -t tmpfs tmpfs /run
mkdir -p /run/avahi-daemon

cat >"$dir/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/system_bus</listen>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
pids+=("$(dbus-daemon --config-file="$dir/bus.conf" --fork --print-pid)")
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/system_bus

cat >"$dir/avahi.conf" <<EOF
[server]
host-name=mixdtest
domain-name=local
use-ipv4=yes
use-ipv6=no
allow-interfaces=mdns0
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-addresses=yes
publish-hinfo=no
publish-workstation=no
publish-aaaa-on-ipv4=no
EOF
avahi-daemon -f "$dir/avahi.conf" --no-drop-root --no-chroot --no-rlimits \
	>"$dir/avahi.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
	grep -q 'Server startup complete' "$dir/avahi.log" && break
	sleep 0.1
done
grep -q 'Server startup complete' "$dir/avahi.log" || {
	cat "$dir/avahi.log" >&2
	fail "avahi-daemon did not start"
}

# Starts mixd with the extra arguments; sets mixd_pid and port (from its start-up line). It
# needs no JACK server for this: the server named here does not exist, and mixd waits for it.
start_mixd() {
	local log=$dir/mixd.$#.log
	JACK_DEFAULT_SERVER=mixd-avahi-none-$$ "$mixd" --name stage --osc-port 0 \
		--state-dir "$dir/state" "$@" >"$log" 2>&1 &
	mixd_pid=$!
	pids+=("$mixd_pid")
	port=
	for _ in $(seq 100); do
		port=$(sed -n 's/^mixd: OSC on .*(port \([0-9]*\)).*/\1/p' "$log")
		[[ -n $port ]] && return 0
		sleep 0.1
	done
	cat "$log" >&2
	fail "mixd did not start"
}

stop_mixd() {
	kill "$mixd_pid"
	wait "$mixd_pid" || fail "mixd exited $? on SIGTERM"
}

# The _osc._udp services avahi-browse resolves now: "NAME;PORT" lines (names as avahi-browse
# escapes them: a space is \032).
browse() {
	avahi-browse --parsable --resolve --terminate --no-db-lookup _osc._udp 2>/dev/null |
		awk -F';' '$1 == "=" { print $4 ";" $9 }' | sort -u
}

# Without --advertise: nothing (given the time an announcement takes, 2 s, to show up).
start_mixd
sleep 2
got=$(browse)
[[ -z $got ]] || fail "announced without --advertise: $got"
stop_mixd

start_mixd --advertise
want='stage\032on\032mixdtest;'$port
for _ in $(seq 100); do
	got=$(browse)
	[[ $got == "$want" ]] && break
	sleep 0.1
done
[[ $got == "$want" ]] || {
	cat "$dir"/mixd.*.log >&2
	fail "avahi-browse found \"$got\", not \"$want\""
}
log "avahi-browse found \"stage on mixdtest\", _osc._udp, port $port (mixd's OSC port)"
stop_mixd
for _ in $(seq 50); do
	got=$(browse)
	[[ -z $got ]] && break
	sleep 0.1
done
[[ -z $got ]] || fail "still announced after mixd stopped: $got"
log "withdrawn when mixd stopped"
