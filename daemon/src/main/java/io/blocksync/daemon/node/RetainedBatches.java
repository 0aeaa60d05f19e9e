package io.blocksync.daemon.node;

import io.blocksync.codec.FrameHeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The sender's BATCH stream as sealed datagrams, kept for retransmission: a ring of the last {@code capacity}
 * batches by stream sequence. A datagram is sealed once and sent byte for byte to every peer and on every
 * retransmission. When the ring is full the oldest batch is dropped even if a slow or absent peer has not acked
 * it: that peer catches up by SYNC instead of holding everyone's memory hostage.
 */
public final class RetainedBatches
{
    private static final int SLOT_LENGTH = FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;

    private final int capacity;
    private final int mask;
    private final UnsafeBuffer slots;
    private final ByteBuffer sendView;
    private final int[] lengths;
    private long next;

    public RetainedBatches(final int requestedCapacity, final long nextStreamSequence)
    {
        capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(requestedCapacity, 2));
        mask = capacity - 1;
        slots = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * SLOT_LENGTH, 64));
        sendView = slots.byteBuffer().duplicate();
        lengths = new int[capacity];
        next = Math.max(1, nextStreamSequence);
    }

    /** Stream sequence the next batch will get. */
    public long next()
    {
        return next;
    }

    /** Oldest stream sequence still held (equal to {@link #next()} when none is). */
    public long oldest()
    {
        long oldest = Math.max(1, next - capacity);
        while (oldest < next && lengths[(int)(oldest & mask)] == 0)
        {
            oldest++;
        }
        return oldest;
    }

    public boolean contains(final long streamSequence)
    {
        return streamSequence < next && streamSequence >= next - capacity && streamSequence >= 1 &&
            lengths[(int)(streamSequence & mask)] != 0;
    }

    /** Buffer to encode the next batch into, at {@link #offsetOf(long)} of {@link #next()}. */
    public UnsafeBuffer buffer()
    {
        return slots;
    }

    public int offsetOf(final long streamSequence)
    {
        return (int)(streamSequence & mask) * SLOT_LENGTH;
    }

    public int lengthOf(final long streamSequence)
    {
        return lengths[(int)(streamSequence & mask)];
    }

    /** The batch at {@link #next()} has been sealed in place with this length. */
    public long commit(final int length)
    {
        lengths[(int)(next & mask)] = length;
        return next++;
    }

    /**
     * Seal the batch for this peer ({@link io.blocksync.codec.PeerLink#seal}: its receiver fields and tag) and send
     * it; a retransmission to the same peer is an exact copy of the first send.
     *
     * @return false when the transport did not take it; call only for a sequence {@link #contains(long)}.
     */
    public boolean sendTo(final Transport transport, final long streamSequence, final Peer peer)
    {
        final int offset = offsetOf(streamSequence);
        final int length = lengthOf(streamSequence);
        peer.link().seal(slots, offset, length);
        return transport.send(sendView, offset, length, peer.address());
    }

    public int capacity()
    {
        return capacity;
    }
}
