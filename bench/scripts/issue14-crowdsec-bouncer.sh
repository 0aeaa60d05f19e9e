#!/bin/sh
# Issue 14 figure (PERFORMANCE.md "Issue 14"): a CrowdSec decision (`cscli decisions add` returned) -> the element in
# a kernel set, two ways in the same run, for the same decisions:
#   - CrowdSec's own bouncer, Debian's crowdsec-firewall-bouncer (nftables mode, its shipped update_frequency 10s),
#     run here in the throw-away namespace bs14ca (never in the root namespace): element in `ip crowdsec
#     crowdsec-blacklists`;
#   - BlockSync: node A (bs14ca, its [crowdsec] bouncer, poll-interval 1s, the default) shares it with its peer B
#     (bs14cb, nftables): element in B's `inet blocksync ban4_host`.
# Both sets are followed with `nft monitor new elements`, each line timestamped as it arrives.
#
# Root, from the repository root, after `mvn -B -q -o package -DskipTests` (daemon/target/blocksync); needs ip, nft,
# socat, python3, Debian's crowdsec (its LAPI and cscli) and crowdsec-firewall-bouncer (`apt-get install -y
# crowdsec-firewall-bouncer`; in a container without systemd it does not start; elsewhere `systemctl disable --now
# crowdsec-firewall-bouncer` first so that only this run's copy is there). The LAPI runs alone (SQLite under a temp
# dir, no agent, no online API) on 127.0.0.1:8080 in bs14ca. N (default 12) decisions, each 0-10 s (seeded) after
# both saw the last, so that they fall uniformly over the bouncer's 10 s poll. Prints one line per figure and the
# load average.
set -eu
N=${N:-12}
BS=$PWD/daemon/target/blocksync/bin/blocksync
T=$(mktemp -d /tmp/bs14c.XXXXXX)
CS=$T/crowdsec
KEY_A=base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=
KEY_B=base64:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=

