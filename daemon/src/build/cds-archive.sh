#!/bin/sh
# Package step: writes lib/blocksync.jsa, the application class-data archive bin/blocksync uses when present
# (PERFORMANCE.md, "Issue 12: footprint"). A training run of `blocksync demo --nodes 2` through the launcher itself,
# so the archive is made with the launcher's flags and classpath by the JVM that built the package; the JVM dumps
# the classes it loaded when it exits. Optional: when the run fails, the distribution simply has no archive.
# Usage: cds-archive.sh DIST_DIR
DIST=$1
ARCHIVE="$DIST/lib/blocksync.jsa"
rm -f "$ARCHIVE"
WORK=$(mktemp -d)
if (cd "$WORK" && BLOCKSYNC_CDS_DUMP="$ARCHIVE" "$DIST/bin/blocksync" demo --nodes 2 > "$WORK/training.log" 2>&1) && [ -f "$ARCHIVE" ]; then
    echo "cds-archive: $ARCHIVE ($(wc -c < "$ARCHIVE") bytes)"
else
    echo "cds-archive: no class-data archive (the training run failed; bin/blocksync starts without one):"
    tail -5 "$WORK/training.log"
    rm -f "$ARCHIVE"
fi
rm -rf "$WORK"
exit 0
