#!/bin/bash
# systemctl stand-in for DeployGuideIT, installed as /usr/bin/systemctl in a throw-away host, which runs no
# systemd. It starts and stops blocksync.service as its unit file says: StateDirectory=, User=, the capabilities of
# AmbientCapabilities= (and CapabilityBoundingSet=), ExecStartPre=, then ExecStart= with NOTIFY_SOCKET set, returning
# once READY=1 arrived (Type=notify). So DEPLOY.md's systemctl lines and the maintainer scripts' run unchanged.
set -eu
unit=/usr/lib/systemd/system/blocksync.service
pidfile=/run/blocksync.pid
notify=/run/blocksync.notify

value() {
	sed -n "s/^$1=//p" "$unit" | tail -1
}

running() {
	[ -f $pidfile ] && kill -0 "$(cat $pidfile)" 2>/dev/null
}

start() {
	running && return 0
	user=$(value User)
	caps=-all$(value AmbientCapabilities | tr 'A-Z' 'a-z' | sed 's/ *cap_/,+/g')
	[ "$caps" = "-all$(value CapabilityBoundingSet | tr 'A-Z' 'a-z' | sed 's/ *cap_/,+/g')" ] ||
		{ echo "systemctl stand-in: AmbientCapabilities= and CapabilityBoundingSet= differ" >&2; exit 1; }
	as_unit=(setpriv --reuid="$user" --regid="$user" --clear-groups --inh-caps="$caps" --ambient-caps="$caps"
		--bounding-set="$caps" --no-new-privs)
	install -d -o "$user" -g "$user" -m "$(value StateDirectoryMode)" "/var/lib/$(value StateDirectory)"
	# shellcheck disable=SC2046 # the unit's command line, split into words as systemd does
	"${as_unit[@]}" $(value ExecStartPre)
	rm -f $notify
	python3 /usr/local/lib/notify-receiver.py $notify $notify.log 120 &
	receiver=$!
	deadline=$(($(date +%s) + 20))
	until [ -S $notify ]; do
		[ "$(date +%s)" -lt "$deadline" ] || { echo "systemctl stand-in: no notification socket" >&2; exit 1; }
		sleep 0.1
	done
	# A simple command: $! is the JVM's pid, as MAINPID would be.
	# shellcheck disable=SC2046
	NOTIFY_SOCKET=$notify "${as_unit[@]}" $(value ExecStart) >>/var/log/blocksync.log 2>&1 &
	echo $! >$pidfile
	if ! wait $receiver; then
		echo "blocksync.service: no READY=1 within 120 s; /var/log/blocksync.log ends:" >&2
		tail -20 /var/log/blocksync.log >&2
		exit 1
	fi
	echo "systemctl stand-in: blocksync.service started, pid $(cat $pidfile), $(tr '\n' ' ' <$notify.log)"
}

stop() {
	running || return 0
	pid=$(cat $pidfile)
	kill -TERM "$pid"
	deadline=$(($(date +%s) + $(value TimeoutStopSec)))
	while kill -0 "$pid" 2>/dev/null; do
		[ "$(date +%s)" -lt "$deadline" ] || { echo "systemctl stand-in: pid $pid did not stop" >&2; exit 1; }
		sleep 0.1
	done
	rm -f $pidfile
	echo "systemctl stand-in: blocksync.service stopped"
}

verb=
now=no
others=
for word in "$@"; do
	case $word in
	--now) now=yes ;;
	--no-reload | -q | --quiet) ;;
	blocksync | blocksync.service) ;;
	-*) others="$others $word" ;;
	*) if [ -z "$verb" ]; then verb=$word; else others="$others $word"; fi ;;
	esac
done
[ -z "$others" ] || { echo "systemctl stand-in: '$*' is not supported" >&2; exit 1; }
case $verb in
start) start ;;
stop) stop ;;
restart) stop && start ;;
try-restart) if running; then stop && start; fi ;;
enable) if [ $now = yes ]; then start; fi ;;
disable) if [ $now = yes ]; then stop; fi ;;
daemon-reload) ;;
is-active) running ;;
*)
	echo "systemctl stand-in: '$*' is not supported" >&2
	exit 1
	;;
esac
