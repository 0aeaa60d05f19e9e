#!/bin/bash
# PackageInstallIT: installs the .deb with dpkg -i into a fresh host (host.sh), checks what it installed and that
# its maintainer scripts are idempotent, runs a node from the installed files as the unit would (user blocksync,
# the unit's capabilities, Type=notify readiness), bans and lists, then removes and purges the package.
# Run as root under: unshare -m -n --propagation private bash install-deb.sh DEB WORKDIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=host.sh
. "$here/host.sh"
deb=$1
work=$2
config=/etc/blocksync/blocksync.conf
# docs/INTEGRATIONS.md installs the shims from here.
integrations=/usr/share/blocksync/integrations
ip link set lo up
make_host "$work/host"
root=$work/host/root

echo "== dpkg -i"
dpkg --root="$root" -i "$deb"
echo "== dpkg -i again (prerm upgrade, postinst configure VERSION)"
dpkg --root="$root" -i "$deb"
echo "== postinst configure, twice more"
on "$root" /var/lib/dpkg/info/blocksync.postinst configure
on "$root" /var/lib/dpkg/info/blocksync.postinst configure ''
echo "== installed"
on "$root" getent passwd blocksync
on "$root" stat -c 'stat %U:%G %a %n' /var/lib/blocksync /etc/blocksync $config /usr/bin/blocksync \
	/usr/share/doc/blocksync/copyright $integrations/sshguard/sshg-fw-blocksync \
	$integrations/blacklistd/blocksync-helper $integrations/fail2ban/action.d/blocksync.conf
on "$root" dpkg-query -W -f='status ${Status}\nconffiles ${Conffiles}\ndepends ${Depends}\n' blocksync
for file in /usr/lib/systemd/system/blocksync.service /usr/lib/sysusers.d/blocksync.conf \
	/usr/share/man/man8/blocksync.8 /usr/share/man/man5/blocksync.conf.5 /usr/share/doc/blocksync/DEPLOY.md \
	/usr/share/doc/blocksync/METRICS.md /usr/share/doc/blocksync/copyright \
	/usr/share/blocksync/bin/blocksync /usr/share/blocksync/lib/jvm-flags.txt \
	/usr/share/doc/blocksync/CONTROL.md /usr/share/doc/blocksync/INTEGRATIONS.md \
	$integrations/fail2ban/action.d/blocksync.conf $integrations/fail2ban/jail.local \
	$integrations/sshguard/sshg-fw-blocksync $integrations/blacklistd/blocksync-helper; do
	[ -f "$root$file" ] || fail "$file is not installed"
	echo "installed $file"
done

echo "== class-data archive for the installed paths (postinst)"
on "$root" stat -c 'stat %U:%G %a %n' /var/cache/blocksync/blocksync.jsa
# The JVM maps the launcher's classes from it, as /usr/bin/blocksync passes it: class+load names the (static) archive
# ("shared objects file") as their source. The launcher's own memory flags, with class loading logged.
launcher_flags="-Xms16m -Xmx64m -Xmn2m -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:TieredStopAtLevel=1"
shared=$(on "$root" env BLOCKSYNC_JAVA_OPTS="$launcher_flags -Xlog:class+load=info" blocksync --version) ||
	fail "blocksync --version with class loading logged: $shared"
echo "$shared" | grep -m1 ' io.blocksync.daemon.cli.BlockSyncCli source: ' || fail "BlockSyncCli was not loaded: $shared"

echo "== a JRE upgrade runs the trigger on /usr/lib/jvm, which makes the archive again"
# The upgrade: the JVM's libjvm.so changes (here its time, in the throw-away overlay), then a package shipping files
# under /usr/lib/jvm is unpacked, which activates blocksync's file trigger (control/triggers).
java_home=$(dirname "$(dirname "$(on "$root" readlink -f /usr/bin/java)")")
stamp_before=$(cat "$root/var/cache/blocksync/blocksync.jsa.stamp")
fake_jre() {
	mkdir -p "$work/fake-jre/DEBIAN" "$work/fake-jre/usr/lib/jvm/blocksync-test-jre"
	printf 'Package: blocksync-test-jre\nVersion: %s\nArchitecture: all\nMaintainer: test <test@example.org>\nDescription: a file under /usr/lib/jvm\n' \
		"$1" >"$work/fake-jre/DEBIAN/control"
	echo "$1" >"$work/fake-jre/usr/lib/jvm/blocksync-test-jre/release"
	dpkg-deb --root-owner-group -b "$work/fake-jre" "$work/fake-jre.deb" >/dev/null
	dpkg --root="$root" -i "$work/fake-jre.deb" 2>&1
}
touch "$root$java_home/lib/server/libjvm.so"
triggered=$(fake_jre 1.0) || fail "installing a package under /usr/lib/jvm failed: $triggered"
echo "$triggered"
echo "$triggered" | grep -q 'Processing triggers for blocksync' || fail "no trigger ran for blocksync: $triggered"
echo "$triggered" | grep -q 'class-data archive /var/cache/blocksync/blocksync.jsa made' ||
	fail "the trigger did not make the archive again: $triggered"
