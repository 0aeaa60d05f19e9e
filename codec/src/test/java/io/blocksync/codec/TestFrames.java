package io.blocksync.codec;

import org.agrona.MutableDirectBuffer;

import java.util.Random;

/**
 * Builders for the frames tests need, so each test reads as the behaviour it checks. Node {@link #SENDER_ID} sends to
 * node {@link #RECEIVER_ID}; a frame is stamped by the sender's {@link FrameSigner} and sealed for the receiver by the
 * sender's {@link PeerLink}, as the daemon does. Keys come from seeded randomness.
 */
final class TestFrames
{
    static final int SENDER_ID = 7;
    static final int RECEIVER_ID = 8;
    static final int KEY_ID = 1;
    static final NodeKey SENDER_KEY = nodeKey(KEY_ID, 0x5E7D);
    static final NodeKey RECEIVER_KEY = nodeKey(KEY_ID, 0x2EC0);

    private TestFrames()
    {
    }

    /** A node key from a seeded random seed. */
    static NodeKey nodeKey(final int keyId, final long seed)
    {
        final byte[] bytes = new byte[NodeKey.SEED_LENGTH];
        new Random(seed).nextBytes(bytes);
        return NodeKey.fromSeed(keyId, bytes);
    }

    static FrameSigner signer(final long firstSequence)
    {
        return new FrameSigner(SENDER_ID, KEY_ID, firstSequence);
    }

    /** The sender's side of the link: seals its frames for the receiver. */
    static PeerLink sendingLink()
    {
        return link(SENDER_ID, SENDER_KEY, RECEIVER_ID, RECEIVER_KEY);
    }

    /** The link from {@code nodeId}'s point of view, one key on each side. */
    static PeerLink link(final int nodeId, final NodeKey own, final int peerId, final NodeKey peer)
    {
        return new PeerLink(nodeId, new NodeKey[]{ own }, peerId, new PeerKey[]{ peer.peerKey() }, new ReplayWindow());
    }

    /** The receiver's gate, trusting the sender. */
    static FrameVerifier verifier()
    {
        return new FrameVerifier(RECEIVER_ID).addLink(link(RECEIVER_ID, RECEIVER_KEY, SENDER_ID, SENDER_KEY));
    }

    static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 64);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return prefix;
    }

    /** Stamp with the signer's next sequence and seal for the link's peer; returns the datagram length. */
    static int seal(final MutableDirectBuffer buffer, final FrameSigner signer, final PeerLink link, final int unsealedLength)
    {
        final int length = signer.stamp(buffer, 0, unsealedLength);
        link.seal(buffer, 0, length);
        return length;
    }

    /** {@link #seal} with an explicit packet sequence. */
    static int sealAt(
        final MutableDirectBuffer buffer, final FrameSigner signer, final PeerLink link, final int unsealedLength, final long sequence)
    {
        final int length = signer.stamp(buffer, 0, unsealedLength, sequence);
        link.seal(buffer, 0, length);
        return length;
    }

    /** Stamp and seal from {@link #SENDER_ID} to {@link #RECEIVER_ID}. */
    static int seal(final MutableDirectBuffer buffer, final FrameSigner signer, final int unsealedLength)
    {
        return seal(buffer, signer, sendingLink(), unsealedLength);
    }

    /**
     * A batch of {@code count} bans of 198.51.100.x / 2001:db8::x:0:0:0:0/64, alternating families, each signed by the
     * sender as their origin, sealed for the receiver.
     */
    static int sealedBatch(final MutableDirectBuffer buffer, final FrameSigner signer, final long streamSequence, final int count)
    {
        return sealedBatch(buffer, signer, sendingLink(), streamSequence, count);
    }

    static int sealedBatch(
        final MutableDirectBuffer buffer, final FrameSigner signer, final PeerLink link, final long streamSequence, final int count)
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, streamSequence);
        for (int i = 0; i < count; i++)
        {
            final String text = (i & 1) == 0 ? "198.51.100." + i : "2001:db8:" + Integer.toHexString(i) + "::/64";
            batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
                .prefix(prefix(text))
                .protocol(6)
                .port(22)
                .originNodeId(signer.senderId())
                .durationSeconds(3600)
                .originSequence(1000 + i)
                .originTimeMillis(1_764_000_000_000L + i)
                .version((1_764_000_000_000L + i) << 16)
                .reason(ReasonCode.of("ssh"))
                .sign(SENDER_KEY);
        }
        return seal(buffer, signer, link, batch.unsealedLength());
    }
}
