package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FrameVerifierTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));

    @Test
    void everySingleBitFlipOfEveryFrameTypeIsRejected()
    {
        final FrameSigner signer = TestFrames.signer(1_000);
        assertEveryBitFlipRejected(TestFrames.sealedBatch(buffer, signer, 1, 2));
        assertEveryBitFlipRejected(TestFrames.sealedBatch(buffer, signer, 2, BatchFrameFlyweight.MAX_RECORDS));

        new AckFrameFlyweight().begin(buffer, 0).streamSenderId(3).cumulative(10).selectiveBitmap(6);
        assertEveryBitFlipRejected(signer.seal(buffer, 0, AckFrameFlyweight.UNSEALED_LENGTH));

        final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight().begin(buffer, 0, 9, 4, 12345);
        heartbeat.appendEntry(3, 77).appendEntry(4, 88);
        assertEveryBitFlipRejected(signer.seal(buffer, 0, heartbeat.unsealedLength()));

        final SyncFrameFlyweight sync = new SyncFrameFlyweight().begin(buffer, 0, 3, 0).through(2);
        sync.appendRecord(BanRecordFlyweight.ACTION_UNBAN).prefix(TestFrames.prefix("2001:db8::/48")).originNodeId(3)
            .originSequence(2).reason(ReasonCode.of("scan"));
        assertEveryBitFlipRejected(signer.seal(buffer, 0, sync.unsealedLength()));
    }

    private void assertEveryBitFlipRejected(final int length)
    {
        final byte[] original = new byte[length];
        buffer.getBytes(0, original);
        final UnsafeBuffer candidate = new UnsafeBuffer(new byte[length]);
        int flips = 0;
        for (int bit = 0; bit < length * 8; bit++)
        {
            candidate.putBytes(0, original);
            candidate.putByte(bit >>> 3, (byte)(original[bit >>> 3] ^ (1 << (bit & 7))));

            final int reason = TestFrames.verifier().verify(candidate, 0, length);
            assertNotEquals(RejectReason.NONE, reason, "bit " + bit + " flipped was accepted");
            flips++;
        }
        assertEquals(length * 8, flips);

        candidate.putBytes(0, original);
        assertEquals(RejectReason.NONE, TestFrames.verifier().verify(candidate, 0, length), "unflipped original");
    }

    @Test
    void aMillionRandomAndMutatedDatagramsAreAllRejectedWithoutThrowing()
    {
        final Random random = new Random(0x5EED);
        final FrameVerifier verifier = TestFrames.verifier();
        final int validLength = TestFrames.sealedBatch(buffer, TestFrames.signer(1), 1, 5);
        final byte[] valid = new byte[validLength];
        buffer.getBytes(0, valid);
        // Accepted once up front: a mutation that happens to restore the original must then count as a replay.
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, validLength));

        final byte[] datagram = new byte[FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH + 64];
        final UnsafeBuffer candidate = new UnsafeBuffer(datagram);
        final int[] rejected = new int[RejectReason.COUNT];
        for (int i = 0; i < 1_000_000; i++)
        {
            final int length;
            if ((i & 1) == 0)
            {
                length = random.nextInt(datagram.length);
                random.nextBytes(datagram);
                if ((i & 2) == 0 && length >= FrameHeaderFlyweight.HEADER_LENGTH)
                {
                    // Plausible header so that the deeper checks get exercised too.
                    candidate.putByte(FrameHeaderFlyweight.VERSION_OFFSET, (byte)FrameHeaderFlyweight.CURRENT_VERSION);
                    candidate.putShort(FrameHeaderFlyweight.FRAME_LENGTH_OFFSET, (short)length, java.nio.ByteOrder.LITTLE_ENDIAN);
                    candidate.putInt(FrameHeaderFlyweight.SENDER_ID_OFFSET, TestFrames.SENDER_ID, java.nio.ByteOrder.LITTLE_ENDIAN);
                    candidate.putByte(FrameHeaderFlyweight.KEY_ID_OFFSET, (byte)TestFrames.KEY_ID);
                }
            }
            else
            {
                System.arraycopy(valid, 0, datagram, 0, validLength);
                length = mutate(random, datagram, validLength);
            }

            final int reason = verifier.verify(candidate, 0, length);
            assertNotEquals(RejectReason.NONE, reason, "datagram " + i + " was accepted");
            rejected[reason]++;
        }

        assertEquals(0, rejected[RejectReason.NONE]);
        for (final int reason : new int[]{ RejectReason.BAD_LENGTH, RejectReason.BAD_VERSION, RejectReason.UNKNOWN_SENDER,
            RejectReason.UNKNOWN_KEY, RejectReason.BAD_TAG })
        {
            assertNotEquals(0, rejected[reason], RejectReason.name(reason) + " never seen");
        }
    }

    private static int mutate(final Random random, final byte[] datagram, final int validLength)
    {
        switch (random.nextInt(4))
        {
            case 0:
                for (int n = 1 + random.nextInt(8); n > 0; n--)
                {
                    datagram[random.nextInt(validLength)] ^= (byte)(1 + random.nextInt(255));
                }
                return validLength;
            case 1:
                return random.nextInt(validLength);
            case 2:
                for (int i = validLength; i < datagram.length; i++)
                {
                    datagram[i] = (byte)random.nextInt();
                }
                return validLength + 1 + random.nextInt(datagram.length - validLength - 1);
            default:
                datagram[random.nextInt(validLength)] = (byte)random.nextInt();
                datagram[validLength - 1 - random.nextInt(FrameHeaderFlyweight.TAG_LENGTH)] ^= 0x01;
                return validLength;
        }
    }

    @Test
    void aReplayedDatagramIsRejectedAndAFreshOneStillAccepted()
    {
        final FrameVerifier verifier = TestFrames.verifier();
        final FrameSigner signer = TestFrames.signer(50);

        final int length = TestFrames.sealedBatch(buffer, signer, 1, 1);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));
        assertEquals(RejectReason.REPLAY, verifier.verify(buffer, 0, length));

        final int next = TestFrames.sealedBatch(buffer, signer, 2, 1);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, next));
        assertEquals(RejectReason.REPLAY, verifier.verify(buffer, 0, next));
    }

    @Test
    void aDatagramCheckedButNotAcceptedCanStillBeTakenWhenItIsSentAgain()
    {
        final FrameVerifier verifier = TestFrames.verifier();
        final int length = TestFrames.sealedBatch(buffer, TestFrames.signer(70), 1, 1);

        assertEquals(RejectReason.NONE, verifier.check(buffer, 0, length), "declined for now, e.g. over the rate budget");
        assertEquals(RejectReason.NONE, verifier.check(buffer, 0, length), "the unchanged retransmission passes");
        verifier.acceptLast();
        assertEquals(RejectReason.REPLAY, verifier.check(buffer, 0, length), "once taken, a copy is a replay");
    }

    @Test
    void reorderedDatagramsWithinTheWindowAreAcceptedOnce()
    {
        final FrameVerifier verifier = TestFrames.verifier();
        final FrameSigner signer = TestFrames.signer(1);
        final long newest = ReplayWindow.WINDOW_SIZE + 100;

        assertEquals(RejectReason.NONE, verifySealedAt(verifier, signer, newest));
        assertEquals(RejectReason.NONE, verifySealedAt(verifier, signer, newest - 1));
        assertEquals(RejectReason.NONE, verifySealedAt(verifier, signer, newest - ReplayWindow.WINDOW_SIZE + 1));
        assertEquals(RejectReason.REPLAY, verifySealedAt(verifier, signer, newest - ReplayWindow.WINDOW_SIZE + 1));
    }

    @Test
    void aDatagramOutsideTheWindowIsRejectedAsTooOld()
    {
        final FrameVerifier verifier = TestFrames.verifier();
        final FrameSigner signer = TestFrames.signer(1);
        final long newest = 1_000_000;

        assertEquals(RejectReason.NONE, verifySealedAt(verifier, signer, newest));
        assertEquals(RejectReason.TOO_OLD, verifySealedAt(verifier, signer, newest - ReplayWindow.WINDOW_SIZE));
        assertEquals(RejectReason.TOO_OLD, verifySealedAt(verifier, signer, 1));
    }

    @Test
    void aForgedTagIsRejectedAndDoesNotMoveTheWindow()
    {
        final FrameVerifier verifier = TestFrames.verifier();
        final FrameSigner forger = new FrameSigner(TestFrames.SENDER_ID, TestFrames.KEY_ID, TestFrames.key(0x40), 1);

        final int forged = TestFrames.sealedBatch(buffer, forger, 1, 1);
        buffer.putLong(FrameHeaderFlyweight.SEQUENCE_OFFSET, 900, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(RejectReason.BAD_TAG, verifier.verify(buffer, 0, forged));
        assertEquals(0, verifier.sender(TestFrames.SENDER_ID).replayWindow().highest());

        assertEquals(RejectReason.NONE, verifySealedAt(verifier, TestFrames.signer(1), 1));
    }

    @Test
    void keysAreCheckedBySenderAndKeyIdAndRetiredKeysAreRefused()
    {
        final byte[] oldKey = TestFrames.key(0x10);
        final byte[] newKey = TestFrames.key(0x20);
        final SenderKeys sender = new SenderKeys(TestFrames.SENDER_ID).addKey(1, oldKey).addKey(2, newKey);
        final FrameVerifier verifier = new FrameVerifier().addSender(sender);

        final FrameSigner rotating = new FrameSigner(TestFrames.SENDER_ID, 1, oldKey, 1);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, TestFrames.sealedBatch(buffer, rotating, 1, 1)));
        rotating.useKey(2, newKey);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, TestFrames.sealedBatch(buffer, rotating, 2, 1)));

        sender.retire(1);
        final FrameSigner stale = new FrameSigner(TestFrames.SENDER_ID, 1, oldKey, 10);
        assertEquals(RejectReason.RETIRED_KEY, verifier.verify(buffer, 0, TestFrames.sealedBatch(buffer, stale, 3, 1)));

        final FrameSigner unknownKeyId = new FrameSigner(TestFrames.SENDER_ID, 3, newKey, 20);
        assertEquals(RejectReason.UNKNOWN_KEY, verifier.verify(buffer, 0, TestFrames.sealedBatch(buffer, unknownKeyId, 3, 1)));

        final FrameSigner stranger = new FrameSigner(99, 2, newKey, 20);
        assertEquals(RejectReason.UNKNOWN_SENDER, verifier.verify(buffer, 0, TestFrames.sealedBatch(buffer, stranger, 3, 1)));
    }

    @Test
    void authenticUnknownTypeAndBadStructureAreRejectedWithTheirOwnReason()
    {
        final FrameVerifier verifier = TestFrames.verifier();
        final FrameSigner signer = TestFrames.signer(1);

        new AckFrameFlyweight().begin(buffer, 0).header().type(42);
        assertEquals(RejectReason.BAD_TYPE, verifier.verify(buffer, 0, signer.seal(buffer, 0, AckFrameFlyweight.UNSEALED_LENGTH)));

        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(TestFrames.prefix("192.0.2.0/24")).originNodeId(TestFrames.SENDER_ID)
            .originSequence(1).reason(ReasonCode.of("ssh"));
        buffer.putByte(BatchFrameFlyweight.RECORDS_OFFSET + BanRecordFlyweight.ADDRESS_OFFSET + 3, (byte)1);
        assertEquals(RejectReason.MALFORMED, verifier.verify(buffer, 0, signer.seal(buffer, 0, batch.unsealedLength())),
            "host bits set beyond the prefix length");
    }

    private int verifySealedAt(final FrameVerifier verifier, final FrameSigner signer, final long sequence)
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(TestFrames.prefix("203.0.113.9")).originNodeId(signer.senderId())
            .originSequence(1).reason(ReasonCode.of("ssh"));
        return verifier.verify(buffer, 0, signer.seal(buffer, 0, batch.unsealedLength(), sequence));
    }
}
