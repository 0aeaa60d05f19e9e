package io.blocksync.daemon.node;

import io.blocksync.codec.FrameSigner;
import org.agrona.MutableDirectBuffer;

/**
 * Stamps every frame this node sends (sender id and key id, length, packet sequence: {@link FrameSigner}) and
 * remembers the last packet sequence in the progress file, so that after a restart the sender continues above
 * anything a peer's replay window has seen. A stamped frame is sealed per peer right before each send
 * ({@link Peer#link()}).
 */
public final class PacketSealer
{
    private final FrameSigner signer;
    private final ProgressFile progress;

    /**
     * @param nodeId    this node's id.
     * @param keyId     the id of this node's current key, the one it sends with.
     * @param progress  where the last packet sequence is kept.
     * @param nowMillis wall clock, epoch ms: the lowest first sequence (see {@link #firstSequence}).
     */
    public PacketSealer(final int nodeId, final int keyId, final ProgressFile progress, final long nowMillis)
    {
        this.progress = progress;
        this.signer = new FrameSigner(nodeId, keyId, firstSequence(progress.lastPacketSequence(), nowMillis));
    }

    /**
     * Continue above the persisted sequence, and above the wall clock in 2^20 steps per millisecond, so even a lost
     * progress file cannot make us reuse a sequence unless the clock also went back.
     */
    static long firstSequence(final long lastPersisted, final long nowMillis)
    {
        return Math.max(lastPersisted + 1, nowMillis << 20);
    }

    /**
     * Stamp a frame with the next packet sequence; each peer's copy is then sealed by its link.
     *
     * @return the datagram length, tag included.
     */
    public int stamp(final MutableDirectBuffer buffer, final int offset, final int unsealedLength)
    {
        final int length = signer.stamp(buffer, offset, unsealedLength);
        progress.lastPacketSequence(signer.nextSequence() - 1);
        return length;
    }

    /**
     * Stamp a GROUP_BATCH with the next packet sequence; the caller then signs it
     * ({@link io.blocksync.codec.GroupBatchFrameFlyweight#sign}).
     *
     * @return the datagram length, signature included.
     */
    public int stampGroup(final MutableDirectBuffer buffer, final int offset, final int unsignedLength)
    {
        final int length = signer.stampGroup(buffer, offset, unsignedLength);
        progress.lastPacketSequence(signer.nextSequence() - 1);
        return length;
    }
}
