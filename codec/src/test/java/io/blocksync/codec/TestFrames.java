package io.blocksync.codec;

import org.agrona.MutableDirectBuffer;

/**
 * Builders for the frames tests need, so each test reads as the behaviour it checks.
 */
final class TestFrames
{
    static final int SENDER_ID = 7;
    static final int KEY_ID = 1;
    static final byte[] KEY = key(0x00);

    private TestFrames()
    {
    }

    static byte[] key(final int first)
    {
        final byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(first + i);
        }
        return key;
    }

    static FrameSigner signer(final long firstSequence)
    {
        return new FrameSigner(SENDER_ID, KEY_ID, KEY, firstSequence);
    }

    static FrameVerifier verifier()
    {
        return new FrameVerifier().addSender(new SenderKeys(SENDER_ID).addKey(KEY_ID, KEY));
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

    /** A batch of {@code count} bans of 198.51.100.x / 2001:db8::x:0:0:0:0/64, alternating families. */
    static int sealedBatch(final MutableDirectBuffer buffer, final FrameSigner signer, final long streamSequence, final int count)
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
                .reason(ReasonCode.of("ssh"));
        }
        return signer.seal(buffer, 0, batch.unsealedLength());
    }
}
