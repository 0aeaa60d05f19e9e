package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HMAC-SHA256 truncated to {@link FrameHeaderFlyweight#TAG_LENGTH} bytes (RFC 4868 style) for one key.
 * BouncyCastle's lightweight HMac is initialised once and reused; unlike the JDK's Mac it does not allocate per
 * call. Not thread safe: one instance per thread.
 */
public final class HmacSha256Tag
{
    public static final int MIN_KEY_LENGTH = 16;

    private final HMac hmac = new HMac(new SHA256Digest());
    private final byte[] scratch = new byte[FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH];
    private final byte[] digest = new byte[32];

    /**
     * @param key at least {@link #MIN_KEY_LENGTH} bytes; 32 random bytes are recommended.
     */
    public HmacSha256Tag(final byte[] key)
    {
        if (key.length < MIN_KEY_LENGTH)
        {
            throw new IllegalArgumentException(
                "key is " + key.length + " bytes, at least " + MIN_KEY_LENGTH + " are required");
        }
        hmac.init(new KeyParameter(key));
    }

    /** Write the tag of {@code [offset, offset + length)} at {@code offset + length}. */
    public void sign(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        compute(buffer, offset, length);
        buffer.putBytes(offset + length, digest, 0, FrameHeaderFlyweight.TAG_LENGTH);
    }

    /** Constant-time check of the tag stored at {@code offset + length} against {@code [offset, offset + length)}. */
    public boolean verify(final DirectBuffer buffer, final int offset, final int length)
    {
        compute(buffer, offset, length);
        int difference = 0;
        final int tagOffset = offset + length;
        for (int i = 0; i < FrameHeaderFlyweight.TAG_LENGTH; i++)
        {
            difference |= digest[i] ^ buffer.getByte(tagOffset + i);
        }
        return difference == 0;
    }

    /** The full 32-byte HMAC of the last {@link #sign} or {@link #verify} call; for tests and tools. */
    public void copyDigest(final byte[] into)
    {
        System.arraycopy(digest, 0, into, 0, digest.length);
    }

    private void compute(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            hmac.update(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            buffer.getBytes(offset, scratch, 0, length);
            hmac.update(scratch, 0, length);
        }
        hmac.doFinal(digest, 0);
    }
}
