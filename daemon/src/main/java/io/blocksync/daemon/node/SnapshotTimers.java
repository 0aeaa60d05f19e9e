package io.blocksync.daemon.node;

/**
 * The clocks of {@link SnapshotClient}'s sessions, one slot per configured origin (docs/PROTOCOL.md, "Snapshots"). A
 * request is repeated when nothing was heard or sent for {@link #retryNanos}. A session is given up when no chunk was
 * taken for {@link #abandonNanos}, or when it falls behind a minimum pace: its deadline starts {@link #abandonNanos}
 * after it began and each chunk taken adds {@link #creditNanos} (a heartbeat interval / 64, about the pace of SYNC's
 * 128 frames of 7 records per interval: a snapshot slower than that is worse than SYNC). Both hold while this node's
 * firewall backlog makes it decline chunks (its receive window is 0, or a chunk was declined for that backlog, within
 * the last two retries): its own backlog is not the source's stall. A chunk that would not fit the store does not hold
 * them ({@link SnapshotChunks#NO_ROOM}): a full store may last. Times in nanoseconds of the injected clock; loop thread only; allocation-free.
 */
final class SnapshotTimers
{
    final long retryNanos;
    final long abandonNanos;
    final long creditNanos;
    private final long[] lastHeardNanos;
    private final long[] lastSentNanos;
    private final long[] progressNanos;
    private final long[] deadlineNanos;
    private final long[] declinedNanos;
    private final long[] polledNanos;

    /**
     * @param origins        slots, one per configured origin.
     * @param retryNanos     silence after which a request is repeated.
     * @param abandonNanos   time without a chunk taken after which a session is given up.
     * @param intervalNanos  the heartbeat interval; a chunk taken credits 1/64 of it to the deadline.
     */
    SnapshotTimers(final int origins, final long retryNanos, final long abandonNanos, final long intervalNanos)
    {
        this.retryNanos = retryNanos;
        this.abandonNanos = abandonNanos;
        this.creditNanos = intervalNanos / 64;
        lastHeardNanos = new long[origins];
        lastSentNanos = new long[origins];
        progressNanos = new long[origins];
        deadlineNanos = new long[origins];
        declinedNanos = new long[origins];
        polledNanos = new long[origins];
    }

    void start(final int i, final long nowNanos)
    {
        lastHeardNanos[i] = nowNanos;
        progressNanos[i] = nowNanos;
        polledNanos[i] = nowNanos;
        declinedNanos[i] = nowNanos - 2 * retryNanos;
        deadlineNanos[i] = nowNanos + abandonNanos;
    }

    /** A chunk taken: progress, and credit to the deadline. */
    void taken(final int i, final long nowNanos)
    {
        lastHeardNanos[i] = nowNanos;
        progressNanos[i] = nowNanos;
        deadlineNanos[i] += creditNanos;
    }

    /** A chunk this node did not take for now (its backlog, its room). */
    void declined(final int i, final long nowNanos)
    {
        declinedNanos[i] = nowNanos;
    }

    void sent(final int i, final long nowNanos)
    {
        lastSentNanos[i] = nowNanos;
    }

    /**
     * Moves the session's timers on by the time since its last poll while this node declines, then tells whether it
     * has timed out.
     *
     * @param windowClosed whether this node's receive window is 0 now.
     */
    boolean timedOut(final int i, final long nowNanos, final boolean windowClosed)
    {
        if (windowClosed || nowNanos - declinedNanos[i] < 2 * retryNanos)
        {
            final long held = nowNanos - polledNanos[i];
            progressNanos[i] += held;
            deadlineNanos[i] += held;
        }
        polledNanos[i] = nowNanos;
        return nowNanos - progressNanos[i] >= abandonNanos || nowNanos - deadlineNanos[i] >= 0;
    }

    /** Whether nothing was heard or sent for {@link #retryNanos}. */
    boolean retryDue(final int i, final long nowNanos)
    {
        return nowNanos - Math.max(lastHeardNanos[i], lastSentNanos[i]) >= retryNanos;
    }
}
