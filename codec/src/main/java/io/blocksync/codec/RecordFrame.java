package io.blocksync.codec;

/**
 * A frame that carries records (BATCH, SYNC, GROUP_BATCH), read through one reusable {@link BanRecordFlyweight}, so a
 * receiver can take the records of any of them with one piece of code.
 */
public interface RecordFrame
{
    int recordCount();

    /** The record at {@code index} (0 to count - 1); the same flyweight each call, rewrapped. */
    BanRecordFlyweight record(int index);
}
