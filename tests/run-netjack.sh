#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-netjack.sh TEST_EXECUTABLE
#   Two machines on this one: network namespaces "desk" and "stage" joined by a veth pair, with
#   addresses of their own that exist only inside them (10.77.0.1 and 10.77.0.2) and a
#   multicast route for netjack2's discovery. The desk runs jackd (dummy backend) with the
#   netjack2 master (jack_load netmanager); the stage runs jackd with the net backend, which
#   finds the master by multicast and appears on the desk as the client "stagebox". The test
#   runs in the desk's namespace: MIXD_E2E_SERVER is the desk's server, MIXD_NETJACK_STAGE the
#   stage's, MIXD_NETJACK_CLIENT the stage's client on the desk.
#   Exit: the test's status; 77 (meson's SKIP, which tools/test does not count as passed) when
#   this is not root, network namespaces cannot be made, or jackd has no net backend.
set -euo pipefail

log() { echo "run-netjack: $*" >&2; }
skip() {
	log "cannot run the netjack2 case: $*: SKIP"
	exit 77
}

((EUID == 0)) || skip "network namespaces need root"
command -v ip >/dev/null || skip "no ip (iproute2)"
command -v jackd >/dev/null && command -v jack_load >/dev/null || skip "no jackd / jack_load"
# jackd's drivers and internal clients: the net backend and the netmanager master
jackdir=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/jack
[[ -e $jackdir/jack_net.so && -e $jackdir/netmanager.so ]] ||
	skip "no $jackdir/jack_net.so or netmanager.so (jackd2)"

tag=$$
desk=mixdnj-desk-$tag stage=mixdnj-stage-$tag
dserver=mixdnj-d$tag sserver=mixdnj-s$tag
dir=$(mktemp -d "${TMPDIR:-/tmp}/mixd-netjack.XXXXXX")
pids=()
status=1
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null || true
	done
	# deleting a namespace deletes its end of the veth pair, and with it the other end
	ip netns del "$stage" 2>/dev/null || true
	ip netns del "$desk" 2>/dev/null || true
	if ((status == 0)); then
		rm -rf "$dir"
	else
		log "logs kept in $dir"
	fi
}
trap cleanup EXIT

ip netns add "$desk" || skip "cannot create a network namespace"
ip netns add "$stage"
ip link add "mjd$tag" type veth peer name "mjs$tag"
ip link set "mjd$tag" netns "$desk"
ip link set "mjs$tag" netns "$stage"
ip -n "$desk" addr add 10.77.0.1/24 dev "mjd$tag"
ip -n "$stage" addr add 10.77.0.2/24 dev "mjs$tag"
for ns in "$desk" "$stage"; do
	ip -n "$ns" link set lo up
done
ip -n "$desk" link set "mjd$tag" up
ip -n "$stage" link set "mjs$tag" up
# netjack2 finds its master by multicast (225.3.19.154): over the veth, nowhere else
ip -n "$desk" route add 224.0.0.0/4 dev "mjd$tag"
ip -n "$stage" route add 224.0.0.0/4 dev "mjs$tag"

# Waits until a client on server $2 (in namespace $1) sees a port matching $3.
wait_port() {
	local i
	for i in $(seq 100); do
		if ip netns exec "$1" env JACK_DEFAULT_SERVER="$2" jack_lsp 2>/dev/null | grep -q "$3"; then
			return 0
		fi
		sleep 0.1
	done
	log "no port $3 on $2 after 10 s"
	tail -n 20 "$dir"/*.log >&2
	return 1
}

# The desk: the mixing machine, netjack2 master.
ip netns exec "$desk" env JACK_NO_AUDIO_RESERVATION=1 \
	jackd -n "$dserver" -d dummy -r 48000 -p 256 >"$dir/desk.log" 2>&1 &
pids+=($!)
wait_port "$desk" "$dserver" 'system:playback_1'
ip netns exec "$desk" env JACK_DEFAULT_SERVER="$dserver" \
	jack_load netmanager -i "-a 225.3.19.154 -p 19000" >>"$dir/desk.log" 2>&1
# The stage box: 3 channels from the desk (-C: master_L/R and aux_1, the monitor mix), 2 to it
# (-P), 2 periods of network latency, uncompressed float.
ip netns exec "$stage" env JACK_NO_AUDIO_RESERVATION=1 \
	jackd -n "$sserver" -d net -a 225.3.19.154 -p 19000 -C 3 -P 2 -n stagebox -l 2 \
	>"$dir/stage.log" 2>&1 &
pids+=($!)
wait_port "$desk" "$dserver" 'stagebox:from_slave_1'
wait_port "$stage" "$sserver" 'system:capture_1'

log "desk $dserver (10.77.0.1) <-> stage $sserver (10.77.0.2) as stagebox"
status=0
ip netns exec "$desk" env MIXD_E2E_SERVER="$dserver" MIXD_NETJACK_STAGE="$sserver" \
	MIXD_NETJACK_CLIENT=stagebox "$@" || status=$?
exit "$status"
