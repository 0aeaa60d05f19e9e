package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.table.BanTable;

/**
 * The one check every path that takes a peer's record makes before it is charged, signature-checked or applied (BATCH,
 * GROUP_BATCH, SYNC, snapshot chunk; docs/PROTOCOL.md, "What a receiver drops after the checks"): whether this node
 * holds it already. A record is held when its origin sequence is at or below this node's high water for its origin
 * ({@link #STALE}: every decision of the origin up to there was taken, so this one was too, and may have expired or
 * been lifted since: applying it again would bring the ban back for a whole duration), or when the table holds the
 * same origin's decision for the prefix at this origin sequence or a later one ({@link #HELD}). Origin sequences order
 * one origin's decisions without any clock and are never reused (a new epoch starts above them), so neither can
 * change anything. The high water is persisted ({@code progress.dat}), so the check holds across restarts, and so
 * whatever path or replay brings an old record. Loop thread only; allocation-free.
 */
final class HeldRecords
{
    /** New to this node, and its prefix has no entry: it would take one. */
    static final int NEW_ENTRY = 0;
    /** New to this node; its prefix has an entry (another origin's, or an older one of this origin). */
    static final int NEW = 1;
    /** Held: the table has this origin's decision for the prefix at this origin sequence or later. */
    static final int HELD = 2;
    /** Held: at or below the high water for its origin. */
    static final int STALE = 3;

    private final HighWaterMarks highWater;
    private final BanTable table;
    private final Ban current = new Ban();

    HeldRecords(final HighWaterMarks highWater, final BanTable table)
    {
        this.highWater = highWater;
        this.table = table;
    }

    /**
     * @param ban the record, decoded.
     * @return {@link #NEW_ENTRY}, {@link #NEW}, {@link #HELD} or {@link #STALE}.
     */
    int check(final Ban ban)
    {
        if (ban.originSequence() <= highWater.highWater(ban.originNodeId()))
        {
            return STALE;
        }
        if (!table.get(ban.prefix(), current))
        {
            return NEW_ENTRY;
        }
        return current.originNodeId() == ban.originNodeId() && current.originSequence() >= ban.originSequence() ? HELD : NEW;
    }

    /** Whether a {@link #check} result means the record is held (it is then neither charged, checked nor applied). */
    static boolean isHeld(final int result)
    {
        return result >= HELD;
    }
}
