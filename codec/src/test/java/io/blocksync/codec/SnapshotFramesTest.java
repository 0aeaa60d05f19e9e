package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SNAPSHOT_REQUEST and SNAPSHOT_CHUNK flyweights (docs/PROTOCOL.md, "Snapshots"): round trips through the verifier,
 * how many records a chunk holds, and every structural rule a receiver enforces as {@code malformed}.
 */
class SnapshotFramesTest
{
    private static final int ORIGIN = TestFrames.SENDER_ID;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH]);
    private final Lz4Block lz4 = new Lz4Block();
    private final Ban ban = new Ban();

    @Test
    void requestRoundTripsThroughTheVerifier()
    {
        final SnapshotRequestFlyweight request = new SnapshotRequestFlyweight().begin(buffer, 0, 3, 0x5eed0001, 41)
            .acknowledge(7, 0b101, 64, SnapshotRequestFlyweight.FLAG_DONE);
        final int length = TestFrames.seal(buffer, TestFrames.signer(1), SnapshotRequestFlyweight.UNSEALED_LENGTH);
        assertEquals(72, length);
        assertEquals(RejectReason.NONE, TestFrames.verifier().verify(buffer, 0, length));
        final SnapshotRequestFlyweight read = new SnapshotRequestFlyweight().wrap(buffer, 0);
        assertEquals(FrameType.SNAPSHOT_REQUEST, read.header().type());
        assertEquals("SNAPSHOT_REQUEST", FrameType.name(read.header().type()));
        assertEquals(3, read.originNodeId());
        assertEquals(0x5eed0001, read.sessionId());
        assertEquals(41, read.after());
        assertEquals(7, read.nextChunk());
        assertEquals(0b101, read.selectiveBitmap());
        assertEquals(64, read.receiveWindow());
        assertEquals(SnapshotRequestFlyweight.FLAG_DONE, read.flags());
        assertEquals(request.sessionId(), read.sessionId());
    }

    @Test
    void requestBreakingARuleIsMalformed()
    {
        assertEquals(RejectReason.MALFORMED, verifyRequest(0, 1, 0, 64, 0), "origin 0");
        assertEquals(RejectReason.MALFORMED, verifyRequest(3, 0, 0, 64, 0), "session 0");
        assertEquals(RejectReason.MALFORMED, verifyRequest(3, 1, -1, 64, 0), "negative after");
        assertEquals(RejectReason.MALFORMED, verifyRequest(3, 1, 0, 65, 0), "window beyond the bitmap");
        assertEquals(RejectReason.MALFORMED, verifyRequest(3, 1, 0, 64, 2), "unknown flag");
        assertEquals(RejectReason.NONE, verifyRequest(3, 1, 0, 0, 0), "window 0 pauses");
    }

    @Test
    void chunkOfSignedRecordsRoundTripsAndCompresses()
    {
        final int count = fill(SnapshotChunkFlyweight.MAX_RECORDS, 100, ORIGIN);
        final SnapshotChunkFlyweight chunk = new SnapshotChunkFlyweight().begin(buffer, 0, ORIGIN, 9).range(4, 1_000, 100, 200);
        // As many records as the 1,120-byte block takes: the signatures, 64 random bytes each, do not compress.
        int fitted = count;
        while (!chunk.encode(lz4, fitted))
        {
            fitted--;
        }
        assertTrue(fitted > 7, "more records than a SYNC's 7: " + fitted);
        assertTrue(fitted < 18, "but not many more, the signatures being random: " + fitted);
        final int length = TestFrames.seal(buffer, TestFrames.signer(1), chunk.unsealedLength());
        assertTrue(length <= FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH);
        assertEquals(RejectReason.NONE, TestFrames.verifier().verify(buffer, 0, length));

        final SnapshotChunkFlyweight read = new SnapshotChunkFlyweight().wrap(buffer, 0);
        assertEquals("SNAPSHOT_CHUNK", FrameType.name(read.header().type()));
        assertEquals(ORIGIN, read.originNodeId());
        assertEquals(9, read.sessionId());
        assertEquals(4, read.chunkIndex());
        assertEquals(1_000, read.coversThrough());
        assertEquals(100, read.after());
        assertEquals(200, read.through());
        final Lz4Block other = new Lz4Block();
        assertEquals(fitted, read.decode(other));
        final BanRecordFlyweight record = new BanRecordFlyweight();
        for (int i = 0; i < fitted; i++)
        {
            record.wrap(other.raw(), i * BanRecordFlyweight.LENGTH).get(ban);
            assertEquals(101 + i, ban.originSequence());
            assertTrue(record.verifySignature(TestFrames.SENDER_KEY.peerKey()), "signature of record " + i + " kept");
        }
    }

    @Test
    void emptyChunkStatesARangeWithNoRecords()
    {
        final SnapshotChunkFlyweight chunk = new SnapshotChunkFlyweight().begin(buffer, 0, ORIGIN, 9).range(0, 50, 0, 50);
        assertTrue(chunk.encode(lz4, 0));
        final int length = TestFrames.seal(buffer, TestFrames.signer(1), chunk.unsealedLength());
        assertEquals(80, length);
        assertEquals(RejectReason.NONE, TestFrames.verifier().verify(buffer, 0, length));
        assertEquals(0, new SnapshotChunkFlyweight().wrap(buffer, 0).decode(lz4));
    }

    @Test
    void chunkBreakingARuleIsMalformed()
    {
        assertEquals(RejectReason.NONE, verifyChunk(ORIGIN, 1, 0, 0, 10, 20, 0));
        assertEquals(RejectReason.MALFORMED, verifyChunk(0, 1, 0, 0, 10, 20, 0), "origin 0");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN, 0, 0, 0, 10, 20, 0), "session 0");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN, 1, 0, 10, 10, 20, 0), "after = through");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN, 1, 0, 0, 10, 9, 0), "covers_through below through");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN, 1, 0, 5, 10, 20, 0), "a record at or below after");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN, 1, 0, 0, 2, 20, 0), "a record beyond through");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN + 1, 1, 0, 0, 10, 20, 0), "a record of another origin");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN, 1, 1, 0, 10, 20, 0), "reserved set");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN, 1, 0, 0, 10, 20, 1), "count one more than the block holds");
        assertEquals(RejectReason.MALFORMED, verifyChunk(ORIGIN, 1, 0, 0, 10, 20, 2), "a corrupt block");
    }

    @Test
    void randomBytesAsABlockNeverPassAndNeverThrow()
    {
        final Random random = new Random(13);
        final BanRecordFlyweight record = new BanRecordFlyweight();
        for (int round = 0; round < 2_000; round++)
        {
            final int blockLength = 1 + random.nextInt(SnapshotChunkFlyweight.MAX_BLOCK_LENGTH);
            new SnapshotChunkFlyweight().begin(buffer, 0, ORIGIN, 1).range(0, 20, 0, 20);
            final byte[] noise = new byte[blockLength];
            random.nextBytes(noise);
            buffer.putBytes(64, noise);
            buffer.putShort(36, (short)blockLength, java.nio.ByteOrder.LITTLE_ENDIAN);
            buffer.putShort(6, (short)(1 + random.nextInt(SnapshotChunkFlyweight.MAX_RECORDS)), java.nio.ByteOrder.LITTLE_ENDIAN);
            assertFalse(SnapshotChunkFlyweight.isWellFormed(buffer, 0, 80 + blockLength, lz4, record), "round " + round);
        }
    }

    private int verifyRequest(final int origin, final int session, final long after, final int window, final int flags)
    {
        new SnapshotRequestFlyweight().begin(buffer, 0, origin, session, after).acknowledge(0, 0, window, flags);
        return TestFrames.verifier().verify(buffer, 0, TestFrames.seal(buffer, TestFrames.signer(1), SnapshotRequestFlyweight.UNSEALED_LENGTH));
    }

    /**
     * A chunk of origin {@link #ORIGIN}'s records 5 and 6 claiming {@code origin}, {@code (after, through]} and
     * {@code covers}; {@code damage} 1 raises count by one, 2 flips a byte of the block.
     */
    private int verifyChunk(
        final int origin, final int session, final int reserved, final long after, final long through, final long covers, final int damage)
    {
        fill(2, 4, ORIGIN);
        final SnapshotChunkFlyweight chunk = new SnapshotChunkFlyweight().begin(buffer, 0, origin, session).range(0, covers, after, through);
        assertTrue(chunk.encode(lz4, 2));
        buffer.putShort(38, (short)reserved, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (damage == 1)
        {
            chunk.header().count(3);
        }
        else if (damage == 2)
        {
            buffer.putByte(64, (byte)0xFF);
        }
        return TestFrames.verifier().verify(buffer, 0, TestFrames.seal(buffer, TestFrames.signer(1), chunk.unsealedLength()));
    }

    /** Write {@code count} signed bans of {@code origin} with sequences {@code after + 1 ...} into {@code lz4.raw()}. */
    private int fill(final int count, final long after, final int origin)
    {
        final BanRecordFlyweight record = new BanRecordFlyweight();
        for (int i = 0; i < count; i++)
        {
            lz4.raw().setMemory(i * BanRecordFlyweight.LENGTH, BanRecordFlyweight.LENGTH, (byte)0);
            record.wrap(lz4.raw(), i * BanRecordFlyweight.LENGTH).action(BanRecordFlyweight.ACTION_BAN)
                .prefix(TestFrames.prefix("198.51.100." + (i + 1) + "/32")).protocol(6).port(22).originNodeId(origin)
                .durationSeconds(3600).originSequence(after + 1 + i).originTimeMillis(1_764_000_000_000L + i)
                .version((1_764_000_000_000L + i) << 16).reason(ReasonCode.of("sshd")).sign(TestFrames.SENDER_KEY);
        }
        return count;
    }
}
