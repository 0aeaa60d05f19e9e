package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.RecordFrame;

/**
 * The records of the one frame {@link StreamReceiver} is taking (BATCH, GROUP_BATCH, SYNC), as its scan found them
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
    Ban entry(final int i)
    {
        return held[i] == HeldRecords.NEW_ENTRY ? null : entries[i];
    }

    /**
     * Whether a record before {@code i}, not held, has record {@code i}'s prefix (an origin's ban and its change in one
     * frame, or a forged frame): its apply may have changed the entry {@link #entry} read.
     */
    boolean appliedEarlier(final int i)
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
