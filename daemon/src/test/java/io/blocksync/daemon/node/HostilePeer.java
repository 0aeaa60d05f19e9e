package io.blocksync.daemon.node;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.Lz4Block;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.SnapshotChunkFlyweight;
import io.blocksync.codec.SnapshotRequestFlyweight;
import io.blocksync.codec.SyncFrameFlyweight;
import io.blocksync.daemon.table.HybridLogicalClock;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A configured peer that turned hostile (a compromised host, or one with a bug): it writes frames by hand, stamps
 * them with its own sealer and seals each copy with its own link to the target, so they pass every check a receiver
 * makes before reading the body. It holds only its own private key and the others' public keys.
 * Reuses one buffer and one set of flyweights, so a flood through {@link #inject} allocates nothing.
 */
final class HostilePeer
{
    private final EngineNode self;
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer view = frame.byteBuffer().duplicate();
    private final SyncFrameFlyweight sync = new SyncFrameFlyweight();
    private final BatchFrameFlyweight batch = new BatchFrameFlyweight();
    private final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight();
    private final SnapshotChunkFlyweight chunk = new SnapshotChunkFlyweight();
    private final io.blocksync.codec.GroupBatchFrameFlyweight group = new io.blocksync.codec.GroupBatchFrameFlyweight();
    private final SnapshotRequestFlyweight request = new SnapshotRequestFlyweight();
    private final BanRecordFlyweight rawRecord = new BanRecordFlyweight();
    private final Lz4Block lz4 = new Lz4Block();
    private int length;

    HostilePeer(final EngineNode self)
    {
        this.self = self;
    }

    /** A decision as the hostile peer writes it, in any origin's name. */
    static Ban record(final BanAction action, final String prefix, final int origin, final long sequence, final long timeMillis)
    {
        final IpPrefix parsed = new IpPrefix();
        final String error = AddressText.parse(prefix, parsed, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return new Ban().action(action).prefix(parsed).originNodeId(origin).originSequence(sequence)
            .originTimeMillis(timeMillis).version(HybridLogicalClock.of(timeMillis))
            .durationSeconds(action == BanAction.BAN ? 3600 : 0).reason(EngineNode.REASON);
    }

    /** Seal a SYNC for {@code origin} covering {@code (after, through]} with these records. */
    HostilePeer sync(final int origin, final long after, final long through, final Ban... records)
    {
        sync.begin(frame, 0, origin, after);
        for (final Ban record : records)
        {
            sync.appendRecord(BanRecordFlyweight.ACTION_BAN).set(record);
        }
        sync.through(through);
        length = self.context.sealer().stamp(frame, 0, sync.unsealedLength());
        return this;
    }

    /** Seal chunk {@code chunkIndex} of snapshot {@code sessionId} of {@code origin}, covering {@code (after, through]}. */
    HostilePeer snapshotChunk(final int origin, final int sessionId, final int chunkIndex, final long after, final long through,
        final Ban... records)
    {
        return snapshotChunk(origin, sessionId, chunkIndex, through, after, through, records);
    }

    /** As {@link #snapshotChunk(int, int, int, long, long, Ban...)}, stating {@code coversThrough}. */
    HostilePeer snapshotChunk(final int origin, final int sessionId, final int chunkIndex, final long coversThrough,
        final long after, final long through, final Ban... records)
    {
        for (int i = 0; i < records.length; i++)
        {
            rawRecord.wrap(lz4.raw(), i * BanRecordFlyweight.LENGTH).set(records[i]);
        }
        chunk.begin(frame, 0, origin, sessionId).range(chunkIndex, coversThrough, after, through);
        if (!chunk.encode(lz4, records.length))
        {
            throw new IllegalArgumentException(records.length + " records do not fit a chunk");
        }
        length = self.context.sealer().stamp(frame, 0, chunk.unsealedLength());
        return this;
    }

    /**
     * Stamp and sign a GROUP_BATCH of the hostile peer's group stream with these records (a group datagram carries no
     * link tag: hand it to a member's {@link GroupReceiver} with {@link #frame()} and {@link #length()}).
     */
    HostilePeer groupBatch(final long groupSequence, final long oldestRetained, final Ban... records)
    {
        group.begin(frame, 0, groupSequence).oldestRetained(oldestRetained);
        for (final Ban record : records)
        {
            group.appendRecord(BanRecordFlyweight.ACTION_BAN).set(record);
        }
        length = self.context.sealer().stampGroup(frame, 0, group.unsignedLength());
        group.sign(TestKeys.nodeKey(self.nodeId));
        return this;
    }

    /** The SNAPSHOT_CHUNK stamped last, for a test that hands it to a receiver's {@link SnapshotChunks} directly. */
    SnapshotChunkFlyweight chunk()
    {
        return chunk;
    }

    /** Seal a SNAPSHOT_REQUEST for {@code origin} from {@code after}, acknowledging {@code nextChunk} and the bitmap. */
    HostilePeer snapshotRequest(final int origin, final int sessionId, final long after, final int nextChunk, final int window,
        final long bitmap)
    {
        request.begin(frame, 0, origin, sessionId, after).acknowledge(nextChunk, bitmap, window, 0);
        length = self.context.sealer().stamp(frame, 0, SnapshotRequestFlyweight.UNSEALED_LENGTH);
        return this;
    }

    /** Seal a BATCH of the hostile peer's own stream. */
    HostilePeer batch(final long streamSequence, final Ban... records)
    {
        batch.begin(frame, 0, streamSequence);
        for (final Ban record : records)
        {
            batch.appendRecord(BanRecordFlyweight.ACTION_BAN).set(record);
        }
        length = self.context.sealer().stamp(frame, 0, batch.unsealedLength());
        return this;
    }

    /** Seal a HEARTBEAT advertising {@code highWater} for each of {@code origins}, stream positions as they are. */
    HostilePeer heartbeat(final int[] origins, final long highWater, final long nowMillis)
    {
        return heartbeatAt(origins, highWater, nowMillis, HybridLogicalClock.of(nowMillis));
    }

    /** As {@link #heartbeat(int[], long, long)}, claiming {@code senderTimeMillis} and {@code senderHlc} as its clocks. */
    HostilePeer heartbeatAt(final int[] origins, final long highWater, final long senderTimeMillis, final long senderHlc)
    {
        final RetainedBatches retained = self.context.retained();
        heartbeat.begin(frame, 0, retained.next(), retained.oldest(), senderTimeMillis, senderHlc);
        // A page lists its origins in ascending id order.
        for (final int origin : java.util.stream.IntStream.of(origins).boxed().sorted(Integer::compareUnsigned).mapToInt(Integer::intValue).toArray())
        {
            heartbeat.appendEntry(origin, highWater);
        }
        length = self.context.sealer().stamp(frame, 0, heartbeat.unsealedLength());
        return this;
    }

    /** Seal a HEARTBEAT advertising {@code highWaters[i]} for {@code origins[i]}, stream positions as they are. */
    HostilePeer heartbeat(final int[] origins, final long[] highWaters, final long nowMillis)
    {
        final RetainedBatches retained = self.context.retained();
        heartbeat.begin(frame, 0, retained.next(), retained.oldest(), nowMillis, HybridLogicalClock.of(nowMillis));
        final Integer[] order = java.util.stream.IntStream.range(0, origins.length).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, (a, b) -> Integer.compareUnsigned(origins[a], origins[b]));
        for (final int i : order)
        {
            heartbeat.appendEntry(origins[i], highWaters[i]);
        }
        length = self.context.sealer().stamp(frame, 0, heartbeat.unsealedLength());
        return this;
    }

    /** Send the frame sealed last over the cluster's network. */
    void sendTo(final EngineNode target)
    {
        linkTo(target).seal(frame, 0, length);
        self.context.transport().send(view, 0, length, target.address);
    }

    /** Hand the frame sealed last straight to the target's receive side (as its socket would), skipping the network. */
    void inject(final EngineNode target, final long nowNanos, final long nowMillis)
    {
        linkTo(target).seal(frame, 0, length);
        target.receiver().onDatagram(frame, length, nowNanos, nowMillis);
    }

    /** The hostile node's own link to the target; a loop, so a flood through {@link #inject} allocates nothing. */
    private PeerLink linkTo(final EngineNode target)
    {
        for (final Peer peer : self.peers)
        {
            if (peer.nodeId() == target.nodeId)
            {
                return peer.link();
            }
        }
        throw new IllegalArgumentException("node " + target.nodeId + " is not a peer of node " + self.nodeId);
    }

    /** The frame stamped last (sealed for the last target), for a test that re-signs or inspects it. */
    UnsafeBuffer frame()
    {
        return frame;
    }

    int length()
    {
        return length;
    }
}
