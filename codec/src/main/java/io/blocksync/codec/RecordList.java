package io.blocksync.codec;

import org.agrona.MutableDirectBuffer;

/**
 * The run of {@link BanRecordFlyweight} records that BATCH and SYNC frames both end with, counted by the header.
 */
final class RecordList
{
    private RecordList()
    {
    }

    /**
     * Zero the next record slot, count it in the header and wrap {@code record} over it.
     *
     * @throws IllegalStateException when the frame already holds {@code maxRecords}.
     */
    static BanRecordFlyweight append(
        final FrameHeaderFlyweight header,
        final MutableDirectBuffer buffer,
        final int recordsStart,
        final int maxRecords,
        final BanRecordFlyweight record,
        final int action)
    {
        final int count = header.count();
        if (count >= maxRecords)
        {
            throw new IllegalStateException(FrameType.name(header.type()) + " frame full: " + maxRecords + " records");
        }

        final int recordOffset = recordsStart + count * BanRecordFlyweight.LENGTH;
        buffer.setMemory(recordOffset, BanRecordFlyweight.LENGTH, (byte)0);
        header.count(count + 1);
        return record.wrap(buffer, recordOffset).action(action);
    }
}