cleanup() {
    for p in "$T"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
    sleep 1
    ip netns del bs14ca 2>/dev/null || true
    ip netns del bs14cb 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add bs14ca
ip netns add bs14cb
ip link add bs14ca0 netns bs14ca type veth peer name bs14cb0 netns bs14cb
ip -n bs14ca addr add 192.0.2.1/24 dev bs14ca0
ip -n bs14cb addr add 192.0.2.2/24 dev bs14cb0
for n in a b; do ip -n bs14c$n link set bs14c${n}0 up; ip -n bs14c$n link set lo up; done

# The LAPI alone, as CrowdSecBridgeTest runs it.
mkdir -p "$CS/data" "$CS/hub"
echo '{}' > "$CS/hub/.index.json"
echo 'simulation: off' > "$CS/simulation.yaml"
printf 'name: default_ip_remediation\nfilters:\n - Alert.Remediation == true && Alert.GetScope() == "Ip"\ndecisions:\n - type: ban\n   duration: 4h\non_success: break\n' > "$CS/profiles.yaml"
cat > "$CS/config.yaml" <<YAML
common:
  daemonize: false
  log_media: stdout
  log_level: info
  working_dir: .
config_paths:
  config_dir: $CS/
  data_dir: $CS/data/
  simulation_path: $CS/simulation.yaml
  hub_dir: $CS/hub/
  index_path: $CS/hub/.index.json
db_config:
  type: sqlite
  db_path: $CS/data/crowdsec.db
  use_wal: true
api:
  client:
    credentials_path: $CS/local_api_credentials.yaml
  server:
    listen_uri: 127.0.0.1:8080
    profiles_path: $CS/profiles.yaml
prometheus:
  enabled: false
YAML
cscli() { command cscli -c "$CS/config.yaml" "$@"; }
cscli machines add bench --auto -f "$CS/local_api_credentials.yaml" --url http://127.0.0.1:8080 > /dev/null 2>&1
cscli bouncers add blocksync -o raw > "$CS/blocksync.key"
FW_KEY=$(cscli bouncers add firewall-bouncer -o raw)
ip netns exec bs14ca crowdsec -c "$CS/config.yaml" -no-cs > "$T/lapi.log" 2>&1 &
echo $! > "$T/lapi.pid"
until grep -q 'CrowdSec Local API listening on 127.0.0.1:8080' "$T/lapi.log"; do sleep 0.2; done

# CrowdSec's firewall bouncer as shipped (/etc/crowdsec/bouncers/crowdsec-firewall-bouncer.yaml), nftables, in bs14ca.
cat > "$T/firewall-bouncer.yaml" <<YAML
mode: nftables
pid_dir: $T/
update_frequency: 10s
daemonize: false
log_mode: file
log_dir: $T/
log_level: info
api_url: http://127.0.0.1:8080/
api_key: $FW_KEY
disable_ipv6: false
deny_action: DROP
deny_log: false
supported_decisions_types:
  - ban
blacklists_ipv4: crowdsec-blacklists
blacklists_ipv6: crowdsec6-blacklists
nftables:
  ipv4:
    enabled: true
    set-only: false
    table: crowdsec
    chain: crowdsec-chain
  ipv6:
    enabled: true
    set-only: false
    table: crowdsec6
    chain: crowdsec6-chain
prometheus:
  enabled: false
  listen_addr: 127.0.0.1
  listen_port: 60601
YAML
chmod 600 "$T/firewall-bouncer.yaml"
ip netns exec bs14ca crowdsec-firewall-bouncer -c "$T/firewall-bouncer.yaml" > "$T/firewall-bouncer.out" 2>&1 &
echo $! > "$T/firewall-bouncer.pid"

# Two BlockSync nodes; A follows the LAPI.
public() { printf '%s\n' "$1" | "$BS" keygen --public - ; }
PUB_A=$(public "$KEY_A")
PUB_B=$(public "$KEY_B")
node_conf() { # name id address key backend peer-id peer-address peer-public extra
    cat > "$T/$1.conf" <<CONF
[node]
id = $2
listen = $3:7701
state-dir = $T/$1
key = $4

[firewall]
backend = $5

$9
[peer $6]
address = $7:7701
key = $8
CONF
    chmod 600 "$T/$1.conf"
}
node_conf a 1 192.0.2.1 "$KEY_A" log 2 192.0.2.2 "$PUB_B" "[crowdsec]
lapi-url = http://127.0.0.1:8080
api-key-file = $CS/blocksync.key
"
node_conf b 2 192.0.2.2 "$KEY_B" nftables 1 192.0.2.1 "$PUB_A" ""
chmod 600 "$CS/blocksync.key"
for n in a b; do
    ip netns exec bs14c$n "$BS" run -c "$T/$n.conf" > "$T/$n.log" 2>&1 &
    echo $! > "$T/$n.node.pid"
done
until ip netns exec bs14cb nft list set inet blocksync ban4_host > /dev/null 2>&1; do sleep 0.2; done
until ip netns exec bs14ca nft list set ip crowdsec crowdsec-blacklists > /dev/null 2>&1; do sleep 0.2; done
until grep -q 'following CrowdSec' "$T/a.log"; do sleep 0.2; done

stamp() { while read -r l; do echo "$(date +%s%N) $l"; done; }
ip netns exec bs14ca nft monitor new elements 2>&1 | stamp > "$T/fw.txt" &
echo $! > "$T/fwmon.pid"
ip netns exec bs14cb nft monitor new elements 2>&1 | stamp > "$T/bs.txt" &
echo $! > "$T/bsmon.pid"
sleep 1

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
i=0
while [ $i -lt "$N" ]; do
    ip=203.0.113.$((100 + i))
    ip netns exec bs14ca cscli -c "$CS/config.yaml" decisions add --ip "$ip" --duration 4h --reason crowdsecurity/ssh-bf > /dev/null 2>&1
    echo "$(date +%s%N) $ip" >> "$T/added.txt"
    # Both have it (at most the bouncer's 10 s poll), then a seeded pause before the next.
    deadline=$(( $(date +%s) + 60 ))
    until grep -q "$ip[ ,}]" "$T/fw.txt" && grep -q "$ip[ ,}]" "$T/bs.txt"; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "no element for $ip within 60 s" >&2; break; }
        sleep 0.05
    done
    sleep "$(python3 -c "import random; random.seed(14 * 1000 + $i); print('%.2f' % random.uniform(0.0, 10.0))")"
    i=$((i + 1))
done
python3 - "$T" "$N" <<'PY'
import re, sys
t, n = sys.argv[1], int(sys.argv[2])
added = {}
for line in open(t + "/added.txt"):
    ns, ip = line.split()
    added[ip] = int(ns)
def first_seen(name):
    seen = {}
    for line in open(t + "/" + name):
        ns = line.split()[0]
        if not ns.isdigit():
            continue
        for ip in re.findall(r"203\.0\.113\.\d+", line):
            seen.setdefault(ip, int(ns))
    return seen
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100.0 * len(values)))] / 1e6
for name, label in (("fw.txt", "crowdsec-firewall-bouncer 0.0.25 (nftables, update_frequency 10s): element in its own set"),
                    ("bs.txt", "BlockSync bridge (poll-interval 1s): element in the peer's kernel set")):
    seen = first_seen(name)
    ms = [seen[ip] - added[ip] for ip in added if ip in seen]
    print("%s: p50 %.0f ms, p99 %.0f ms, min %.0f ms, max %.0f ms (%d of %d decisions)" %
          (label, pct(ms, 50), pct(ms, 99), min(ms) / 1e6, max(ms) / 1e6, len(ms), n))
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
