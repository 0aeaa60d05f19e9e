package io.blocksync.daemon.node;

import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.GroupBatchFrameFlyweight;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.RecordFrame;
import io.blocksync.codec.SyncFrameFlyweight;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.daemon.table.BanTable;
import io.blocksync.daemon.table.RecordBudgets;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The receive side of peers' streams, for frames already verified: takes each new BATCH (records through the
 * ban table, origin ranges into the high-water marks), SYNC records, and the stream positions a HEARTBEAT states
 * (skipping what the sender no longer holds). Tells the {@link AckSender} why a peer is owed an ACK and hands
 * heartbeats on to {@link CatchUp}. Owns each peer's {@link PeerStream}.
 * <p>
 * A peer speaks only for configured origins, and never for this node: a SYNC for an origin not in the config, or
 * any frame carrying this node's own decisions, is dropped and counted before it touches any state; heartbeat
 * entries for unknown origins are counted and ignored. Records are charged to the origin's and the sending peer's
 * budgets ({@link RecordBudgets}) before they are applied, except those held already ({@link HeldRecords}: the same
 * origin's decision at that origin sequence or later in the table, or, relayed or on the group, at or below the origin's
 * high water, so possibly expired or lifted since), which cost nothing and are skipped in every frame. A BATCH or SYNC whose new records would not fit in the
 * room the table leaves peers is not taken, so none of its records is lost: the BATCH is not acknowledged and is
 * retransmitted, the SYNC's range is offered again. A record the table refuses for a reason that may pass later
 * (stamped or versioned too far ahead of this node's clock: {@link BanOutcome#mayPassLater}) leaves its origin
 * sequence open in the high-water marks, so catch-up offers it again, charged to its origin's and its sender's budgets
 * each time; one refused otherwise (a guard rail, no room) is marked held like a taken one.
 * <p>
 * A HEARTBEAT showing the peer's stream in a new epoch rewinds ours to it at most once per longest retransmission
 * timeout; a jump within that time is acted on when it ends ({@code peer_stream_epochs_deferred}), so a peer that
 * states a new epoch in every HEARTBEAT gets one flight window of resends per timeout, not one per HEARTBEAT.
 * <p>
 * A peer speaks only for itself: the link tag proves who sent a frame, so records from their origin (a BATCH, a SYNC
 * of the sender's own decisions) are taken as they are; a SYNC relayed for another origin is taken only when every
 * record's origin signature verifies under that origin's public key, else it is dropped whole and counted.
 */
public final class StreamReceiver
{
    private final int nodeId;
    private final NodeCounters counters;
    private final HighWaterMarks highWater;
    private final BanTable table;
    private final RecordBudgets budgets;
    private final AckSender ackSender;
    private final CatchUp catchUp;
    private final StreamSender streamSender;
    private final EventLog.Line log;
    private final FrameVerifier verifier;
    private final NanoClock nanoClock;
    private final long reAckNanos;
    private final long epochHoldoffNanos;
    private final ScannedFrame scanned;
    private final HeldRanges heldRanges;

    /**
     * @param streamSender this node's outgoing stream, rewound for a peer seen restarting without its state.
     */
    public StreamReceiver(
        final NodeContext context,
        final BanTable table,
        final BanPolicy policy,
        final AckSender ackSender,
        final CatchUp catchUp,
        final StreamSender streamSender)
    {
        this.nodeId = context.nodeId();
        this.counters = context.counters();
        this.highWater = context.highWater();
        this.table = table;
        // The flood guard bounds what a peer gets charged to quota + rate × t: an import up to the quota is not slowed.
        this.budgets = new RecordBudgets(highWater.count(), policy.originRatePerSecond(),
            context.originBurst() > 0 ? context.originBurst() : Math.max(1, table.originLimit()));
        this.ackSender = ackSender;
        this.catchUp = catchUp;
        this.streamSender = streamSender;
        this.log = context.log().newLine();
        this.verifier = context.verifier();
        this.nanoClock = context.nanoClock();
        this.reAckNanos = context.retransmitMaxNanos();
        this.epochHoldoffNanos = context.retransmitMaxNanos();
        final int maxRecords = Math.max(BatchFrameFlyweight.MAX_RECORDS, SyncFrameFlyweight.MAX_RECORDS);
        this.heldRanges = new HeldRanges(highWater, maxRecords);
        this.scanned = new ScannedFrame(new HeldRecords(highWater, table), maxRecords);
        for (final Peer peer : context.peers())
        {
            peer.stream().received.reset(highWater.receivedCumulative(peer.nodeId()));
        }
    }

    /**
     * An authentic BATCH from the peer: taken when its stream sequence is new, and then acknowledged, as is a
     * duplicate (our ACK may have been lost). One declined for now (too far ahead, no room, over budget) sets no ACK
     * (an ACK sent for another reason does not cover it); the peer's retransmission, under a fresh packet sequence,
     * is taken later. A taken BATCH is acknowledged even when the table refused some of its records for now: those
     * stay open in the high-water marks and come again by catch-up, so the stream never waits on a clock.
     */
    void onBatch(final Peer peer, final BatchFrameFlyweight batch, final long nowMillis)
    {
        final PeerStream stream = peer.stream();
        final int count = batch.recordCount();
        if (peer.nodeId() == nodeId)
        {
            // Only this node decides in its own name: a stream claiming to be ours is ignored.
            counters.framesOwnOrigin.incrementRelease();
            return;
        }
        stream.lastBatchNanos = nanoClock.nanoTime();
        stream.batchSeen = true;
        if (stream.received.isTooFarAhead(batch.streamSequence()))
        {
            // Cannot be recorded yet: not taken, the retransmission is taken once the hole closes.
            return;
        }
        if (!stream.received.isNew(batch.streamSequence()))
        {
            // Resent: our ACK may have been lost, say where we are now.
            ackSender.onBehind(peer);
            counters.recordsDuplicate.getAndAddRelease(count);
            return;
        }
        if (!takeRecords(peer, batch, HeldRecords.OWN, nowMillis))
        {
            return;
        }
        stream.received.onBatch(batch.streamSequence());
        ackSender.onBatch(peer);
        stream.batchesReceivedCounter.incrementRelease();
        highWater.receivedCumulative(peer.nodeId(), stream.received.cumulative());
    }

    /**
     * An authentic GROUP_BATCH of a group member ({@link GroupReceiver}): its records are taken as a BATCH's are, with
     * no stream position and no ACK (the group repairs by NAK).
     *
     * @return false when declined for now (no room, over budget): the caller leaves it missing, so it is NAKed again.
     */
    boolean onGroupBatch(final Peer peer, final GroupBatchFrameFlyweight frame, final long nowMillis)
    {
        if (peer.nodeId() == nodeId)
        {
            counters.framesOwnOrigin.incrementRelease();
            return true;
        }
        return takeRecords(peer, frame, HeldRecords.GROUP, nowMillis);
    }

    /**
     * Take the records of a frame of the sender's own decisions (BATCH, GROUP_BATCH): all or none, after the room
     * and the budgets (origin and sending peer are the same) allow it; their origin range is then marked held.
     *
     * @param path {@link HeldRecords#OWN} (BATCH) or {@link HeldRecords#GROUP} (GROUP_BATCH).
     */
    private boolean takeRecords(final Peer peer, final RecordFrame frame, final int path, final long nowMillis)
    {
        final int count = frame.recordCount();
        scanned.scan(frame, path);
        if (!table.hasRemoteRoom(scanned.newEntries()))
        {
            // Taking it would drop records for want of room: declined, so it comes again once expiry has freed room.
            // Checked first, so nothing is half applied.
            counters.framesDeferredNoRoom.incrementRelease();
            return false;
        }
        final int peerIndex = highWater.indexOf(peer.nodeId());
        if (!budgets.admit(peerIndex, peerIndex, scanned.charged(), nowMillis))
        {
            // Declined for now: it comes again (retransmission, repair) once the budget has refilled.
            counters.refusedRateLimited.getAndAddRelease(scanned.charged());
            return false;
        }
        long lowest = Long.MAX_VALUE;
        long highest = 0;
        heldRanges.clear();
        for (int i = 0; i < count; i++)
        {
            scanned.applyUnlessHeld(i, table, heldRanges, counters, nowMillis);
            lowest = Math.min(lowest, scanned.record(i).originSequence());
            highest = Math.max(highest, scanned.record(i).originSequence());
        }
        heldRanges.mark(peer.nodeId(), lowest - 1, highest);
        return true;
    }

    /** An authentic SYNC from the peer: records of one origin's range, applied when the origin may be spoken for. */
    void onSync(final Peer peer, final SyncFrameFlyweight sync, final long nowMillis)
    {
        counters.syncFramesReceived.incrementRelease();
        final int origin = sync.originNodeId();
        if (origin == nodeId)
        {
            // What this node decided, it holds already; a peer's version of it can only be stale or forged.
            counters.framesOwnOrigin.incrementRelease();
            return;
        }
        final int originIndex = highWater.indexOf(origin);
        if (originIndex < 0)
        {
            counters.syncFramesUnknownOrigin.incrementRelease();
            return;
        }
        if (ackSender.window().batches() == 0)
        {
            // The firewall is as far behind as the window allows: not taken, its range is offered again later.
            counters.syncFramesDeferredBacklog.incrementRelease();
            return;
        }
        final int count = sync.recordCount();
        final boolean relayed = origin != peer.nodeId();
        scanned.scan(sync, relayed ? HeldRecords.RELAYED : HeldRecords.OWN);
        if (!table.hasRemoteRoom(scanned.newEntries()))
        {
            // Not taken, and its range not marked received: catch-up offers it again once there is room.
            counters.framesDeferredNoRoom.incrementRelease();
            return;
        }
        final int senderIndex = highWater.indexOf(peer.nodeId());
        if (!budgets.allows(senderIndex, originIndex, scanned.charged(), nowMillis))
        {
            counters.refusedRateLimited.getAndAddRelease(scanned.charged());
            return;
        }
        // The sender pays for the signature checks whatever they find, so its forgeries cost it at most its budget's
        // worth of them; the origin's budget is spent only on records that proved to be the origin's.
        budgets.chargeSender(senderIndex, scanned.charged());
        if (relayed && !signedByOrigin(origin, sync))
        {
            counters.syncFramesBadSignature.incrementRelease();
            return;
        }
        budgets.chargeOrigin(originIndex, scanned.charged());
        heldRanges.clear();
        for (int i = 0; i < count; i++)
        {
            scanned.applyUnlessHeld(i, table, heldRanges, counters, nowMillis);
        }
        if (!relayed)
        {
            heldRanges.mark(origin, sync.after(), sync.through());
        }
        else
        {
            // A relayer's claim that a range holds nothing more is signed by no one: mark only up to the last record
            // it showed whose origin signature was checked, never an empty range (a record skipped as held was not).
            final long highest = scanned.highestNotHeld(sync.recordCount());
            if (highest > sync.after())
            {
                heldRanges.mark(origin, sync.after(), Math.min(sync.through(), highest));
            }
        }
    }


    /** Whether every record of a SYNC relayed for {@code origin} that is not held carries that origin's signature. */
    private boolean signedByOrigin(final int origin, final SyncFrameFlyweight sync)
    {
        final PeerLink originLink = verifier.link(origin);
        return null != originLink && scanned.signedByOrigin(sync, originLink);
    }

    void onHeartbeat(final Peer peer, final HeartbeatFrameFlyweight heartbeat, final long nowMillis)
    {
        counters.heartbeatsReceived.incrementRelease();
        for (int i = 0, count = heartbeat.entryCount(); i < count; i++)
        {
            if (!highWater.isConfigured(heartbeat.entryOriginNodeId(i)))
            {
                counters.heartbeatEntriesUnknownOrigin.incrementRelease();
            }
        }
        if (peer.groupMember())
        {
            // Its stream reaches us on the group, repaired by NAK: its unicast stream position is not ours to track.
            catchUp.onHeartbeat(peer, heartbeat, nowMillis);
            return;
        }
        final PeerStream stream = peer.stream();
        final StreamReceiveState received = stream.received;
        final long oldestRetained = heartbeat.streamOldestRetained();
        final boolean jumped = received.isEpochJump(oldestRetained);
        if (jumped && !stream.epochPending)
        {
            stream.epochPending = true;
            stream.epochFrom = received.cumulative();
        }
        if (stream.epochPending)
        {
            final long nowNanos = nanoClock.nanoTime();
            if (!stream.epochActed || nowNanos - stream.lastEpochNanos >= epochHoldoffNanos)
            {
                stream.epochPending = false;
                // The first we hear of the peer's stream starts no holdoff: a restart right after it is acted on at once.
                stream.epochActed = stream.epochFrom > 0;
                stream.lastEpochNanos = nowNanos;
                onNewEpoch(peer, stream.epochFrom, oldestRetained);
            }
            else if (jumped)
            {
                counters.peerStreamEpochsDeferred.incrementRelease();
            }
        }
        if (received.skipTo(oldestRetained))
        {
            // The peer no longer holds batches we never got: acknowledge past them, SYNC brings their records.
            counters.streamGapsSkipped.incrementRelease();
            highWater.receivedCumulative(peer.nodeId(), received.cumulative());
            ackSender.onBehind(peer);
        }
        else if (heartbeat.streamNextSequence() - 1 > received.cumulative())
        {
            // Our acks may have been lost: say again where we are so the peer retransmits what is missing.
            ackSender.onBehind(peer);
        }
        else if (peer.stream().batchSeen && nanoClock.nanoTime() - peer.stream().lastBatchNanos <= reAckNanos)
        {
            // We hold all it sent, but the ACK saying so may have been lost: while the peer may still be waiting for
            // it (it resends at least once per longest retransmission timeout), say it again at its heartbeat pace
            // rather than leave it to its backed-off timeout. A quiet stream costs no ACKs.
            ackSender.onBehind(peer);
        }
        catchUp.onHeartbeat(peer, heartbeat, nowMillis);
    }

    /**
     * The peer's stream jumped far beyond where we are in it: it started a new epoch because it lost its state, or we
     * hear of it for the first time. Either way it holds nothing of ours we cannot resend: send our retained batches
     * again, a flight window at a time as its ACKs allow (at most once per {@link #epochHoldoffNanos}: a rewind
     * repeated sooner would only resend what the last one is still sending). Its new decisions come by its stream (their high water waits for its SYNC of the range in between), and
     * it catches up on every other origin by SYNC, since its heartbeat now shows it behind.
     */
    private void onNewEpoch(final Peer peer, final long cumulative, final long oldestRetained)
    {
        streamSender.onPeerNewEpoch(peer);
        if (cumulative > 0)
        {
            counters.peerStreamEpochs.incrementRelease();
            log.begin().append("node ").append(nodeId).append(": peer ").append(peer.nodeId()).append(" (")
                .append(peer.name()).append(") restarted without its state: its stream jumped from ").append(cumulative)
                .append(" to ").append(oldestRetained).append("; sending it ours again").commit();
        }
    }

    /** What we have received of one peer's stream: written by {@link StreamReceiver} alone. */
    public static final class PeerStream
    {
        private final StreamReceiveState received = new StreamReceiveState();
        private final AtomicCounter batchesReceivedCounter;
        // When the last authentic BATCH of this peer arrived (loop nanos), for ACKs repeated at its heartbeats.
        private long lastBatchNanos;
        private boolean batchSeen;
        // A new epoch of the peer's stream not yet acted on, from which cumulative point; when the last one was.
        private boolean epochPending;
        private long epochFrom;
        private boolean epochActed;
        private long lastEpochNanos;

        PeerStream(final AtomicCounter batchesReceivedCounter)
        {
            this.batchesReceivedCounter = batchesReceivedCounter;
        }

        /** Highest stream sequence up to which every batch of the peer's stream has been received. */
        public long cumulative()
        {
            return received.cumulative();
        }

        /** Bit i: stream sequence {@code cumulative() + 1 + i} received. */
        public long selectiveBitmap()
        {
            return received.selectiveBitmap();
        }
    }
}
