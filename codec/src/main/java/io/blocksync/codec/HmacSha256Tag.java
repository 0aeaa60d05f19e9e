package io.blocksync.codec;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HMAC-SHA256 truncated to {@link FrameHeaderFlyweight#TAG_LENGTH} bytes (RFC 4868 style) for one key.
 * BouncyCastle's lightweight HMac is initialised once and reused; unlike the JDK's Mac it does not allocate per
 * call. Where the tag is given an {@link Engine} (the daemon's node passes the native one, libcrypto's SHA-256, down
 * to its links), the same function is computed there instead: under the launcher's C1-only JIT
 * BouncyCastle's SHA-256 costs ~9 µs for a 1,200-byte datagram, libcrypto's ~1.1 µs (PERFORMANCE.md, origin13), and
 * the origin of a bulk seals every datagram once per peer. Not thread safe: one instance per thread.
 */
public final class HmacSha256Tag
{
    public static final int MIN_KEY_LENGTH = 16;

    /**
     * HMAC-SHA256 (RFC 2104) computed outside BouncyCastle, over bytes at a native address. A key's state lives in
     * {@link #STATE_LENGTH} bytes of off-heap memory the tag owns; the engine keeps nothing per key.
     */
    public interface Engine
    {
        /** Bytes of off-heap memory a key's state takes. */
        int STATE_LENGTH = 256;

        /** Write the state of {@code key} (any length) at {@code stateAddress}. */
        void init(byte[] key, long stateAddress);

        /** Write the 32-byte HMAC of {@code [address, address + length)} under the key at {@code digestAddress}. */
        void compute(long stateAddress, long address, int length, long digestAddress);
    }

    private final HMac hmac = new HMac(new SHA256Digest());
    private final byte[] scratch = new byte[FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH];
    private final byte[] digest = new byte[32];
    private final Engine engine;
    // With an engine: the key's state, the digest, then a copy of on-heap input (STATE_LENGTH + 32 + scratch).
    private final UnsafeBuffer offHeap;

    /**
     * A tag computed by BouncyCastle.
     *
     * @param key at least {@link #MIN_KEY_LENGTH} bytes; 32 random bytes are recommended.
     */
    public HmacSha256Tag(final byte[] key)
    {
        this(key, null);
    }

    /**
     * @param key    at least {@link #MIN_KEY_LENGTH} bytes; 32 random bytes are recommended.
     * @param engine computes the tag, and must compute HMAC-SHA256 exactly; null: BouncyCastle.
     */
    public HmacSha256Tag(final byte[] key, final Engine engine)
    {
        if (key.length < MIN_KEY_LENGTH)
        {
            throw new IllegalArgumentException(
                "key is " + key.length + " bytes, at least " + MIN_KEY_LENGTH + " are required");
        }
        hmac.init(new KeyParameter(key));
        this.engine = engine;
        if (null == engine)
        {
            offHeap = null;
        }
        else
        {
            offHeap = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                Engine.STATE_LENGTH + digest.length + FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
            engine.init(key, offHeap.addressOffset());
        }
    }

    /** The engine this tag computes with; null for BouncyCastle. */
    public Engine engine()
    {
        return engine;
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
        if (null != engine)
        {
            // The engine reads raw memory: the range must lie in the buffer.
            buffer.boundsCheck(offset, length);
            final long base = offHeap.addressOffset();
            final int digestOffset = Engine.STATE_LENGTH;
            final int inputOffset = digestOffset + digest.length;
            if (null == array)
            {
                engine.compute(base, buffer.addressOffset() + offset, length, base + digestOffset);
                offHeap.getBytes(digestOffset, digest);
                return;
            }
            if (length <= offHeap.capacity() - inputOffset)
            {
                offHeap.putBytes(inputOffset, buffer, offset, length);
                engine.compute(base, base + inputOffset, length, base + digestOffset);
                offHeap.getBytes(digestOffset, digest);
                return;
            }
            // Longer on-heap input than a datagram (tools only): BouncyCastle, the same function.
        }
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
