package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.SyncFrameFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanTable;
import org.agrona.BufferUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Anti-entropy. A peer's HEARTBEAT lists, per origin, the origin sequence up to which it holds every decision: one
 * page of its list at a time (the origins with ids in the page's range), with the digest of the whole list. A
 * heartbeat whose digest is ours says the peer is in step on every origin: nothing to compare
 * ({@code heartbeats_received_in_step}). Otherwise the origins of the page are compared, and only they: the work per
 * heartbeat is one page, however many origins the fleet has; an origin the page's range covers but does not list is
 * one the peer does not keep (not in its config), and is never sent.
 * Where that is below ours and has not moved for a whole heartbeat interval (so it is not just in flight), we send
 * the peer SYNC frames with every record we hold of that origin in the missing range. The origin does this for its
 * own decisions; any other node does it when the origin is not up, or once the peer has stayed behind for more
 * than {@link #STALLED_HEARTBEATS} heartbeats (a partition that only some of us can bridge).
 * <p>
 * The work is bounded per peer, whatever the peer sends:
 * <ul>
 *   <li>Records are read through an {@link OriginSequenceIndex}, never by scanning the store: a range of k records
 *       costs O(k log n) and {@code catch_up_records_read} counts them.</li>
 *   <li>At most one HEARTBEAT per peer per heartbeat interval is evaluated; one arriving sooner after the last one
 *       evaluated is counted ({@code catch_up_heartbeats_skipped}) and ignored.</li>
 *   <li>At most {@link #FRAMES_PER_INTERVAL} SYNC frames go to one peer per evaluation, so per interval, all origins
 *       together. When they run out ({@code sync_frame_budget_exhausted}) the next evaluation goes on where this one
 *       stopped, even if the peer's mark has moved meanwhile (it is taking our frames).</li>
 *   <li>What was offered is remembered per peer and origin: the peer's mark when the offer started and how far we
 *       sent. While the peer's mark lies inside that range, what we sent is taken to be on its way and is not sent
 *       again until it had {@link #OFFER_GRACE_HEARTBEATS} heartbeat intervals to arrive; only ground beyond it is
 *       sent ({@code catch_up_ranges_withheld} counts offers held back). A range offered again after its grace
 *       without the peer's mark having moved at all waits twice as long before the next repeat, up to
 *       {@link #MAX_OFFER_GRACE_HEARTBEATS} intervals, so a peer that keeps claiming to hold nothing costs one
 *       offer per a few dozen intervals. A mark below where the offer started (the peer lost its state) or at or
 *       beyond its end starts a new offer at once.</li>
 * </ul>
 * An origin a peer is getting from us by snapshot ({@link SnapshotServer}) is not sent to it by SYNC meanwhile. Of
 * this node's own origin, nothing the BATCH stream still owes the peer, nor what it acknowledged, is sent by SYNC
 * ({@link OwnCatchUpLimit}, {@code catch_up_ranges_in_stream}): only what the stream gave up on (batches dropped from
 * its retained ring before the peer acknowledged them), what timed out (batches resent on a timeout, not acknowledged
 * since: a second path past the retransmission backoff), or never carried (a new epoch's empty range).
 * Loop thread only; allocation-free after construction.
 */
public final class CatchUp
{
    static final int STALLED_HEARTBEATS = 3;
    /** SYNC frames one peer may be sent per heartbeat interval, all origins together. */
    static final int FRAMES_PER_INTERVAL = 128;
    /** Heartbeat intervals a range offered to a peer has to arrive before it is offered again. */
    static final int OFFER_GRACE_HEARTBEATS = 3;
    /** The longest wait, in heartbeat intervals, before a range the peer never took is offered again. */
    static final int MAX_OFFER_GRACE_HEARTBEATS = 24;

    private final int nodeId;
    private final Int2ObjectHashMap<Peer> peersById;
    private final HighWaterMarks highWater;
    private final BanTable table;
    private final Transport transport;
    private final PacketSealer sealer;
    private final NodeCounters counters;
    private final NanoClock nanoClock;
    private final long intervalNanos;
    private final OriginSequenceIndex index;
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer frameView = frame.byteBuffer().duplicate();
    private final SyncFrameFlyweight sync = new SyncFrameFlyweight();
    // One more than a frame holds, to know whether the range goes on past the frame.
    private final int[] slots = new int[SyncFrameFlyweight.MAX_RECORDS + 1];
    private final IpPrefix prefix = new IpPrefix();
    private final Ban record = new Ban();
    private long reached;
    private SnapshotServer snapshots;
    private OwnCatchUpLimit own;
    private final HighWaterPages pages;
    // The origins of the heartbeat being evaluated that the peer lists too: our slot, and the peer's mark.
    private final int[] pageSlots;
    private final long[] pageTheirs;

    /**
     * Builds the {@link OriginSequenceIndex} of what the table holds (one scan; none when the context brings one the
     * node's start-up pass built, {@link NodeContext#sequenceIndex()}) and registers it as a listener of the table;
     * before the loop starts.
     */
    public CatchUp(final NodeContext context, final BanTable table)
    {
        this.nodeId = context.nodeId();
        this.peersById = context.peersById();
        this.highWater = context.highWater();
        this.table = table;
        this.transport = context.transport();
        this.sealer = context.sealer();
        this.counters = context.counters();
        this.nanoClock = context.nanoClock();
        this.intervalNanos = context.heartbeatIntervalNanos();
        this.index = null != context.sequenceIndex() ? context.sequenceIndex() : newIndex(context, table).rebuild(table);
        table.addListener(index);
        this.pages = new HighWaterPages(highWater);
        this.pageSlots = new int[highWater.count()];
        this.pageTheirs = new long[highWater.count()];
        for (final Peer peer : context.peers())
        {
            peer.catchUp().init(highWater);
        }
    }

    /**
     * An empty {@link OriginSequenceIndex} for the table, sized from the store's capacity (or what it holds, if more),
     * its tree priorities seeded from the clock; fill it by {@link OriginSequenceIndex#rebuild} or a start-up pass.
     */
    public static OriginSequenceIndex newIndex(final NodeContext context, final BanTable table)
    {
        final int seed = (int)(System.nanoTime() ^ (System.nanoTime() >>> 32));
        return new OriginSequenceIndex(context.highWater(), OriginSequenceIndex.slotsFor(table.capacity(), table.size()),
            context.counters().catchUpIndexFull, seed);
    }

    /** How far our own origin may be offered: not what the BATCH stream brings the peer anyway. */
    void ownLimit(final OwnCatchUpLimit limit)
    {
        this.own = limit;
    }

    /** The role sending snapshots. */
    void snapshots(final SnapshotServer server)
    {
        this.snapshots = server;
    }

    /** The index of the table's entries by origin and sequence (snapshots read through it too). */
    OriginSequenceIndex index()
    {
        return index;
    }

    /** A peer's HEARTBEAT, already verified: compare the high waters of its page with ours and SYNC where due. */
    void onHeartbeat(final Peer peer, final HeartbeatFrameFlyweight heartbeat, final long nowMillis)
    {
        final long nowNanos = nanoClock.nanoTime();
        final PeerCatchUp state = peer.catchUp();
        state.digest = heartbeat.digest();
        state.digestKnown = true;
        if (state.evaluated && nowNanos - state.lastEvaluatedNanos < intervalNanos)
        {
            counters.catchUpHeartbeatsSkipped.incrementRelease();
            return;
        }
        state.evaluated = true;
        state.lastEvaluatedNanos = nowNanos;
        if (peer.window().receiveWindow() == 0)
        {
            // Its firewall is as far behind as it allows (its ACKs say so): a SYNC now would only be declined.
            return;
        }
        if (heartbeat.digest() == highWater.digest())
        {
            counters.heartbeatsReceivedInStep.incrementRelease();
            return;
        }

        final int count = collectPage(heartbeat);
        int start = 0;
        for (int n = 0; n < count; n++)
        {
            // Start where the last evaluation ran out of frames, so every origin gets its turn.
            if (highWater.nodeIdAt(pageSlots[n]) == state.resumeFrom)
            {
                start = n;
            }
        }
        int framesLeft = FRAMES_PER_INTERVAL;
        int stoppedAt = -1;
        for (int n = 0; n < count; n++)
        {
            final int i = pageSlots[(start + n) % count];
            final long theirs = pageTheirs[(start + n) % count];
            final int origin = highWater.nodeIdAt(i);
            final long ours = highWater.highWaterAt(i);
            if (origin == peer.nodeId() || ours == 0 || (null != snapshots && snapshots.isServing(peer.nodeId(), i, nowNanos)))
            {
                continue;
            }
            if (theirs >= ours)
            {
                state.behindAt[i] = PeerCatchUp.NOT_BEHIND;
                state.behindStreak[i] = 0;
                state.resume[i] = false;
                continue;
            }

            if (state.behindAt[i] != theirs)
            {
                state.behindAt[i] = theirs;
                state.behindStreak[i] = 1;
            }
            else
            {
                state.behindStreak[i]++;
            }
            final int streak = state.behindStreak[i];
            final boolean due = state.resume[i] ||
                (streak > 1 && (origin == nodeId || !isUp(origin) || streak > STALLED_HEARTBEATS));
            if (!due)
            {
                continue;
            }

            state.resume[i] = false;
            if (framesLeft > 0)
            {
                framesLeft = offer(peer, i, theirs, ours, nowNanos, framesLeft);
            }
            else
            {
                state.resume[i] = true;
            }
            if (state.resume[i] && stoppedAt < 0)
            {
                stoppedAt = i;
            }
        }

        if (stoppedAt >= 0)
        {
            counters.syncFrameBudgetExhausted.incrementRelease();
            state.resumeFrom = highWater.nodeIdAt(stoppedAt);
        }
    }

    /**
     * Our origins inside the heartbeat's page that it lists too, into {@link #pageSlots} and {@link #pageTheirs}: one
     * merge of two lists sorted by id. An origin of ours in the page's range that it does not list, the peer does not
     * keep: it would drop a SYNC of it.
     *
     * @return how many.
     */
    private int collectPage(final HeartbeatFrameFlyweight heartbeat)
    {
        final int through = heartbeat.pageThrough();
        final int entries = heartbeat.entryCount();
        int found = 0;
        int j = 0;
        for (int k = pages.firstAbove(heartbeat.pageAfter()); k < pages.count() && Integer.compareUnsigned(pages.idAt(k), through) <= 0; k++)
        {
            final int id = pages.idAt(k);
            while (j < entries && Integer.compareUnsigned(heartbeat.entryOriginNodeId(j), id) < 0)
            {
                j++;
            }
            if (j < entries && heartbeat.entryOriginNodeId(j) == id)
            {
                pageSlots[found] = pages.slotAt(k);
                pageTheirs[found] = heartbeat.entryHighWater(j);
                found++;
            }
        }
        return found;
    }

    /**
     * Send what the peer lacks of one origin, short of what was offered to it recently.
     *
     * @return frames left in the peer's budget for this interval.
     */
    private int offer(final Peer peer, final int i, final long theirs, final long ours, final long nowNanos, final int framesLeft)
    {
        final PeerCatchUp state = peer.catchUp();
        long start = theirs;
        if (state.offerFrom[i] != PeerCatchUp.NOT_BEHIND && theirs >= state.offerFrom[i] && theirs < state.offerThrough[i])
        {
            if (nowNanos - state.offerAtNanos[i] < state.offerGraceBeats[i] * intervalNanos)
            {
                // What we sent is on its way: only ground beyond it goes now.
                start = state.offerThrough[i];
            }
            else
            {
                // Had its time and did not all arrive: again, and if the peer took none of it, later next time.
                state.offerGraceBeats[i] = theirs == state.offerFrom[i] ?
                    Math.min(MAX_OFFER_GRACE_HEARTBEATS, state.offerGraceBeats[i] * 2) : OFFER_GRACE_HEARTBEATS;
                state.offerFrom[i] = theirs;
            }
        }
        else
        {
            state.offerFrom[i] = theirs;
            state.offerGraceBeats[i] = OFFER_GRACE_HEARTBEATS;
        }

        // An entry the index had no room for is never claimed as covered.
        long through = Math.min(ours, index.indexedThrough(i));
        if (null != own && highWater.nodeIdAt(i) == nodeId)
        {
            // Our own decisions the stream still owes the peer come by it (it resends until acknowledged), and those
            // of batches it acknowledged it holds: a SYNC of them would reach it twice.
            final long servable = own.syncThrough(peer, theirs);
            if (servable < through)
            {
                through = servable;
                counters.catchUpRangesInStream.incrementRelease();
            }
        }
        if (start >= through)
        {
            counters.catchUpRangesWithheld.incrementRelease();
            return framesLeft;
        }

        final int frames = sendSync(peer, i, start, through, framesLeft);
        state.offerThrough[i] = reached;
        state.offerAtNanos[i] = nowNanos;
        state.resume[i] = reached < through;
        return framesLeft - frames;
    }

    /**
     * Send this origin's records in {@code (after, through]}, oldest first, in self-contained frames, at most
     * {@code maxFrames} of them.
     *
     * @return frames sent; {@link #reached} is the origin sequence up to which they cover the range.
     */
    private int sendSync(final Peer peer, final int originIndex, final long after, final long through, final int maxFrames)
    {
        final int origin = highWater.nodeIdAt(originIndex);
        final PeerCatchUp state = peer.catchUp();
        long rangeStart = after;
        int frames = 0;
        while (frames < maxFrames && rangeStart < through)
        {
            final int found = index.collect(originIndex, rangeStart, through, slots, slots.length);
            sync.begin(frame, 0, origin, rangeStart);
            int taken = 0;
            while (taken < found && sync.remainingCapacity() > 0)
            {
                final int slot = slots[taken++];
                counters.catchUpRecordsRead.incrementRelease();
                if (table.get(index.prefix(slot, prefix), record) &&
                    record.originNodeId() == origin && record.originSequence() == index.sequence(slot))
                {
                    sync.appendRecord(BanRecordFlyweight.ACTION_BAN).set(record);
                }
            }
            // The last frame also covers sequences superseded here, up to the end of the range.
            final long frameThrough = taken < found ? index.sequence(slots[taken - 1]) : through;
            sync.through(frameThrough);
            final int length = sealer.stamp(frame, 0, sync.unsealedLength());
            peer.link().seal(frame, 0, length);
            transport.send(frameView, 0, length, peer.address());
            counters.syncFramesSent.incrementRelease();
            state.syncSentCounter.incrementRelease();
            rangeStart = frameThrough;
            frames++;
        }
        reached = rangeStart;
        return frames;
    }

    private boolean isUp(final int origin)
    {
        final Peer originPeer = peersById.get(origin);
        return null != originPeer && originPeer.liveness().state() == Peer.STATE_UP;
    }

    /**
     * Per configured origin (by dense index, {@link HighWaterMarks#indexOf}), where one peer stayed behind us and
     * what we offered it; written by {@link CatchUp} alone, sized once at start.
     */
    public static final class PeerCatchUp
    {
        static final long NOT_BEHIND = -1;

        private final AtomicCounter syncSentCounter;
        private HighWaterMarks origins;
        private long[] behindAt = new long[0];
        private int[] behindStreak = new int[0];
        // Where the peer stayed behind (mark, heartbeats); the offer: its mark then, how far we sent, when, grace.
        private long[] offerFrom = new long[0];
        private long[] offerThrough = new long[0];
        private long[] offerAtNanos = new long[0];
        private int[] offerGraceBeats = new int[0];
        // Due at the next evaluation whatever the streak: the frame budget ran out before its range was sent.
        private boolean[] resume = new boolean[0];
        private boolean evaluated;
        private long lastEvaluatedNanos;
        // The origin (node id) the last evaluation ran out of frames at: the next one starts there.
        private int resumeFrom;
        // The digest of the peer's whole high-water list, as its last HEARTBEAT stated it.
        private long digest;
        private boolean digestKnown;

        PeerCatchUp(final AtomicCounter syncSentCounter)
        {
            this.syncSentCounter = syncSentCounter;
        }

        void init(final HighWaterMarks origins)
        {
            this.origins = origins;
            final int count = origins.count();
            behindAt = new long[count];
            behindStreak = new int[count];
            offerFrom = new long[count];
            offerThrough = new long[count];
            offerAtNanos = new long[count];
            offerGraceBeats = new int[count];
            resume = new boolean[count];
            Arrays.fill(behindAt, NOT_BEHIND);
            Arrays.fill(offerFrom, NOT_BEHIND);
            Arrays.fill(offerGraceBeats, OFFER_GRACE_HEARTBEATS);
        }

        /** Whether the peer's last HEARTBEAT stated this digest: it is in step with a list of that digest. */
        public boolean isInStep(final long listDigest)
        {
            return digestKnown && digest == listDigest;
        }

        /** Heartbeats in a row the peer has advertised the same high water below ours for this origin; 0 if none. */
        public int behindStreak(final int origin)
        {
            final int i = null == origins ? -1 : origins.indexOf(origin);
            return i < 0 ? 0 : behindStreak[i];
        }
    }
}
