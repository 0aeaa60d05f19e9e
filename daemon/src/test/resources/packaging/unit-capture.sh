#!/bin/bash
# UnitCapabilitiesTest: runs the documented pcap-pipe commands (tcpdump -i nflog:5 -U -w -, tcpdump -i lo -U -w -)
# as a non-root user with exactly the capability set CAPS (setpriv's syntax, e.g. -all,+net_admin,+net_raw), as
# blocksync.service starts its children, and has each capture one packet. Prints one line per capture:
#   capture IFACE exit STATUS bytes N
# Run as root under: unshare -n bash unit-capture.sh CAPS WORKDIR
set -eu
caps=$1
work=$2
ip link set lo up
# NFLOG group 5 gets every echo request the namespace receives (queue-threshold 1: no waiting for a fuller queue).
nft -f - <<'NFT'
table inet capture_test {
	chain input {
		type filter hook input priority 0;
		icmp type echo-request log group 5 queue-threshold 1
	}
}
NFT

capture() {
	out=$work/$1.pcap
	err=$work/$1.err
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps="$caps" --ambient-caps="$caps" \
		--bounding-set="$caps" --no-new-privs tcpdump -i "$1" -U -c 1 -w - >"$out" 2>"$err" &
	pid=$!
	deadline=$(($(date +%s) + 30))
	# Ping until tcpdump has its packet and exits (or could not start); it says "listening on" once bound.
	while kill -0 $pid 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
		if grep -q "listening on" "$err"; then
			ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1 || true
		else
			sleep 0.1
		fi
	done
	kill $pid 2>/dev/null || true
	status=0
	wait $pid || status=$?
	echo "capture $1 exit $status bytes $(wc -c <"$out")"
	sed 's/^/  tcpdump: /' "$err"
}

capture nflog:5
capture lo
