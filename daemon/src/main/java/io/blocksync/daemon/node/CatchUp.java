package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.SyncFrameFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanVisitor;
import io.blocksync.daemon.table.BanTable;
import org.agrona.BufferUtil;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Anti-entropy. A peer's HEARTBEAT lists, per origin, the origin sequence up to which it holds every decision.
 * Where that is below ours and has not moved for a whole heartbeat interval (so it is not just in flight), we send
 * the peer SYNC frames with every record we hold of that origin in the missing range. The origin does this for its
 * own decisions; any other node does it when the origin is not up, or once the peer has stayed behind for more
 * than {@link #STALLED_HEARTBEATS} heartbeats (a partition that only some of us can bridge).
 */
public final class CatchUp implements BanVisitor
{
    static final int STALLED_HEARTBEATS = 3;
    private static final int MAX_FRAMES_PER_HEARTBEAT = 128;
    private static final int INDEX_BITS = 24;

    private final int nodeId;
    private final Int2ObjectHashMap<Peer> peersById;
    private final HighWaterMarks highWater;
    private final BanTable table;
    private final Transport transport;
    private final PacketSealer sealer;
    private final NodeCounters counters;
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer frameView = frame.byteBuffer().duplicate();
    private final SyncFrameFlyweight sync = new SyncFrameFlyweight();
    private final BanRecordFlyweight record = new BanRecordFlyweight();
    private final ExpandableArrayBuffer collected = new ExpandableArrayBuffer(64 * BanRecordFlyweight.LENGTH);
    private long[] sortKeys = new long[1024];
    private int collectedCount;
    private int scanOrigin;
    private long scanAfter;
    private long scanThrough;

    public CatchUp(final NodeContext context, final BanTable table)
    {
        this.nodeId = context.nodeId();
        this.peersById = context.peersById();
        this.highWater = context.highWater();
        this.table = table;
        this.transport = context.transport();
        this.sealer = context.sealer();
        this.counters = context.counters();
    }

    /** A peer's HEARTBEAT, already verified: compare its advertised high waters with ours and SYNC where due. */
    void onHeartbeat(final Peer peer, final HeartbeatFrameFlyweight heartbeat, final long nowMillis)
    {
        final PeerCatchUp behind = peer.catchUp();
        for (int i = 0, count = highWater.count(); i < count; i++)
        {
            final int origin = highWater.nodeIdAt(i);
            final long ours = highWater.highWaterAt(i);
            if (origin == peer.nodeId() || ours == 0)
            {
                continue;
            }

            final long theirs = advertised(heartbeat, origin);
            if (theirs >= ours)
            {
                behind.behindAt.remove(origin);
                behind.behindStreak.remove(origin);
                continue;
            }

            if (behind.behindAt.get(origin) != theirs)
            {
                behind.behindAt.put(origin, theirs);
                behind.behindStreak.put(origin, 1);
                continue;
            }

            final int streak = behind.behindStreak.get(origin) + 1;
            behind.behindStreak.put(origin, streak);
            if (origin == nodeId || !isUp(origin) || streak > STALLED_HEARTBEATS)
            {
                sendSync(peer, origin, theirs, ours);
            }
        }
    }

    /** Collect this origin's records in (after, through], oldest first, and send them in self-contained frames. */
    private void sendSync(final Peer peer, final int origin, final long after, final long through)
    {
        scanOrigin = origin;
        scanAfter = after;
        scanThrough = through;
        collectedCount = 0;
        table.forEach(this);
        Arrays.sort(sortKeys, 0, collectedCount);

        long rangeStart = after;
        int index = 0;
        int frames = 0;
        while (frames < MAX_FRAMES_PER_HEARTBEAT && (index < collectedCount || rangeStart < through))
        {
            sync.begin(frame, 0, origin, rangeStart);
            long last = rangeStart;
            while (index < collectedCount && sync.remainingCapacity() > 0)
            {
                final int from = (int)(sortKeys[index] & ((1L << INDEX_BITS) - 1)) * BanRecordFlyweight.LENGTH;
                final BanRecordFlyweight target = sync.appendRecord(BanRecordFlyweight.ACTION_BAN);
                frame.putBytes(target.offset(), collected, from, BanRecordFlyweight.LENGTH);
                last = sortKeys[index] >>> INDEX_BITS;
                index++;
            }
            // The last frame also covers sequences superseded here, up to our high water.
            final long frameThrough = index == collectedCount ? through : last;
            sync.through(frameThrough);
            final int length = sealer.stamp(frame, 0, sync.unsealedLength());
            peer.link().seal(frame, 0, length);
            transport.send(frameView, 0, length, peer.address());
            counters.syncFramesSent.incrementRelease();
            peer.catchUp().syncSentCounter.incrementRelease();
            rangeStart = frameThrough;
            frames++;
        }
    }

    public void visit(final Ban entry)
    {
        final long sequence = entry.originSequence();
        if (entry.originNodeId() != scanOrigin || sequence <= scanAfter || sequence > scanThrough ||
            collectedCount >= (1 << INDEX_BITS) - 1)
        {
            return;
        }

        final int offset = collectedCount * BanRecordFlyweight.LENGTH;
        collected.checkLimit(offset + BanRecordFlyweight.LENGTH);
        record.wrap(collected, offset).set(entry);

        if (collectedCount == sortKeys.length)
        {
            sortKeys = Arrays.copyOf(sortKeys, sortKeys.length * 2);
        }
        sortKeys[collectedCount] = (sequence << INDEX_BITS) | collectedCount;
        collectedCount++;
    }

    private boolean isUp(final int origin)
    {
        final Peer originPeer = peersById.get(origin);
        return null != originPeer && originPeer.liveness().state() == Peer.STATE_UP;
    }

    private static long advertised(final HeartbeatFrameFlyweight heartbeat, final int origin)
    {
        for (int i = 0, count = heartbeat.entryCount(); i < count; i++)
        {
            if (heartbeat.entryOriginNodeId(i) == origin)
            {
                return heartbeat.entryHighWater(i);
            }
        }
        return 0;
    }

    /** Per origin, where one peer stayed behind us: written by {@link CatchUp} alone. */
    public static final class PeerCatchUp
    {
        // Per origin: the high water this peer advertised when it was behind us, and for how many heartbeats.
        private final Long2LongHashMap behindAt = new Long2LongHashMap(-1);
        private final Int2IntHashMap behindStreak = new Int2IntHashMap(0);
        private final AtomicCounter syncSentCounter;

        PeerCatchUp(final AtomicCounter syncSentCounter)
        {
            this.syncSentCounter = syncSentCounter;
        }

        /** Heartbeats in a row the peer has advertised the same high water below ours for this origin; 0 if none. */
        public int behindStreak(final int origin)
        {
            return behindStreak.get(origin);
        }
    }
}
