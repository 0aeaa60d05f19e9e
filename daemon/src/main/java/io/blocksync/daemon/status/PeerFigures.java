package io.blocksync.daemon.status;

/**
 * What a reader of a peer's status counters may say before the first sample: a figure that is not known yet is left
 * out of {@code /metrics} (the Prometheus convention: no sample rather than a made-up one), null in JSON and
 * {@code -} in a table, never a 0 that reads as a measurement.
 */
public final class PeerFigures
{
    /** {@code clock_offset_ms} before the peer's first HEARTBEAT: no offset has been measured. */
    public static final long OFFSET_UNKNOWN = Long.MIN_VALUE;

    private PeerFigures()
    {
    }

    /**
     * @param acked {@code acked_batches}, a stream position (epoch-based, near 2^60); 0 while unset.
     * @param sent  {@code sent_batches}, likewise.
     * @return whether the lag {@code sent - acked} means anything: both positions are set (acked is 0 until the
     * peer's first ACK since this node started).
     */
    public static boolean lagKnown(final long acked, final long sent)
    {
        return 0 != acked && 0 != sent;
    }

    /** @return batches sent and not yet acknowledged; call only when {@link #lagKnown}. */
    public static long lag(final long acked, final long sent)
    {
        return Math.max(0, sent - acked);
    }

    /** @return whether {@code clock_offset_ms} holds a measured offset. */
    public static boolean offsetKnown(final long offsetMillis)
    {
        return OFFSET_UNKNOWN != offsetMillis;
    }
}
