package io.blocksync.daemon.node;

/**
 * How far catch-up may serve a peer this node's own decisions (docs/PROTOCOL.md, "Catch-up" and "Snapshots"): by SYNC
 * ({@link CatchUp}) and by snapshot ({@link SnapshotServer}), not what the BATCH stream ({@link StreamSender}) brings
 * the peer anyway, which would reach it twice (issue 13: thousands of SYNC frames and snapshot chunks of an origin's
 * own bulk import to peers whose marks lagged only because the stream was still delivering).
 * <ul>
 *   <li>Not the records of the batches the peer acknowledged since it last lost its state, while its mark is below
 *       them: it holds them (those it deferred for the clock excepted, which keep its mark at their start, inside
 *       them, where the next rule applies). So a peer behind on a new epoch's empty range gets that range alone.</li>
 *   <li>Not what the stream still owes it, from the first record of the oldest batch it has not acknowledged that the
 *       ring retains (else of the oldest staged decision): the stream resends it until acknowledged. A batch dropped
 *       from the ring before the peer acknowledged it is one the stream gave up on, and is served.</li>
 * </ul>
 * Both hold while the stream to the peer is clean: once it has had to resend a batch the peer has not acknowledged
 * yet (loss), catch-up serves as it would without them, a second path that beats the retransmission backoff (the
 * convergence under loss of ChaosEngineTest). A group member's stream is the group's: no limit. Loop thread only;
 * allocation-free.
 */
final class OwnCatchUpLimit
{
    private final StreamSender stream;
    private final RetainedBatches retained;

    OwnCatchUpLimit(final NodeContext context, final StreamSender stream)
    {
        this.stream = stream;
        this.retained = context.retained();
    }

    /**
     * @param mark the peer's high water for this node's origin (its heartbeat's).
     * @return the highest origin sequence of ours a SYNC may offer the peer; {@code Long.MAX_VALUE} for no limit.
     */
    long syncThrough(final Peer peer, final long mark)
    {
        return isClean(peer) ? cleanThrough(peer, mark) : Long.MAX_VALUE;
    }

    /** {@link #syncThrough} for a peer whose stream is clean ({@link #isClean}). */
    private long cleanThrough(final Peer peer, final long mark)
    {
        final StreamSender.PeerWindow window = peer.window();
        final long heldFrom = window.heldFrom();
        if (heldFrom != Long.MAX_VALUE && mark < heldFrom - 1)
        {
            return heldFrom - 1;
        }
        final long first = Math.max(window.ackedCumulative() + 1, retained.oldest());
        if (retained.contains(first))
        {
            return stream.firstRecord(first) - 1;
        }
        final long staged = stream.oldestStaged();
        return staged == Long.MAX_VALUE ? Long.MAX_VALUE : staged - 1;
    }

    /**
     * As {@link #syncThrough}, from a snapshot request's {@code after} (the peer's mark when its session began, which
     * the stream may have passed since); and nothing while {@code after} lies among the records of the batches the
     * peer acknowledged and the stream gave up on none it lacks (it never acknowledged past batches the ring dropped
     * before it had them, {@link StreamSender.PeerWindow#skippedDropped()}): a record it deferred for the clock is
     * SYNC's to offer again.
     */
    long snapshotThrough(final Peer peer, final long after)
    {
        if (!isClean(peer))
        {
            return Long.MAX_VALUE;
        }
        final long servable = cleanThrough(peer, after);
        final StreamSender.PeerWindow window = peer.window();
        final long heldFrom = window.heldFrom();
        if (heldFrom != Long.MAX_VALUE && after >= heldFrom - 1 && !window.skippedDropped() &&
            window.ackedCumulative() + 1 >= retained.oldest())
        {
            return Math.min(servable, after);
        }
        return servable;
    }

    /**
     * Whether the limits apply: a unicast peer (a group member's stream is the group's) whose stream had to resend
     * none of the batches it has not acknowledged.
     */
    private static boolean isClean(final Peer peer)
    {
        return !peer.groupMember() && peer.timer().highestRetransmitted() <= peer.window().ackedCumulative();
    }
}
