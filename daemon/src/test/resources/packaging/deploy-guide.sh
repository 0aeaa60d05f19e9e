#!/bin/bash
# DeployGuideIT: follows the Linux half of docs/DEPLOY.md as written. BLOCKS holds its 'deploy-linux' blocks, one
# file each (NN-LABEL.sh, extracted by the test), run in order as root on gw1, a fresh Debian host (host.sh) in a
# network namespace with the .deb in /root. Between them this script does what the guide leaves to the other host or
# to a person: fw2 is a second Linux node from the same package standing in for the OpenBSD host (same id, address
# and key exchange), and an attacker namespace opens ssh connections to gw1. systemd does not run in the hosts:
# systemctl.sh stands in for it, starting the node as blocksync.service says.
# Run as root under: unshare -m -n --propagation private bash deploy-guide.sh DEB WORKDIR BLOCKS
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=host.sh
. "$here/host.sh"
deb=$1
work=$2
blocks=$3
config=/etc/blocksync/blocksync.conf
steps="install keys config detection start check upgrade uninstall"

found=$(find "$blocks" -name '*.sh' | sort | sed 's|.*/[0-9]*-||; s|\.sh$||' | tr '\n' ' ')
[ "$found" = "$steps " ] ||
	fail "DEPLOY.md's deploy-linux blocks are '$found'; this script runs '$steps': give a new block its place here"

# Network: gw1 192.0.2.1 -- fw2 192.0.2.2; gw1 203.0.113.1 -- attacker 203.0.113.9. The namespaces' names live in
# a tmpfs of this mount namespace only.
mkdir -p /run/netns
mount -t tmpfs -o mode=0755 tmpfs /run/netns
for ns in gw1 fw2 attacker; do
	ip netns add $ns
	ip -n $ns link set lo up
done
ip link add lan-gw1 netns gw1 type veth peer name lan-fw2 netns fw2
ip link add wan-gw1 netns gw1 type veth peer name wan-attacker netns attacker
ip -n gw1 addr add 192.0.2.1/24 dev lan-gw1
ip -n fw2 addr add 192.0.2.2/24 dev lan-fw2
ip -n gw1 addr add 203.0.113.1/24 dev wan-gw1
ip -n attacker addr add 203.0.113.9/24 dev wan-attacker
ip -n gw1 link set lan-gw1 up
ip -n gw1 link set wan-gw1 up
ip -n fw2 link set lan-fw2 up
ip -n attacker link set wan-attacker up

# host NAME: a fresh host with the package in /root and the systemctl stand-in.
host() {
	make_host "$work/$1"
	cp "$deb" "$work/$1/root/root/"
	# In place of the real one: dpkg runs maintainer scripts with a PATH of its own.
	install -m 0755 "$here/systemctl.sh" "$work/$1/root/usr/bin/systemctl"
	install -m 0644 "$here/notify-receiver.py" "$work/$1/root/usr/local/lib/notify-receiver.py"
	# The maintainer scripts call systemctl only where systemd runs.
	mkdir -p "$work/$1/root/run/systemd/system"
}
host gw1
host fw2
gw1=$work/gw1/root
fw2=$work/fw2/root

stop_nodes() {
	for root in "$gw1" "$fw2"; do
		if [ -f "$root/run/blocksync.pid" ]; then
			kill -TERM "$(cat "$root/run/blocksync.pid")" 2>/dev/null || true
		fi
	done
}
trap stop_nodes EXIT

# inside NS ROOT COMMAND...: COMMAND as root in host ROOT inside network namespace NS.
inside() {
	in_ns=$1
	shift
	ip netns exec "$in_ns" "${clean_env[@]}" chroot "$@"
}

# step LABEL: the DEPLOY.md block, as root on gw1 in /root, each command echoed.
step() {
	echo "== DEPLOY.md: $1"
	cp "$(find "$blocks" -name "*-$1.sh")" "$gw1/root/deploy-$1.sh"
	inside gw1 "$gw1" bash -eux -c "cd /root && . ./deploy-$1.sh" 2>&1
}

