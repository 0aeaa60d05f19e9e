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
 *   <li>Not what the stream still has in flight to it: from the first record of the oldest batch it has not
 *       acknowledged that the ring retains and whose retransmission timeout has not passed
 *       ({@link RetransmitHandler#firstInFlight}), else of the first batch not yet sent, else of the oldest staged
 *       decision: the stream brings those. Batches below it that timed out (resent on a timeout: lost, or the peer
 *       too slow to answer) are served, a second path past the retransmission backoff (the convergence under loss
 *       of ChaosEngineTest), and so are batches dropped from the ring before the peer acknowledged them: the stream
 *       gave up on those.</li>
 * </ul>
 * Both hold whether or not the stream has resent: a CPU-starved origin whose timeouts fire would otherwise serve its
 * whole import again by snapshot. A group member's stream is the group's: no limit. Loop thread only; allocation-free.
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
        if (peer.groupMember())
        {
            return Long.MAX_VALUE;
        }
        final StreamSender.PeerWindow window = peer.window();
        final long heldFrom = window.heldFrom();
        if (heldFrom != Long.MAX_VALUE && mark < heldFrom - 1)
        {
            return heldFrom - 1;
        }
        final long first = stream.firstInFlight(peer, Math.max(window.ackedCumulative() + 1, retained.oldest()));
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
        if (peer.groupMember())
        {
            return Long.MAX_VALUE;
        }
        final long servable = syncThrough(peer, after);
        final StreamSender.PeerWindow window = peer.window();
        final long heldFrom = window.heldFrom();
        if (heldFrom != Long.MAX_VALUE && after >= heldFrom - 1 && !window.skippedDropped() &&
            window.ackedCumulative() + 1 >= retained.oldest())
        {
            return Math.min(servable, after);
        }
        return servable;
    }
}
