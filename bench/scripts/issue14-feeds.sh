#!/bin/sh
# Issue 14 figures (PERFORMANCE.md "Issue 14"): client CPU per ban through the control socket with socat (what the
# fail2ban, sshguard and blacklistd shims do) against `blocksync ban` (a JVM start per ban), and the latency of a
# fail2ban ban to the element in a peer's kernel set, beside fail2ban's own detection time.
#
# Root, from the repository root, after `mvn -B -q -o package -DskipTests` (daemon/target/blocksync); needs ip, nft,
# socat, fail2ban. Two nodes in network namespaces bs14a (192.0.2.1, log backend) and bs14b (192.0.2.2, nftables).
# N (default 200, at most 250: one documentation address each) bans per measure. Prints one line per figure.
set -eu
N=${N:-200}
BS=$PWD/daemon/target/blocksync/bin/blocksync
DIST=$PWD/dist
T=$(mktemp -d /tmp/bs14.XXXXXX)
KEY_A=base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
KEY_B=base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=

cleanup() {
    [ -f "$T/f2b.pid" ] && kill "$(cat "$T/f2b.pid")" 2>/dev/null || true
    for p in "$T"/*.node.pid "$T/monitor.pid"; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
    sleep 1
    ip netns del bs14a 2>/dev/null || true
    ip netns del bs14b 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add bs14a
ip netns add bs14b
ip link add bs14a0 netns bs14a type veth peer name bs14b0 netns bs14b
ip -n bs14a addr add 192.0.2.1/24 dev bs14a0
ip -n bs14b addr add 192.0.2.2/24 dev bs14b0
for n in a b; do ip -n bs14$n link set bs14${n}0 up; ip -n bs14$n link set lo up; done

public() { printf '%s\n' "$1" | "$BS" keygen --public - ; }
PUB_A=$(public "$KEY_A")
PUB_B=$(public "$KEY_B")
node_conf() { # name id address key backend peer-id peer-address peer-public
    cat > "$T/$1.conf" <<CONF
[node]
id = $2
listen = $3:7701
state-dir = $T/$1
key = $4

[firewall]
backend = $5

[bans]
max-duration = permanent

[peer $6]
address = $7:7701
key = $8
CONF
    chmod 600 "$T/$1.conf"
}
node_conf a 1 192.0.2.1 "$KEY_A" log 2 192.0.2.2 "$PUB_B"
node_conf b 2 192.0.2.2 "$KEY_B" nftables 1 192.0.2.1 "$PUB_A"
for n in a b; do
    ip netns exec bs14$n "$BS" run -c "$T/$n.conf" > "$T/$n.log" 2>&1 &
    echo $! > "$T/$n.node.pid"
done
SOCK=$T/a/control.sock
until printf 'ping\n' | socat -t 5 - "UNIX-CONNECT:$SOCK" 2>/dev/null | grep -q '^ok'; do sleep 0.2; done
until ip netns exec bs14b nft list set inet blocksync ban4_host >/dev/null 2>&1; do sleep 0.2; done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Client CPU per ban: N bans through socat, 20 through `blocksync ban` (children's user+sys, from /proc/self/stat).
cpu() { awk '{ print $16 + $17 }' /proc/$$/stat; }   # cutime + cstime of this shell, clock ticks
HZ=$(getconf CLK_TCK)
before=$(cpu)
i=0; while [ $i -lt "$N" ]; do
    printf 'ban 198.51.100.%d 1h sshd 0 0\n' $((i % 250 + 1)) | socat -t 30 - "UNIX-CONNECT:$SOCK" > /dev/null
    i=$((i + 1)); done
after=$(cpu)
echo "socat shim: $(echo "($after - $before) * 1000 / $HZ / $N" | bc -l | cut -c1-6) ms CPU per ban ($N bans)"
before=$(cpu)
i=0; while [ $i -lt 20 ]; do "$BS" ban -c "$T/a.conf" --duration 1h --reason sshd 192.0.2.$((i + 100)) > /dev/null; i=$((i + 1)); done
after=$(cpu)
echo "blocksync ban: $(echo "($after - $before) * 1000 / $HZ / 20" | bc -l | cut -c1-6) ms CPU per ban (20 bans)"

# 2. fail2ban ban -> element in B's kernel set. B's additions timestamped as nft reports them.
ip netns exec bs14b sh -c 'nft monitor new elements | while read -r l; do echo "$(date +%s%N) $l"; done' > "$T/monitor.txt" &
echo $! > "$T/monitor.pid"
mkdir -p "$T/f2b/filter.d" "$T/f2b/action.d"
cp "$DIST/fail2ban/action.d/blocksync.conf" "$T/f2b/action.d/"
printf '[Definition]\nfailregex = ^auth failure from <HOST>$\ndatepattern = {NONE}\n' > "$T/f2b/filter.d/bstest.conf"
printf '[Definition]\nloglevel = INFO\nlogtarget = %s\nsocket = %s\npidfile = %s\ndbfile = :memory:\n' \
    "$T/f2b.log" "$T/f2b.sock" "$T/f2b.pid" > "$T/f2b/fail2ban.conf"
: > "$T/auth.log"
printf '[nginx-http-auth]\nenabled = true\nfilter = bstest\nlogpath = %s\nbackend = polling\nmaxretry = 1\nbantime = 1h\naction = blocksync[socket=%s]\n' \
    "$T/auth.log" "$SOCK" > "$T/f2b/jail.conf"
fail2ban-server -b -x -c "$T/f2b" > /dev/null
until grep -q "Jail 'nginx-http-auth' started" "$T/f2b.log" 2>/dev/null; do sleep 0.2; done
i=0; while [ $i -lt "$N" ]; do
    echo "$(date +%s%N) 203.0.113.$((i + 1))" >> "$T/written.txt"
    echo "auth failure from 203.0.113.$((i + 1))" >> "$T/auth.log"
    sleep 0.2; i=$((i + 1)); done
sleep 5
# fail2ban's own time: line written -> its "Ban" log line (ms); ours: that log line -> element at B.
python3 - "$T" <<'PY'
import re, sys, datetime
t = sys.argv[1]
written = {}
for line in open(t + "/written.txt"):
    ns, ip = line.split()
    written[ip] = int(ns)
banned = {}
for line in open(t + "/f2b.log"):
    m = re.match(r"(\S+ \S+),(\d+) .*\] Ban (\S+)", line)
    if m:
        ts = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").timestamp() * 1e9 + int(m.group(2)) * 1e6
        banned[m.group(3)] = ts
seen = {}
for line in open(t + "/monitor.txt"):
    ns = int(line.split()[0])
    for ip in re.findall(r"203\.0\.113\.\d+", line):
        seen.setdefault(ip, ns)
def pct(values, p):
    values = sorted(values); return values[min(len(values) - 1, int(p / 100.0 * len(values)))] / 1e6
own = [banned[ip] - written[ip] for ip in banned if ip in written]
ours = [seen[ip] - banned[ip] for ip in seen if ip in banned]
total = [seen[ip] - written[ip] for ip in seen if ip in written]
print("fail2ban detection (line written -> fail2ban 'Ban'): p50 %.0f ms, p99 %.0f ms (%d bans)" % (pct(own, 50), pct(own, 99), len(own)))
print("fail2ban 'Ban' -> element in the peer's kernel set: p50 %.1f ms, p99 %.1f ms (%d bans; fail2ban's log has ms resolution)" % (pct(ours, 50), pct(ours, 99), len(ours)))
print("line written -> peer's kernel set: p50 %.0f ms, p99 %.0f ms" % (pct(total, 50), pct(total, 99)))
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
