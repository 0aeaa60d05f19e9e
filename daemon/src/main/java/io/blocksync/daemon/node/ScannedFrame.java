package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.PeerKey;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.RecordFrame;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.daemon.table.BanTable;

/**
 * The records of the one frame {@link StreamReceiver} or {@link SnapshotChunks} is taking (BATCH, GROUP_BATCH, SYNC,
 * a SNAPSHOT_CHUNK's decompressed records), as its scan found them
 * before any is applied: each record decoded once, what {@link HeldRecords} found for it, and the table's entry for its
 * prefix as that check read it, so the apply does not read the store again ({@code BanTable.applyRemote(record, now,
 * entry)}). Counts the records whose prefix would take a new entry (the room they need) and those charged to the
 * budgets: a held record is not charged, not checked and not applied (duplicates of catch-up, retransmissions after a
 * restart, old records replayed); records of other origins are charged whether or not they win. Loop thread only;
 * allocation-free.
 */
final class ScannedFrame
{
    private final HeldRecords heldRecords;
    private final int[] held;
    private final Ban[] decoded;
    private final Ban[] entries;
    private int newEntries;
    private int charged;

    /**
     * @param maxRecords most records one frame carries.
     */
    ScannedFrame(final HeldRecords heldRecords, final int maxRecords)
    {
        this.heldRecords = heldRecords;
        this.held = new int[maxRecords];
        this.decoded = new Ban[maxRecords];
        this.entries = new Ban[maxRecords];
        for (int i = 0; i < maxRecords; i++)
        {
            decoded[i] = new Ban();
            entries[i] = new Ban();
        }
    }

    /**
     * Scan every record of a frame, all paths alike.
     *
     * @param path {@link HeldRecords#OWN}, {@link HeldRecords#GROUP} or {@link HeldRecords#RELAYED}.
     */
    void scan(final RecordFrame frame, final int path)
    {
        newEntries = 0;
        charged = 0;
        for (int i = 0, count = frame.recordCount(); i < count; i++)
        {
            final BanRecordFlyweight record = frame.record(i);
            final int found = heldRecords.check(record.get(decoded[i]), path, entries[i]);
            held[i] = found;
            newEntries += found == HeldRecords.NEW_ENTRY ? 1 : 0;
            charged += HeldRecords.isHeld(found) ? 0 : 1;
        }
    }

    /**
     * Apply record {@code i} unless the scan found it held: such a record was neither charged nor signature-checked,
     * and cannot change anything (at or below the origin's high water it could only bring back a ban expired or lifted
     * since). One refused for now stays open in the high-water marks ({@code heldRanges.defer}). The entry the scan
     * read is handed to the table unless an earlier record of this frame was applied to the prefix.
     */
    void applyUnlessHeld(final int i, final BanTable table, final HeldRanges heldRanges, final NodeCounters counters,
        final long nowMillis)
    {
        if (held[i] == HeldRecords.STALE)
        {
            counters.recordsBelowHighWater.incrementRelease();
            return;
        }
        if (held[i] == HeldRecords.HELD)
        {
            counters.recordsDuplicate.incrementRelease();
            return;
        }
        final Ban record = decoded[i];
        final int outcome = appliedEarlier(i) ? table.applyRemote(record, nowMillis) :
            table.applyRemote(record, nowMillis, entry(i));
        if (BanOutcome.mayPassLater(outcome))
        {
            heldRanges.defer(record.originSequence());
            counters.recordsDeferred.incrementRelease();
        }
    }

    /**
     * @return the highest origin sequence of the records not held (those whose signature a relayed frame had checked);
     * 0 when every record is held.
     */
    long highestNotHeld(final int count)
    {
        long highest = 0;
        for (int i = 0; i < count; i++)
        {
            highest = HeldRecords.isHeld(held[i]) ? highest : Math.max(highest, decoded[i].originSequence());
        }
        return highest;
    }

    /**
     * Whether every record of {@code frame} (the frame scanned) that is not held carries the signature of the origin
     * whose configured keys {@code originLink} holds, under the key id it names: a relayed frame is taken only so.
     * A held record is not checked (it changes nothing).
     */
    boolean signedByOrigin(final RecordFrame frame, final PeerLink originLink)
    {
        for (int i = 0, count = frame.recordCount(); i < count; i++)
        {
            if (HeldRecords.isHeld(held[i]))
            {
                continue;
            }
            final BanRecordFlyweight record = frame.record(i);
            final PeerKey key = originLink.peerKey(record.originKeyId());
            if (null == key || !record.verifySignature(key))
            {
                return false;
            }
        }
        return true;
    }

    /** Records of the frame whose prefix has no entry: the room taking it needs. */
    int newEntries()
    {
        return newEntries;
    }

    /** Records of the frame not held: what taking it charges to the budgets. */
    int charged()
    {
        return charged;
    }

    /** What {@link HeldRecords#check} found for record {@code i}. */
    int held(final int i)
    {
        return held[i];
    }

    /** Record {@code i}, decoded. */
    Ban record(final int i)
    {
        return decoded[i];
    }

    /** The table's entry for record {@code i}'s prefix as the scan read it; null when there was none. */
    private Ban entry(final int i)
    {
        return held[i] == HeldRecords.NEW_ENTRY ? null : entries[i];
    }

    /**
     * Whether a record before {@code i}, not held, has record {@code i}'s prefix (an origin's ban and its change in one
     * frame, or a forged frame): its apply may have changed the entry {@link #entry} read.
     */
    private boolean appliedEarlier(final int i)
    {
        for (int j = 0; j < i; j++)
        {
            if (!HeldRecords.isHeld(held[j]) && decoded[j].prefix().equals(decoded[i].prefix()))
            {
                return true;
            }
        }
        return false;
    }
}
