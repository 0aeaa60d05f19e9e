package io.blocksync.codec;

import org.agrona.MutableDirectBuffer;

/**
 * Seals outgoing frames for one sender: fills in key id, frame length, sender id and the next packet sequence,
 * then appends the tag. The sequence must keep rising across restarts (see docs/PROTOCOL.md), so the owner chooses
 * where it starts. Not thread safe.
 */
public final class FrameSigner
{
    private final FrameHeaderFlyweight header = new FrameHeaderFlyweight();
    private final int senderId;
    private int keyId;
    private HmacSha256Tag tag;
    private long nextSequence;

    public FrameSigner(final int senderId, final int keyId, final byte[] key, final long firstSequence)
    {
        if (senderId == 0)
        {
            throw new IllegalArgumentException("sender id 0 is reserved");
        }
        if (firstSequence <= 0)
        {
            throw new IllegalArgumentException("first sequence must be positive: " + firstSequence);
        }
        this.senderId = senderId;
        this.nextSequence = firstSequence;
        useKey(keyId, key);
    }

    /** Switch to a new key for subsequent frames (key rotation). */
    public void useKey(final int keyId, final byte[] key)
    {
        if (keyId < 0 || keyId > SenderKeys.MAX_KEY_ID)
        {
            throw new IllegalArgumentException("key id " + keyId + " is outside 0-" + SenderKeys.MAX_KEY_ID);
        }
        this.keyId = keyId;
        this.tag = new HmacSha256Tag(key);
    }

    /**
     * Seal a frame whose header (version, type, count) and body occupy {@code [offset, offset + unsealedLength)}.
     *
     * @return the datagram length, tag included.
     */
    public int seal(final MutableDirectBuffer buffer, final int offset, final int unsealedLength)
    {
        return seal(buffer, offset, unsealedLength, nextSequence++);
    }

    /**
     * Seal with an explicit packet sequence; for test vectors and tools, not for live traffic.
     */
    public int seal(final MutableDirectBuffer buffer, final int offset, final int unsealedLength, final long sequence)
    {
        final int frameLength = unsealedLength + FrameHeaderFlyweight.TAG_LENGTH;
        if (frameLength > FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH)
        {
            throw new IllegalArgumentException("frame of " + frameLength + " bytes exceeds " +
                FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH);
        }

        header.wrap(buffer, offset)
            .keyId(keyId)
            .frameLength(frameLength)
            .sequence(sequence)
            .senderId(senderId);
        tag.sign(buffer, offset, unsealedLength);
        return frameLength;
    }

    public int senderId()
    {
        return senderId;
    }

    public int keyId()
    {
        return keyId;
    }

    /** The packet sequence the next {@link #seal(MutableDirectBuffer, int, int)} will use. */
    public long nextSequence()
    {
        return nextSequence;
    }
}