# until_bans NS ROOT PREFIX: polls 'blocksync bans' there until it lists PREFIX.
until_bans() {
	until_true 60 "bans on $1 lists $3" \
		sh -c "ip netns exec $1 ${clean_env[*]} chroot $2 blocksync bans -c $config | grep -q '^$3 '"
	echo "$1 bans $3"
}

step install
step keys

echo "== fw2 (stands in for the OpenBSD host): install, key, keys exchanged, configured, started"
dpkg --root="$fw2" -i "$deb" >/dev/null
on "$fw2" blocksync keygen --out /etc/blocksync/node.key >/dev/null
on "$fw2" chgrp blocksync /etc/blocksync/node.key
on "$fw2" chmod 640 /etc/blocksync/node.key
on "$gw1" blocksync keygen --public /etc/blocksync/node.key >"$fw2/etc/blocksync/gw1.pub"
on "$fw2" blocksync keygen --public /etc/blocksync/node.key >"$gw1/etc/blocksync/fw2.pub"
cat >"$fw2$config" <<CONF
[node]
id = 2
listen = 192.0.2.2:7701
state-dir = /var/lib/blocksync
key-file = node.key

[firewall]
backend = nftables

[allow]
prefix = 192.0.2.0/24

[peer 1]
name = gw1
address = 192.0.2.1:7701
key-file = gw1.pub
CONF
inside fw2 "$fw2" systemctl start blocksync

step config
step detection
step start
step check
until_bans fw2 "$fw2" 198.51.100.7
inside fw2 "$fw2" nft list table inet blocksync | grep -qF 198.51.100.7 || fail "fw2's kernel table lacks 198.51.100.7"
echo "fw2 kernel 198.51.100.7"

echo "== attacker 203.0.113.9: ssh connections to gw1"
# connect PORT: 0 connected, 1 refused (gw1 answered with a reset), 124 no answer within 3 s (dropped).
connect() {
	status=0
	ip netns exec attacker timeout 3 bash -c 'exec 3<>/dev/tcp/203.0.113.1/22' 2>/dev/null || status=$?
	echo $status
}
for attempt in 1 2 3; do
	result=$(connect)
	echo "attempt $attempt: $result"
	[ "$result" = 1 ] || fail "attempt $attempt before the ban: expected a refused connection, got $result"
done
until_bans gw1 "$gw1" 203.0.113.9
until_bans fw2 "$fw2" 203.0.113.9
result=$(connect)
echo "after the ban: $result"
[ "$result" = 124 ] || fail "after the ban gw1 should drop 203.0.113.9's SYN (124), got $result"

echo "== a newer package for the upgrade"
repack=$work/repack
dpkg-deb -R "$deb" "$repack"
version=$(sed -n 's/^Version: //p' "$repack/DEBIAN/control")
sed -i "s/^Version: .*/Version: $version+upgrade1/" "$repack/DEBIAN/control"
rm "$gw1"/root/blocksync_*.deb
dpkg-deb -b "$repack" "$gw1/root/blocksync_${version}+upgrade1_$(dpkg-deb -f "$deb" Architecture).deb" >/dev/null
before=$(cat "$gw1/run/blocksync.pid")
step upgrade
after=$(cat "$gw1/run/blocksync.pid")
[ "$before" != "$after" ] || fail "the upgrade did not restart the node (pid $before)"
on "$gw1" dpkg-query -W -f='upgraded to ${Version}\n' blocksync

step uninstall
if inside gw1 "$gw1" nft list tables | grep -q blocksync; then
	fail "a blocksync table is left: $(inside gw1 "$gw1" nft list tables | tr '\n' ' ')"
fi
[ ! -e "$gw1/usr/bin/blocksync" ] || fail "/usr/bin/blocksync is left after purge"
[ ! -e "$gw1/var/lib/blocksync" ] || fail "/var/lib/blocksync is left after purge"
[ ! -e "$gw1/etc/blocksync" ] || fail "/etc/blocksync is left: $(ls "$gw1/etc/blocksync")"
grep -q 'detect.nft' "$gw1/etc/nftables.conf" && fail "the include line is left in /etc/nftables.conf"
echo "gw1 clean"
inside fw2 "$fw2" systemctl stop blocksync
echo "== done"