[ "$(cat "$root/var/cache/blocksync/blocksync.jsa.stamp")" != "$stamp_before" ] || fail "the archive's stamp did not change"
shared=$(on "$root" env BLOCKSYNC_JAVA_OPTS="$launcher_flags -Xlog:class+load=info" blocksync --version) ||
	fail "blocksync --version after the trigger: $shared"
echo "$shared" | grep -m1 ' io.blocksync.daemon.cli.BlockSyncCli source: shared objects file$' ||
	fail "after the trigger BlockSyncCli is not loaded from the archive: $(echo "$shared" | grep BlockSyncCli)"
echo "trigger: archive made again for the upgraded JVM and used"
echo "-- the trigger again, nothing changed: the archive is kept"
triggered=$(fake_jre 1.1) || fail "upgrading the package under /usr/lib/jvm failed: $triggered"
echo "$triggered" | grep -q 'Processing triggers for blocksync' || fail "no trigger ran for blocksync: $triggered"
if echo "$triggered" | grep -q 'blocksync.jsa made'; then fail "the archive was made again with nothing changed: $triggered"; fi
dpkg --root="$root" -P blocksync-test-jre >/dev/null

if on "$root" sh -c 'command -v systemd-analyze' >/dev/null; then
	echo "== systemd-analyze verify: the installed unit, its launcher and its Documentation= man pages"
	verified=$(on "$root" systemd-analyze verify /usr/lib/systemd/system/blocksync.service 2>&1) ||
		fail "systemd-analyze verify: $verified"
	[ -z "$verified" ] || fail "systemd-analyze verify: $verified"
	echo "verify ok"
fi

echo "== keygen and a loopback config"
on "$root" blocksync keygen --out /etc/blocksync/node.key
# root:blocksync 0640: the daemon reads it through its group, root's CLI through ownership (DEPLOY.md).
on "$root" chgrp blocksync /etc/blocksync/node.key
on "$root" chmod 640 /etc/blocksync/node.key
cat >"$root$config" <<CONF
[node]
id = 1
listen = 127.0.0.1:7701
state-dir = /var/lib/blocksync
key-file = node.key

[firewall]
backend = log
CONF
for who in as_blocksync on; do
	checked=$($who "$root" blocksync check-config -c $config 2>&1) || fail "check-config ($who): $checked"
	case $checked in
	*warning*) fail "check-config ($who) warns about the documented layout: $checked" ;;
	esac
	echo "$checked"
done

echo "== run as blocksync with NOTIFY_SOCKET"
python3 "$here/notify-receiver.py" "$root/run/notify.sock" "$work/notify.log" 120 &
receiver=$!
until_true 20 "the notification socket is bound" test -S "$root/run/notify.sock"
# A simple command, not a function: $! is then the JVM's pid (env, chroot, setpriv and the launcher all exec).
"${clean_env[@]}" NOTIFY_SOCKET=/run/notify.sock chroot "$root" "${unit_user[@]}" blocksync run -c $config \
	2>"$work/node.log" &
node=$!
if ! wait $receiver; then
	cat "$work/node.log" >&2
	fail "no READY=1 and barrier on the notification socket; it received: $(tr '\n' ' ' <"$work/notify.log")"
fi
grep -qx "MAINPID=$node" "$work/notify.log" || fail "READY=1 without MAINPID=$node: $(tr '\n' ' ' <"$work/notify.log")"
echo "notify $(tr '\n' ' ' <"$work/notify.log")"

echo "== ban and bans"
as_blocksync "$root" blocksync ban -c $config 198.51.100.7 --duration 10m --reason ssh
echo "-- bans as blocksync"
as_blocksync "$root" blocksync bans -c $config
echo "-- bans as root"
on "$root" blocksync bans -c $config

echo "== stop"
kill -TERM $node
status=0
wait $node || status=$?
echo "node exit $status"
echo "-- node log"
cat "$work/node.log"
[ $status -eq 143 ] || [ $status -eq 0 ] || fail "the node exited with $status on SIGTERM"

echo "== remove"
dpkg --root="$root" -r blocksync
[ ! -e "$root/usr/bin/blocksync" ] || fail "/usr/bin/blocksync is still there after remove"
[ -f "$root$config" ] || fail "remove took the conffile $config"
[ -d "$root/var/lib/blocksync" ] || fail "remove took the state directory"
[ ! -e "$root/var/cache/blocksync" ] || fail "remove left postinst's class-data archive in /var/cache/blocksync"
[ ! -e "$root$integrations" ] || fail "remove left $integrations"
echo "== purge"
dpkg --root="$root" -P blocksync
[ ! -e "$root$config" ] || fail "purge left $config"
[ ! -e "$root/var/lib/blocksync" ] || fail "purge left /var/lib/blocksync"
on "$root" getent passwd blocksync >/dev/null || fail "purge took the user blocksync (system users stay)"
echo "== done"
