package io.blocksync.daemon.node;

import io.blocksync.codec.FrameSigner;
import org.agrona.MutableDirectBuffer;

/**
 * Seals every frame this node sends and remembers the last packet sequence in the progress file, so that after a
 * restart the sender continues above anything a peer's replay window has seen.
 */
public final class PacketSealer
{
    private final FrameSigner signer;
    private final ProgressFile progress;

    public PacketSealer(final int nodeId, final int keyId, final byte[] key, final ProgressFile progress, final long nowMillis)
    {
        this.progress = progress;
        this.signer = new FrameSigner(nodeId, keyId, key, firstSequence(progress.lastPacketSequence(), nowMillis));
    }

    /**
     * Continue above the persisted sequence, and above the wall clock in 2^20 steps per millisecond, so even a lost
     * progress file cannot make us reuse a sequence unless the clock also went back.
     */
    static long firstSequence(final long lastPersisted, final long nowMillis)
    {
        return Math.max(lastPersisted + 1, nowMillis << 20);
    }

    public int seal(final MutableDirectBuffer buffer, final int offset, final int unsealedLength)
    {
        final int length = signer.seal(buffer, offset, unsealedLength);
        progress.lastPacketSequence(signer.nextSequence() - 1);
        return length;
    }
}
