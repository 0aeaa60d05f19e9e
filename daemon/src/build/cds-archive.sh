#!/bin/sh
# Writes the class-data archive bin/blocksync passes to the JVM (PERFORMANCE.md, "Issue 12: footprint"): a STATIC archive
# (-Xshare:dump) of exactly the classes, JDK's and ours, that a node (`run`) loads while it starts and answers `status`,
# `bans` and `ban`, listed by a training run with -XX:DumpLoadedClassList. It replaces the JDK's default archive (which
# maps ~1,300 JDK classes a node never uses) instead of sitting on top of it as the earlier dynamic archive did: about
# 2.5 MiB less resident per node. The CLI's own classes are left out on purpose: with them the node's pages held 1.5 MiB
# more (PERFORMANCE.md); they go to the CLI's archive (below). Made through the launcher itself, so with its
# flags, class path and JVM. Optional: when a step fails there is no archive and bin/blocksync starts without one.
# Used twice: at package time (the pom: DIST_DIR = target/blocksync, ARCHIVE = its lib/blocksync.jsa) and by the .deb's
# postinst for the installed jars (lib/cds-archive.sh, ARCHIVE = /var/cache/blocksync/blocksync.jsa), since the JVM
# takes an archive only at the class path it was made for.
# A second, smaller archive beside it, blocksync-cli.jsa, holds what the control-socket commands (bans, status, peers,
# ban, unban against the running training node) load, the CLI's own classes included: bin/blocksync passes it for those
# commands only, which then open no jar at all (PERFORMANCE.md, "Issue 12: CLI cost"), and the node's archive stays
# as it was.
# Usage: cds-archive.sh DIST_DIR [ARCHIVE]
DIST=$1
ARCHIVE=${2:-"$DIST/lib/blocksync.jsa"}
CLI_ARCHIVE="${ARCHIVE%/*}/blocksync-cli.jsa"
LAUNCHER="$DIST/bin/blocksync"
WORK=$(mktemp -d)
LOG="$WORK/training.log"
rm -f "$ARCHIVE" "$CLI_ARCHIVE"
# Every training JVM without any archive of ours (a path that does not exist) and with its own class list.
NO_ARCHIVE="$WORK/none.jsa"

# cli ARGS...: one CLI call through the launcher (what the node loads to answer it goes into the node's list, what
# the CLI loads into a list of its own per call).
calls=0
cli() {
    calls=$((calls + 1))
    BLOCKSYNC_CDS_ARCHIVE="$NO_ARCHIVE" JAVA_TOOL_OPTIONS="-XX:DumpLoadedClassList=$WORK/cli-$calls.classes" \
        "$LAUNCHER" "$@" >>"$LOG" 2>&1
}

train() {
    # Two node configs, keys and state directories on 127.0.0.1 (the demo's), kept in WORK.
    BLOCKSYNC_CDS_ARCHIVE="$NO_ARCHIVE" JAVA_TOOL_OPTIONS="-Djava.io.tmpdir=$WORK" "$LAUNCHER" demo --nodes 2 --keep \
        >>"$LOG" 2>&1 || return 1
    cluster=$(ls -d "$WORK"/blocksync-demo-* | head -1)
    [ -f "$cluster/node1.conf" ] || return 1
    conf="$cluster/node1.conf"
    (cd "$cluster" && BLOCKSYNC_CDS_ARCHIVE="$NO_ARCHIVE" JAVA_TOOL_OPTIONS="-XX:DumpLoadedClassList=$WORK/run.classes" \
        exec "$LAUNCHER" run -c "$conf" >>"$WORK/node.log" 2>&1) &
    node=$!
    up=0
    for _ in $(seq 1 120); do
        if BLOCKSYNC_CDS_ARCHIVE="$NO_ARCHIVE" "$LAUNCHER" status -c "$conf" >/dev/null 2>&1; then up=1; break; fi
        sleep 0.5
    done
    # Past the node's first loop seconds (ResidentPages and the rest of what an idle node loads).
    [ $up = 1 ] && cli status -c "$conf" && cli bans -c "$conf" && cli ban -c "$conf" 198.51.100.7 &&
        cli bans -c "$conf" --json && cli peers -c "$conf" && cli unban -c "$conf" 198.51.100.7 && sleep 3
    ok=$?
    kill "$node" 2>/dev/null
    wait "$node"
    [ $ok = 0 ] && [ $up = 1 ] || return 1
    # `bans` with the node down reads the store itself (picocli, the full config, Chronicle Map): its classes go into the
    # CLI's archive too, since the launcher cannot tell beforehand which way a `bans` goes.
    cli bans -c "$conf" || return 1
    # Each class once, in first-loaded order (comments dropped).
    awk '!/^#/ && !seen[$0]++' "$WORK/run.classes" >"$WORK/all.classes" || return 1
    BLOCKSYNC_CDS_ARCHIVE="$NO_ARCHIVE" \
        JAVA_TOOL_OPTIONS="-Xshare:dump -XX:SharedClassListFile=$WORK/all.classes -XX:SharedArchiveFile=$ARCHIVE" \
        "$LAUNCHER" --version >>"$LOG" 2>&1 || return 1
    # The CLI's archive, from its calls' lists; optional: without it those commands take the node's archive.
    cat "$WORK"/cli-*.classes | awk '!/^#/ && !seen[$0]++' >"$WORK/cli.classes" &&
        BLOCKSYNC_CDS_ARCHIVE="$NO_ARCHIVE" \
        JAVA_TOOL_OPTIONS="-Xshare:dump -XX:SharedClassListFile=$WORK/cli.classes -XX:SharedArchiveFile=$CLI_ARCHIVE" \
        "$LAUNCHER" --version >>"$LOG" 2>&1 || rm -f "$CLI_ARCHIVE"
    return 0
}

if train && [ -s "$ARCHIVE" ]; then
    echo "cds-archive: $ARCHIVE ($(wc -c <"$ARCHIVE") bytes, $(wc -l <"$WORK/all.classes") classes)"
    if [ -s "$CLI_ARCHIVE" ]; then
        echo "cds-archive: $CLI_ARCHIVE ($(wc -c <"$CLI_ARCHIVE") bytes, $(wc -l <"$WORK/cli.classes") classes)"
    fi
else
    echo "cds-archive: no class-data archive (a training run failed; bin/blocksync starts without one):"
    grep -v 'warning\]\[cds' "$LOG" | tail -5
    rm -f "$ARCHIVE" "$CLI_ARCHIVE"
fi
rm -rf "$WORK"
exit 0
