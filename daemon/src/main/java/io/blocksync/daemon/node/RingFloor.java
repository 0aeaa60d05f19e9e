package io.blocksync.daemon.node;

/**
 * Which peers hold the {@link StreamSender}'s retained ring back, and so how far it may seal (docs/PROTOCOL.md,
 * "Delivery"). Every peer that answers holds it: one that acknowledged a batch the ring still holds within
 * {@code peer-suspect-after}, or that lacks nothing sealed, however far behind the others it is. The stream to all
 * then runs at the pace of the slowest that answers, and a bulk import waits in the decision queue instead of being
 * sealed into batches the ring would drop before that peer had them (issue 13: 9,084-9,629 of the 14,294 batches of a
 * 100,000-ban import to 10 CPU-starved peers, repaid by snapshot and SYNC). A peer down does not hold it, nor one that
 * has acknowledged nothing retained for that long and lags more than {@link #maxLag()} behind the peer furthest ahead
 * (its batches never get through, though its heartbeats may, or it stopped answering): the ring then drops the oldest
 * batches it lacks, and it catches up by the heartbeat's {@code stream_oldest_retained}, SYNC and snapshots. So a peer
 * that stops answering stalls the stream to the others for {@code peer-suspect-after} at most.
 * <p>
 * Reads each peer's {@link StreamSender.PeerWindow}, which the stream owns; starts a peer's stall clock when it lacks
 * nothing sealed. Loop thread only; allocation-free.
 */
final class RingFloor
{
    private final Peer[] peers;
    private final RetainedBatches retained;
    private final int flightWindow;
    private final long stallNanos;
    // When the floor next moves without an ACK (a lagging peer's stall passes); MAX_VALUE: it waits for ACKs.
    private long movesAtNanos = Long.MAX_VALUE;

    RingFloor(final NodeContext context)
    {
        this.peers = context.peers();
        this.retained = context.retained();
        this.flightWindow = context.flightWindow();
        this.stallNanos = context.suspectAfterNanos();
    }

    /**
     * @param nowNanos the loop's nanosecond clock.
     * @return the lowest stream sequence the ring must keep: what the peers holding it still need, or
     *         {@link RetainedBatches#next()} when none does.
     */
    long lowest(final long nowNanos)
    {
        final long next = retained.next();
        long furthest = 0;
        for (final Peer peer : peers)
        {
            final StreamSender.PeerWindow window = peer.window();
            if (window.ackedCumulative() >= next - 1)
            {
                // It lacks nothing: its stall clock starts with the next batch sealed, not at its last ACK.
                window.answeredNanos(nowNanos);
            }
            if (holdsAtAll(peer))
            {
                furthest = Math.max(furthest, window.ackedCumulative() + 1);
            }
        }
        long floor = next;
        long movesAt = Long.MAX_VALUE;
        final long maxLag = maxLag();
        for (final Peer peer : peers)
        {
            final StreamSender.PeerWindow window = peer.window();
            final long needed = window.ackedCumulative() + 1;
            if (holdsAtAll(peer))
            {
                final long stallsAt = window.answeredNanos() + stallNanos;
                if (furthest - needed <= maxLag)
                {
                    floor = Math.min(floor, needed);
                }
                else if (nowNanos - stallsAt < 0)
                {
                    floor = Math.min(floor, needed);
                    movesAt = Math.min(movesAt, stallsAt);
                }
            }
        }
        movesAtNanos = movesAt;
        return floor;
    }

    /** When, as of the last {@link #lowest(long)}, a lagging peer stops holding the ring; {@code Long.MAX_VALUE}: none. */
    long movesAtNanos()
    {
        return movesAtNanos;
    }

    /** A group member's stream is the multicast group's, and a peer down answers nothing. */
    private static boolean holdsAtAll(final Peer peer)
    {
        return peer.state() != Peer.STATE_DOWN && !peer.groupMember();
    }

    /**
     * How far, in batches, a peer that has stopped answering may lag behind the one furthest ahead and still hold the
     * ring: the ring's capacity less one flight window, the headroom the peer furthest ahead needs to keep sending.
     */
    private long maxLag()
    {
        return Math.max(0, retained.capacity() - flightWindow);
    }
}
