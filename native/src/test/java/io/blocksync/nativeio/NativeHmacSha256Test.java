package io.blocksync.nativeio;

import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.HmacSha256Tag;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The native link HMAC computes exactly HMAC-SHA256: RFC 4231's vectors through the engine, and through
 * {@link HmacSha256Tag} the same tags as BouncyCastle's for random keys, lengths and both kinds of buffer.
 */
class NativeHmacSha256Test
{
    private NativeHmacSha256 engine;

    @BeforeEach
    void loadEngine()
    {
        assumeTrue(null != NativeHmacSha256Test.class.getClassLoader().getResource(NativeLibrary.resourceName()),
            "skipped: the build made no " + NativeLibrary.resourceName() + " (no gcc?)");
        engine = NativeHmacSha256.engine();
        assertNotNull(engine, () -> "no native HMAC: " + NativeHmacSha256.failure());
    }

    @Test
    void rfc4231VectorsThroughTheEngine()
    {
        // RFC 4231 section 4: test cases 1, 2, 3, 4, 6 (a key longer than a block) and 7; case 5 truncates.
        final byte[] aa131 = filled(131, 0xaa);
        check(filled(20, 0x0b), ascii("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        check(ascii("Jefe"), ascii("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        check(filled(20, 0xaa), filled(50, 0xdd),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
        check(Hex.decode("0102030405060708090a0b0c0d0e0f10111213141516171819"), filled(50, 0xcd),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
        check(aa131, ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        check(aa131, ascii("This is a test using a larger than block-size key and a larger than block-size data. " +
            "The key needs to be hashed before being used by the HMAC algorithm."),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    }

    @Test
    void tagsMatchBouncyCastleForRandomFramesOnAndOffHeap()
    {
        final Random random = new Random(13);
        final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(2048, 64));
        final UnsafeBuffer heap = new UnsafeBuffer(new byte[2048]);
        final byte[] expected = new byte[32];
        final byte[] actual = new byte[32];
        for (int round = 0; round < 300; round++)
        {
            final byte[] key = new byte[16 + random.nextInt(100)];
            random.nextBytes(key);
            final HmacSha256Tag reference = new HmacSha256Tag(key);
            final HmacSha256Tag tag = new HmacSha256Tag(key, engine);
            assertNull(reference.engine());
            assertSame(engine, tag.engine());

            final int length = random.nextInt(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH - FrameHeaderFlyweight.TAG_LENGTH + 1);
            final int offset = random.nextInt(64);
            final byte[] frame = new byte[length];
            random.nextBytes(frame);
            for (final UnsafeBuffer buffer : new UnsafeBuffer[]{ direct, heap })
            {
                buffer.setMemory(0, buffer.capacity(), (byte)0);
                buffer.putBytes(offset, frame);
                reference.sign(buffer, offset, length);
                reference.copyDigest(expected);
                final byte[] referenceTag = new byte[FrameHeaderFlyweight.TAG_LENGTH];
                buffer.getBytes(offset + length, referenceTag);

                assertTrue(tag.verify(buffer, offset, length), "round " + round);
                tag.copyDigest(actual);
                assertArrayEquals(expected, actual, "round " + round + ", " + length + " bytes");
                buffer.putBytes(offset + length, new byte[FrameHeaderFlyweight.TAG_LENGTH]);
                tag.sign(buffer, offset, length);
                final byte[] signed = new byte[FrameHeaderFlyweight.TAG_LENGTH];
                buffer.getBytes(offset + length, signed);
                assertArrayEquals(referenceTag, signed);
                if (length > 0)
                {
                    final int flipped = offset + random.nextInt(length);
                    buffer.putByte(flipped, (byte)(buffer.getByte(flipped) ^ (1 << random.nextInt(8))));
                    assertFalse(tag.verify(buffer, offset, length), "a flipped bit passed, round " + round);
                }
            }
        }
    }

    @Test
    void aRangeOutsideTheBufferIsRefusedNotRead()
    {
        final HmacSha256Tag tag = new HmacSha256Tag(filled(32, 7), engine);
        final UnsafeBuffer direct = new UnsafeBuffer(BufferUtil.allocateDirectAligned(128, 64));

        assertThrows(IndexOutOfBoundsException.class, () -> tag.sign(direct, 100, 100));
    }

    private void check(final byte[] key, final byte[] message, final String hex)
    {
        final UnsafeBuffer state = new UnsafeBuffer(BufferUtil.allocateDirectAligned(HmacSha256Tag.Engine.STATE_LENGTH + 32, 64));
        final UnsafeBuffer data = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(1, message.length), 64));
        data.putBytes(0, message);
        engine.init(key, state.addressOffset());
        engine.compute(state.addressOffset(), data.addressOffset(), message.length,
            state.addressOffset() + HmacSha256Tag.Engine.STATE_LENGTH);
        final byte[] digest = new byte[32];
        state.getBytes(HmacSha256Tag.Engine.STATE_LENGTH, digest);

        assertArrayEquals(Hex.decode(hex), digest);
        final HMac reference = new HMac(new SHA256Digest());
        reference.init(new KeyParameter(key));
        reference.update(message, 0, message.length);
        final byte[] expected = new byte[32];
        reference.doFinal(expected, 0);
        assertArrayEquals(expected, digest);
    }

    private static byte[] filled(final int length, final int value)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)value);
        return bytes;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
