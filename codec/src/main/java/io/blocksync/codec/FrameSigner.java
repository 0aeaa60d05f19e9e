package io.blocksync.codec;

import org.agrona.MutableDirectBuffer;

/**
 * Stamps outgoing frames for one sender: sender key id, frame length, sender id and the next packet sequence. A
 * stamped frame is not yet sealed: each peer's copy gets its receiver fields and tag from that peer's
 * {@link PeerLink#seal}. The sequence must keep rising across restarts (see docs/PROTOCOL.md), so the owner chooses
 * where it starts. Not thread safe.
 */
public final class FrameSigner
{
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final int senderId;
    private final int senderKeyId;
    private long nextSequence;

    /**
     * @param senderId      this node's id, never 0.
     * @param senderKeyId   the id of the key this node sends with (its current {@link NodeKey}).
     * @param firstSequence the first packet sequence, positive.
     */
    public FrameSigner(final int senderId, final int senderKeyId, final long firstSequence)
    {
        if (senderId == 0)
        {
            throw new IllegalArgumentException("sender id 0 is reserved");
        }
        if (firstSequence <= 0)
        {
            throw new IllegalArgumentException("first sequence must be positive: " + firstSequence);
        }
        PeerKey.checkKeyId(senderKeyId);
        this.senderId = senderId;
        this.senderKeyId = senderKeyId;
        this.nextSequence = firstSequence;
    }

    /**
     * Stamp a frame whose header (version, type, count) and body occupy {@code [offset, offset + unsealedLength)}
     * with the next packet sequence.
     *
     * @return the datagram length, tag included.
     * @throws IllegalArgumentException when the datagram would exceed {@link FrameHeaderFlyweight#MAX_DATAGRAM_LENGTH}.
     */
    public int stamp(final MutableDirectBuffer buffer, final int offset, final int unsealedLength)
    {
        return stamp(buffer, offset, unsealedLength, nextSequence++);
    }

    /** Stamp with an explicit packet sequence; for test vectors and tools, not for live traffic. */
    public int stamp(final MutableDirectBuffer buffer, final int offset, final int unsealedLength, final long sequence)
    {
        return stampLength(buffer, offset, unsealedLength + FrameHeaderFlyweight.TAG_LENGTH, sequence);
    }

    /**
     * Stamp a GROUP_BATCH whose header and body occupy {@code [offset, offset + unsignedLength)} with the next packet
     * sequence; it ends with a 64-byte signature ({@link GroupBatchFrameFlyweight#sign}) instead of a tag, and its
     * receiver fields stay 0 (the group).
     *
     * @return the datagram length, signature included.
     */
    public int stampGroup(final MutableDirectBuffer buffer, final int offset, final int unsignedLength)
    {
        return stampGroup(buffer, offset, unsignedLength, nextSequence++);
    }

    /** {@link #stampGroup(MutableDirectBuffer, int, int)} with an explicit packet sequence; for test vectors and tools. */
    public int stampGroup(final MutableDirectBuffer buffer, final int offset, final int unsignedLength, final long sequence)
    {
        return stampLength(buffer, offset, unsignedLength + GroupBatchFrameFlyweight.SIGNATURE_LENGTH, sequence);
    }

    private int stampLength(final MutableDirectBuffer buffer, final int offset, final int frameLength, final long sequence)
    {
        if (frameLength > FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH)
        {
            throw new IllegalArgumentException("frame of " + frameLength + " bytes exceeds " +
                FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH);
        }

        header.wrap(buffer, offset)
            .senderKeyId(senderKeyId)
            .frameLength(frameLength)
            .sequence(sequence)
            .senderId(senderId);
        return frameLength;
    }

    public int senderId()
    {
        return senderId;
    }

    public int senderKeyId()
    {
        return senderKeyId;
    }

    /** The packet sequence the next {@link #stamp(MutableDirectBuffer, int, int)} will use. */
    public long nextSequence()
    {
        return nextSequence;
    }
}
