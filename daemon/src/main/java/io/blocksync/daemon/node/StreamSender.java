package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanTableListener;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * This node's outgoing BATCH stream. Local decisions are staged as wire records; {@link #flush()} packs them
 * into batches (a lone decision goes out alone at once, a burst as many as fit in a datagram) and keeps them in
 * {@link RetainedBatches}, which stamps and seals each send afresh. Each peer gets them through its own sliding
 * window: at most
 * {@link NodeContext#flightWindow()} batches beyond what it has acknowledged, and no more than the receive window its
 * last ACK advertised ({@link ReceiveWindow}: flow control, so a peer whose firewall lags slows this stream down to
 * its pace instead of dropping), resumed where its acks leave off.
 * Whatever was sent and not acknowledged is the {@link RetransmitHandler}'s, which this role drives: it reports
 * each first send and each ACK to it, and polls it for timeouts in {@link #pump(long)}.
 * Hears of this node's own decisions as a {@link BanTableListener}. Owns each peer's {@link PeerWindow} and the
 * staging ring.
 */
public final class StreamSender implements BanTableListener
{
    /**
     * First sends one {@link #pump} makes at most (about 1.2 MB of datagrams): with a thousand peers a burst is
     * hundreds of thousands of datagrams, and the loop must still read ACKs and send heartbeats between them.
     */
    static final int MAX_FIRST_SENDS_PER_PUMP = 1024;

    private final int nodeId;
    private final PacketSealer sealer;
    private final ProgressFile progress;
    private final RetainedBatches retained;
    private final Transport transport;
    private final Peer[] peers;
    private final NodeCounters counters;
    private final RetransmitHandler retransmitHandler;
    private final int flightWindow;
    private final RingFloor floor;

    /** Records the staging ring holds at first; it doubles when full, up to {@link NodeContext#stagingCapacity()}. */
    static final int INITIAL_STAGING_RECORDS = 1024;

    private UnsafeBuffer staging;
    // Records the ring holds now (what positions are taken modulo), and at most.
    private int stagingSize;
    private final int stagingCapacity;
    private final BanRecordFlyweight stagedRecord = new BanRecordFlyweight();
    private final BatchFrameFlyweight batch = new BatchFrameFlyweight();
    private long stagedHead;
    private long stagedTail;
    // The peer the next pump starts its first sends with: a pump that ran out of its budget goes on from there.
    private int firstPeer;

    public StreamSender(final NodeContext context, final RetransmitHandler retransmitHandler)
    {
        this.nodeId = context.nodeId();
        this.sealer = context.sealer();
        this.progress = context.progress();
        this.retained = context.retained();
        this.transport = context.transport();
        this.peers = context.peers();
        this.counters = context.counters();
        this.retransmitHandler = retransmitHandler;
        this.flightWindow = context.flightWindow();
        this.floor = new RingFloor(context);
        this.stagingCapacity = context.stagingCapacity();
        // Grown as bursts of local decisions need it: a ring sized for the largest burst up front (65,536 records,
        // 10 MiB zeroed by allocateDirect) was all resident in every idle node.
        this.stagingSize = Math.min(stagingCapacity, INITIAL_STAGING_RECORDS);
        this.staging = new UnsafeBuffer(BufferUtil.allocateDirectAligned(stagingSize * BanRecordFlyweight.LENGTH, 64));

        final long next = retained.next();
        for (final Peer peer : peers)
        {
            // Whatever was in flight before a restart is gone from memory; peers catch up on it by SYNC.
            peer.window().ackedCumulative = next - 1;
            peer.window().nextToSend = next;
        }
        if (progress.newEpoch())
        {
            context.log().newLine().begin().append("node ").append(nodeId)
                .append(": no saved progress, new stream epoch: batches from ").append(next)
                .append(", decisions after origin sequence ").append(progress.lastOriginSequence())
                .append("; peers catch this node up").commit();
        }
    }

    /**
     * The peer's own stream jumped to a new epoch: it restarted without its state, so it no longer holds what it
     * acknowledged of ours. Send it again everything still retained; SYNC brings the rest.
     */
    void onPeerNewEpoch(final Peer peer)
    {
        final PeerWindow window = peer.window();
        final long oldest = retained.oldest();
        if (window.ackedCumulative >= oldest)
        {
            window.ackedCumulative = oldest - 1;
            window.ackedCounter.setRelease(window.ackedCumulative);
        }
        window.nextToSend = Math.min(window.nextToSend, oldest);
        window.heldFrom = Long.MAX_VALUE;
        window.skippedDropped = false;
    }

    /** Decisions staged and not yet encoded into a batch. */
    public long staged()
    {
        return stagedTail - stagedHead;
    }

    public boolean hasRoom()
    {
        return hasRoom(1);
    }

    /** Whether {@code records} more decisions can be staged. */
    public boolean hasRoom(final int records)
    {
        return stagedTail - stagedHead + records <= stagingCapacity;
    }

    /** Whether {@link #flush(long)} would encode anything now: something is staged and the ring has room. */
    public boolean canFlush(final long nowNanos)
    {
        return stagedTail > stagedHead && retained.next() - floor.lowest(nowNanos) < retained.capacity();
    }

    /**
     * The ban table stored a decision: this node's own go out to every peer (the door, {@link LocalDecisions}, made
     * sure there was room); peers' decisions travel in their own streams.
     */
    public void onStored(final Ban decision, final Ban replaced, final boolean local)
    {
        if (local)
        {
            stage(decision);
        }
    }

    public void onLocalNotStored(final Ban decision)
    {
        stage(decision);
    }

    public void onExpired(final Ban ban)
    {
    }

    /** Queue a decision already stored in the ban table; call only when {@link #hasRoom()}. */
    public void stage(final Ban decided)
    {
        if (stagedTail - stagedHead == stagingSize)
        {
            growStaging();
        }
        stagedRecord.wrap(staging, (int)(stagedTail % stagingSize) * BanRecordFlyweight.LENGTH).set(decided);
        stagedTail++;
    }

    /** Records the staging ring holds now, for tests: {@link #INITIAL_STAGING_RECORDS} until a burst needed more. */
    int stagingSize()
    {
        return stagingSize;
    }

    /** Twice the room, at most the capacity: the staged records move to their positions in the larger ring. */
    private void growStaging()
    {
        final int grown = (int)Math.min(stagingCapacity, 2L * stagingSize);
        final UnsafeBuffer larger = new UnsafeBuffer(BufferUtil.allocateDirectAligned(grown * BanRecordFlyweight.LENGTH, 64));
        for (long position = stagedHead; position < stagedTail; position++)
        {
            larger.putBytes((int)(position % grown) * BanRecordFlyweight.LENGTH,
                staging, (int)(position % stagingSize) * BanRecordFlyweight.LENGTH, BanRecordFlyweight.LENGTH);
        }
        // The smaller ring's memory goes back with its buffer's cleaner (it may be a slice, which free() refuses).
        staging = larger;
        stagingSize = grown;
    }

    /**
     * Encode staged decisions into batches while the retained ring has room that the peers holding its floor have
     * freed ({@link RingFloor}). What finds no room stays staged, and the door ({@link LocalDecisions#hasRoom()})
     * holds further decisions in their queue: a bulk import waits for the ACKs, it does not outrun them.
     *
     * @param nowNanos the loop's {@link NodeContext#nanoClock()} time for this duty cycle.
     * @return batches encoded.
     */
    public int flush(final long nowNanos)
    {
        int sealed = 0;
        final long lowest = floor.lowest(nowNanos);
        while (stagedTail > stagedHead && retained.next() - lowest < retained.capacity())
        {
            final long streamSequence = retained.next();
            countDropped(streamSequence);
            final int offset = retained.offsetOf(streamSequence);
            batch.begin(retained.buffer(), offset, streamSequence);
            while (stagedTail > stagedHead && batch.remainingCapacity() > 0)
            {
                final int from = (int)(stagedHead % stagingSize) * BanRecordFlyweight.LENGTH;
                final BanRecordFlyweight record = batch.appendRecord(BanRecordFlyweight.ACTION_BAN);
                retained.buffer().putBytes(record.offset(), staging, from, BanRecordFlyweight.LENGTH);
                stagedHead++;
            }
            retained.commit(batch.unsealedLength() + FrameHeaderFlyweight.TAG_LENGTH);
            progress.streamNext(retained.next());
            counters.batchesSealed.incrementRelease();
            sealed++;
        }
        return sealed;
    }

    /**
     * Send what each peer's window allows, then retransmit where a timeout has passed.
     *
     * @param nowNanos the loop's {@link NodeContext#nanoClock()} time for this duty cycle.
     * @return datagrams sent.
     */
    public int pump(final long nowNanos)
    {
        int sent = 0;
        int budget = MAX_FIRST_SENDS_PER_PUMP;
        final long next = retained.next();
        final long oldest = retained.oldest();
        final int count = peers.length;
        for (int n = 0; n < count; n++)
        {
            final int index = (firstPeer + n) % count;
            final Peer peer = peers[index];
            final PeerWindow window = peer.window();
            if (peer.groupMember())
            {
                // Our decisions reach it on the multicast group (GroupSender): the unicast stream passes it by.
                window.nextToSend = next;
                window.ackedCumulative = next - 1;
                continue;
            }
            if (window.nextToSend < oldest)
            {
                window.nextToSend = oldest;
            }
            final long limit = window.ackedCumulative + Math.min(flightWindow, window.receiveWindow);
            while (window.nextToSend < next && window.nextToSend <= limit)
            {
                if (budget-- == 0)
                {
                    // Bounded work per duty cycle: the next pump goes on with this peer.
                    firstPeer = index;
                    window.sentCounter.setRelease(window.nextToSend - 1);
                    return sent + retransmitHandler.poll(nowNanos);
                }
                final long sequence = window.nextToSend++;
                final boolean taken = retained.sendTo(transport, sealer, sequence, peer);
                retransmitHandler.onFirstSend(peer, sequence, taken, nowNanos);
                if (taken)
                {
                    sent++;
                }
            }
            window.sentCounter.setRelease(window.nextToSend - 1);
        }
        return sent + retransmitHandler.poll(nowNanos);
    }

    /**
     * A peer's ACK of our stream: advance its window, then let the retransmit handler sample the round trip and
     * resend any hole the selective bitmap shows.
     */
    public void onAck(final Peer peer, final AckFrameFlyweight ack, final long nowNanos)
    {
        counters.acksReceived.incrementRelease();
        final PeerWindow window = peer.window();
        final long cumulative = Math.min(ack.cumulative(), window.nextToSend - 1);
        final long previous = window.ackedCumulative;
        if (cumulative >= previous)
        {
            // A reordered older ACK does not speak for the window now.
            window.receiveWindow = ack.receiveWindow();
        }
        if (cumulative > previous)
        {
            if (window.heldFrom == Long.MAX_VALUE && retained.contains(previous + 1))
            {
                // The first batch it took (since it last lost its state): it holds our records from there on.
                window.heldFrom = firstRecord(previous + 1);
            }
            if (previous + 1 < retained.oldest())
            {
                // It acknowledged past batches the ring dropped before it had them (it skipped to the ring's oldest):
                // its acknowledgements no longer say it holds our records (review 8 finding 1).
                window.skippedDropped = true;
            }
            window.ackedCumulative = cumulative;
            window.ackedCounter.setRelease(cumulative);
            if (cumulative >= retained.oldest())
            {
                // It took a batch we hold: an answer. A jump to just below the ring's oldest only skips what was dropped.
                window.answeredNanos = nowNanos;
            }
        }
        // A bitmap relative to another cumulative point (beyond what we sent, or behind what was acked already, as in a
        // reordered ACK) cannot be read against our window.
        final long selective = cumulative == ack.cumulative() && cumulative == window.ackedCumulative ? ack.selectiveBitmap() : 0;
        retransmitHandler.onAck(peer, previous, selective, nowNanos);
    }

    /** The origin sequence of the oldest decision staged and not yet in a batch; {@code Long.MAX_VALUE} if none. */
    long oldestStaged()
    {
        return stagedTail > stagedHead ?
            stagedRecord.wrap(staging, (int)(stagedHead % stagingSize) * BanRecordFlyweight.LENGTH).originSequence() :
            Long.MAX_VALUE;
    }

    /**
     * The lowest batch from {@code from} on still in flight to the peer, its retransmission timeout not passed
     * ({@link RetransmitHandler#firstInFlight}); the window's next to send when none is.
     */
    long firstInFlight(final Peer peer, final long from)
    {
        return retransmitHandler.firstInFlight(peer, from);
    }

    /** The origin sequence of the first record of a retained batch (every batch holds one or more). */
    long firstRecord(final long streamSequence)
    {
        return batch.wrap(retained.buffer(), retained.offsetOf(streamSequence)).record(0).originSequence();
    }

    /**
     * Earliest retransmission deadline, for the idle wait; or, while staged decisions wait for room, the time a
     * lagging peer stops holding the ring ({@link RingFloor#movesAtNanos()}) if that comes first.
     */
    public long nextDeadlineNanos()
    {
        final long retransmit = retransmitHandler.nextDeadlineNanos();
        return stagedTail > stagedHead ? Math.min(retransmit, floor.movesAtNanos()) : retransmit;
    }

    /** The batch about to take the ring's slot drops the one a capacity before it: count it if a peer lacks it. */
    private void countDropped(final long nextSequence)
    {
        final long dropped = nextSequence - retained.capacity();
        if (retained.contains(dropped))
        {
            for (final Peer peer : peers)
            {
                if (peer.window().ackedCumulative < dropped)
                {
                    counters.batchesDroppedUnacked.incrementRelease();
                    return;
                }
            }
        }
    }

    /**
     * Our stream as one peer has it: written by {@link StreamSender} alone.
     */
    public static final class PeerWindow
    {
        private final AtomicCounter ackedCounter;
        private final AtomicCounter sentCounter;
        private long ackedCumulative;
        private long nextToSend;
        // Batches beyond ackedCumulative the peer's last ACK invited; until it speaks, the flight window.
        private int receiveWindow = AckFrameFlyweight.MAX_RECEIVE_WINDOW;
        private long heldFrom = Long.MAX_VALUE;
        private boolean skippedDropped;
        // When it last acknowledged a new batch, or last lacked nothing sealed: the loop's nanosecond clock.
        private long answeredNanos;

        PeerWindow(final AtomicCounter ackedCounter, final AtomicCounter sentCounter)
        {
            this.ackedCounter = ackedCounter;
            this.sentCounter = sentCounter;
        }

        /** Highest stream sequence up to which the peer holds every batch (it acknowledged so). */
        public long ackedCumulative()
        {
            return ackedCumulative;
        }

        /** Stream sequence the peer gets next for the first time; everything below it has been sent once. */
        public long nextToSend()
        {
            return nextToSend;
        }

        /** When it last acknowledged a batch the ring held, or last lacked nothing sealed; the loop's nanosecond clock. */
        long answeredNanos()
        {
            return answeredNanos;
        }

        void answeredNanos(final long nowNanos)
        {
            answeredNanos = nowNanos;
        }

        /** Batches beyond {@link #ackedCumulative()} the peer's last ACK invited (its receive window). */
        public int receiveWindow()
        {
            return receiveWindow;
        }

        /**
         * Whether, since it lost its state or we started, it acknowledged past batches dropped from the ring before it
         * acknowledged them: what it acknowledged is then not all held.
         */
        boolean skippedDropped()
        {
            return skippedDropped;
        }

        /** First record of the first batch it acknowledged since it lost its state or we started; MAX_VALUE: none. */
        long heldFrom()
        {
            return heldFrom;
        }

        /** Whether batches have been sent to the peer that it has not acknowledged. */
        public boolean hasUnacknowledged()
        {
            return ackedCumulative < nextToSend - 1;
        }
    }
}
