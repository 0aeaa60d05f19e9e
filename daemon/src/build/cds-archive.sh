#!/bin/sh
# Writes the class-data archive bin/blocksync passes to the JVM (PERFORMANCE.md, "Issue 12: footprint"): a STATIC archive
# (-Xshare:dump) of exactly the classes, JDK's and ours, that a node (`run`) loads while it starts and answers `status`,
# `bans` and `ban`, listed by a training run with -XX:DumpLoadedClassList. It replaces the JDK's default archive (which
# maps ~1,300 JDK classes a node never uses) instead of sitting on top of it as the earlier dynamic archive did: about
# 2.5 MiB less resident per node. The CLI's own classes are left out on purpose: with them the node's pages held 1.5 MiB
# more, and the CLI calls cost no more CPU without them (PERFORMANCE.md). Made through the launcher itself, so with its
# flags, class path and JVM. Optional: when a step fails there is no archive and bin/blocksync starts without one.
# Used twice: at package time (the pom: DIST_DIR = target/blocksync, ARCHIVE = its lib/blocksync.jsa) and by the .deb's
# postinst for the installed jars (lib/cds-archive.sh, ARCHIVE = /var/cache/blocksync/blocksync.jsa), since the JVM
# takes an archive only at the class path it was made for.
# Usage: cds-archive.sh DIST_DIR [ARCHIVE]
DIST=$1
ARCHIVE=${2:-"$DIST/lib/blocksync.jsa"}
LAUNCHER="$DIST/bin/blocksync"
WORK=$(mktemp -d)
LOG="$WORK/training.log"
rm -f "$ARCHIVE"
# Every training JVM without any archive of ours (a path that does not exist) and with its own class list.
NO_ARCHIVE="$WORK/none.jsa"

# cli ARGS...: one CLI call through the launcher (what the node loads to answer it goes into the node's list).
cli() {
    BLOCKSYNC_CDS_ARCHIVE="$NO_ARCHIVE" "$LAUNCHER" "$@" >>"$LOG" 2>&1
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
        sleep 3
    ok=$?
    kill "$node" 2>/dev/null
    wait "$node"
    [ $ok = 0 ] && [ $up = 1 ] || return 1
    # Each class once, in first-loaded order (comments dropped).
    awk '!/^#/ && !seen[$0]++' "$WORK/run.classes" >"$WORK/all.classes" || return 1
    BLOCKSYNC_CDS_ARCHIVE="$NO_ARCHIVE" \
        JAVA_TOOL_OPTIONS="-Xshare:dump -XX:SharedClassListFile=$WORK/all.classes -XX:SharedArchiveFile=$ARCHIVE" \
        "$LAUNCHER" --version >>"$LOG" 2>&1
}

if train && [ -s "$ARCHIVE" ]; then
    echo "cds-archive: $ARCHIVE ($(wc -c <"$ARCHIVE") bytes, $(wc -l <"$WORK/all.classes") classes)"
else
    echo "cds-archive: no class-data archive (a training run failed; bin/blocksync starts without one):"
    grep -v 'warning\]\[cds' "$LOG" | tail -5
    rm -f "$ARCHIVE"
fi
rm -rf "$WORK"
exit 0
