package io.blocksync.daemon.node;

import io.blocksync.codec.FrameHeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The sender's BATCH stream as encoded frames, kept for retransmission: a ring of the last {@code capacity} batches by
 * stream sequence. Every send of a batch, the first to each peer and each retransmission, is stamped with a fresh
 * packet sequence and sealed for its peer right before it goes out ({@link #sendTo}), so the receiver's replay window
 * never sees a number twice and never finds one too old (docs/PROTOCOL.md, "Delivery"). When the ring is full the
 * oldest batch is dropped even if a slow or absent peer has not acked it: that peer catches up by SYNC instead of
 * holding everyone's memory hostage ({@link StreamSender}).
 */
public final class RetainedBatches
{
    private static final int SLOT_LENGTH = FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH;

    private final int capacity;
    private final int mask;
    private final UnsafeBuffer slots;
    private final ByteBuffer sendView;
    private final int[] lengths;
    // The first sequence this ring was given: slots are never emptied, so the held ones are exactly
    // [max(first, next - capacity), next).
    private final long first;
    private long next;

    public RetainedBatches(final int requestedCapacity, final long nextStreamSequence)
    {
        capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(requestedCapacity, 2));
        mask = capacity - 1;
        slots = new UnsafeBuffer(BufferUtil.allocateDirectAligned(capacity * SLOT_LENGTH, 64));
        sendView = slots.byteBuffer().duplicate();
        lengths = new int[capacity];
        next = Math.max(1, nextStreamSequence);
        first = next;
    }

    /** Stream sequence the next batch will get. */
    public long next()
    {
        return next;
    }

    /** Oldest stream sequence still held (equal to {@link #next()} when none is). */
    public long oldest()
    {
        // Read twice a duty cycle: a scan for the first written slot cost a whole ring's worth of reads each time on
        // a node whose stream starts at a clock-derived sequence and has sent little since (PERFORMANCE.md, rx14).
        return Math.max(first, next - capacity);
    }

    public boolean contains(final long streamSequence)
    {
        return streamSequence < next && streamSequence >= oldest();
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

    /**
     * The batch at {@link #next()} has been encoded in place.
     *
     * @param length its datagram length, tag included.
     */
    public long commit(final int length)
    {
        lengths[(int)(next & mask)] = length;
        return next++;
    }

    /**
     * Stamp the batch with the next packet sequence, seal it for this peer ({@link io.blocksync.codec.PeerLink#seal}:
     * its receiver fields and tag) and send it: one sealing, one HMAC, per datagram sent.
     *
     * @return false when the transport did not take it; call only for a sequence {@link #contains(long)}.
     */
    public boolean sendTo(final Transport transport, final PacketSealer sealer, final long streamSequence, final Peer peer)
    {
        final int offset = offsetOf(streamSequence);
        final int length = sealer.stamp(slots, offset, lengthOf(streamSequence) - FrameHeaderFlyweight.TAG_LENGTH);
        peer.link().seal(slots, offset, length);
        return transport.send(sendView, offset, length, peer.address());
    }

    public int capacity()
    {
        return capacity;
    }
}
