package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.table.BanTable;

/**
 * The one check every path that takes a peer's record makes before it is charged, signature-checked or applied (BATCH,
 * GROUP_BATCH, SYNC, snapshot chunk; docs/PROTOCOL.md, "What a receiver drops after the checks"): whether this node
 * holds it already. A record is held when the table holds the same origin's decision for the prefix at this origin
 * sequence or a later one ({@link #HELD}: origin sequences order one origin's decisions without any clock and are never
 * reused, so it cannot change anything), or, for a record that comes {@link #RELAYED relayed} or on the group, when its
 * origin sequence is at or below this node's high water for its origin ({@link #STALE}: it was taken already, and may
 * have expired or been lifted since: applying it again would bring the ban back for a whole duration).
 * <p>
 * The high water is partly a relayer's unsigned claim (a relayed range is marked held from its {@code after}), so it
 * never suppresses a record that comes in the origin's own link-authenticated frame ({@link #OWN}: BATCH, the origin's
 * own SYNC and snapshot chunks), whose replays the persisted unicast replay windows refuse: the origin itself fills what
 * a relayer claimed. Group datagrams ({@link #GROUP}) have replay windows that start empty at this node's start, so
 * they are checked against the high water this node started with (persisted in {@code progress.dat}): a capture from
 * before the restart is skipped, and no claim made since suppresses the origin's own group batch. Loop thread only;
 * allocation-free.
 */
final class HeldRecords
{
    /** New to this node, and its prefix has no entry: it would take one. */
    static final int NEW_ENTRY = 0;
    /** New to this node; its prefix has an entry (another origin's, or an older one of this origin). */
    static final int NEW = 1;
    /** Held: the table has this origin's decision for the prefix at this origin sequence or later. */
    static final int HELD = 2;
    /** Held: at or below the high water for its origin (relayed records; group records: the high water at start). */
    static final int STALE = 3;

    /** The record comes in a frame of its origin over the unicast link (BATCH, its own SYNC or snapshot chunk). */
    static final int OWN = 0;
    /** The record comes in a GROUP_BATCH of its origin. */
    static final int GROUP = 1;
    /** The record is relayed by a peer other than its origin (SYNC, snapshot chunk). */
    static final int RELAYED = 2;

    private final HighWaterMarks highWater;
    private final BanTable table;
    private final long[] startMarks;
    private final Ban current = new Ban();

    /**
     * @param highWater this node's high-water marks, already loaded from {@code progress.dat}: their values now are the
     *                  marks group records are checked against.
     */
    HeldRecords(final HighWaterMarks highWater, final BanTable table)
    {
        this.highWater = highWater;
        this.table = table;
        this.startMarks = new long[highWater.count()];
        for (int i = 0; i < startMarks.length; i++)
        {
            startMarks[i] = highWater.highWaterAt(i);
        }
    }

    /**
     * @param ban  the record, decoded.
     * @param path how it came: {@link #OWN}, {@link #GROUP} or {@link #RELAYED}.
     * @return {@link #NEW_ENTRY}, {@link #NEW}, {@link #HELD} or {@link #STALE}.
     */
    int check(final Ban ban, final int path)
    {
        return check(ban, path, current);
    }

    /**
     * As {@link #check(Ban, int)}, reading the table's entry for the prefix into {@code entry}, so the caller can hand
     * it to {@link BanTable#applyRemote(Ban, long, Ban)} instead of the table reading it again.
     *
     * @param entry receives what the table holds for the prefix when the result is {@link #NEW} or {@link #HELD};
     *              unchanged for {@link #NEW_ENTRY} (nothing held) and {@link #STALE} (not read).
     */
    int check(final Ban ban, final int path, final Ban entry)
    {
        if (path != OWN && ban.originSequence() <= mark(ban.originNodeId(), path))
        {
            return STALE;
        }
        if (!table.get(ban.prefix(), entry))
        {
            return NEW_ENTRY;
        }
        return entry.originNodeId() == ban.originNodeId() && entry.originSequence() >= ban.originSequence() ? HELD : NEW;
    }

    private long mark(final int origin, final int path)
    {
        if (path == RELAYED)
        {
            return highWater.highWater(origin);
        }
        final int index = highWater.indexOf(origin);
        return index < 0 ? 0 : startMarks[index];
    }

    /** Whether a {@link #check} result means the record is held (it is then neither charged, checked nor applied). */
    static boolean isHeld(final int result)
    {
        return result >= HELD;
    }
}
