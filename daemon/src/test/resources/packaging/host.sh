# Sourced by the packaging tests, which run it under 'unshare -m --propagation private' as root: a host is a
# throw-away copy of this machine's root filesystem (an overlay whose changes land in a tmpfs), so dpkg, its
# maintainer scripts and the node see a real Debian system with its package database, and nothing they write
# reaches the real one. Everything disappears with the mount namespace.

# Fails the test with one line.
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# make_host DIR: DIR/root becomes the host's root directory.
make_host() {
	mkdir -p "$1/layer" "$1/root"
	mount -t tmpfs -o mode=0755 tmpfs "$1/layer"
	mkdir "$1/layer/upper" "$1/layer/work"
	mount -t overlay overlay -o "lowerdir=/,upperdir=$1/layer/upper,workdir=$1/layer/work" "$1/root"
	mount --rbind /proc "$1/root/proc"
	mount --rbind /dev "$1/root/dev"
	mount --rbind /sys "$1/root/sys"
	# No systemd runs there (no /run/systemd/system): the maintainer scripts skip systemctl, as in a container.
	mount -t tmpfs -o mode=0755 tmpfs "$1/root/run"
	mount -t tmpfs -o mode=1777 tmpfs "$1/root/tmp"
}

# A clean environment for commands inside a host.
# PATH as Debian gives root.
clean_env=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8)
# What the unit does before it runs the daemon: user blocksync, the unit's ambient and bounding capabilities.
unit_user=(setpriv --reuid=blocksync --regid=blocksync --clear-groups
	--inh-caps=-all,+net_admin,+net_raw --ambient-caps=-all,+net_admin,+net_raw
	--bounding-set=-all,+net_admin,+net_raw --no-new-privs)

# on ROOT COMMAND...: runs COMMAND as root inside the host, with a clean environment.
on() {
	on_root=$1
	shift
	"${clean_env[@]}" chroot "$on_root" "$@"
}

# as_blocksync ROOT COMMAND...: runs COMMAND inside the host as the unit runs the daemon.
as_blocksync() {
	as_root=$1
	shift
	"${clean_env[@]}" chroot "$as_root" "${unit_user[@]}" "$@"
}

# until_true SECONDS WHAT COMMAND...: polls COMMAND every 0.1 s until it succeeds, or fails the test.
until_true() {
	until_deadline=$(($(date +%s) + $1))
	until_what=$2
	shift 2
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$until_deadline" ] || fail "not within the deadline: $until_what"
		sleep 0.1
	done
}
