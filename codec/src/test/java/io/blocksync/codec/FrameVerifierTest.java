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
        assertEveryBitFlipRejected(TestFrames.seal(buffer, signer, AckFrameFlyweight.UNSEALED_LENGTH));

        final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight().begin(buffer, 0, 9, 4, 12345, 12345L << 16);
        heartbeat.appendEntry(3, 77).appendEntry(4, 88);
        assertEveryBitFlipRejected(TestFrames.seal(buffer, signer, heartbeat.unsealedLength()));

        final SyncFrameFlyweight sync = new SyncFrameFlyweight().begin(buffer, 0, 3, 0).through(2);
        sync.appendRecord(BanRecordFlyweight.ACTION_UNBAN).prefix(TestFrames.prefix("2001:db8::/48")).originNodeId(3)
            .originSequence(2).reason(ReasonCode.of("scan")).sign(TestFrames.nodeKey(1, 3));
        assertEveryBitFlipRejected(TestFrames.seal(buffer, signer, sync.unsealedLength()));
    }

    private void assertEveryBitFlipRejected(final int length)
    {
        final byte[] original = new byte[length];
        buffer.getBytes(0, original);
        final UnsafeBuffer candidate = new UnsafeBuffer(new byte[length]);
        // One gate for every flip: a rejected datagram changes no state (deriving link keys per flip would take seconds).
        final FrameVerifier verifier = TestFrames.verifier();
        int flips = 0;
        for (int bit = 0; bit < length * 8; bit++)
        {
            candidate.putBytes(0, original);
            candidate.putByte(bit >>> 3, (byte)(original[bit >>> 3] ^ (1 << (bit & 7))));

            final int reason = verifier.verify(candidate, 0, length);
            assertNotEquals(RejectReason.NONE, reason, "bit " + bit + " flipped was accepted");
            flips++;
        }
        assertEquals(length * 8, flips);

        candidate.putBytes(0, original);
        assertEquals(RejectReason.NONE, verifier.verify(candidate, 0, length), "unflipped original");
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
                    if ((i & 4) == 0)
                    {
                        candidate.putInt(FrameHeaderFlyweight.RECEIVER_ID_OFFSET, TestFrames.RECEIVER_ID, java.nio.ByteOrder.LITTLE_ENDIAN);
                    }
                    if ((i & 8) == 0)
                    {
                        candidate.putInt(FrameHeaderFlyweight.SENDER_ID_OFFSET, TestFrames.SENDER_ID, java.nio.ByteOrder.LITTLE_ENDIAN);
                    }
                    if ((i & 16) == 0)
                    {
                        candidate.putByte(FrameHeaderFlyweight.SENDER_KEY_ID_OFFSET, (byte)TestFrames.KEY_ID);
                        candidate.putByte(FrameHeaderFlyweight.RECEIVER_KEY_ID_OFFSET, (byte)TestFrames.KEY_ID);
                    }
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
        for (final int reason : new int[]{ RejectReason.BAD_LENGTH, RejectReason.BAD_VERSION, RejectReason.WRONG_RECEIVER,
            RejectReason.UNKNOWN_SENDER, RejectReason.UNKNOWN_KEY, RejectReason.BAD_TAG })
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
        // A key pair that is not the sender's, with the sender's id and key id.
        final PeerLink forger = TestFrames.link(
            TestFrames.SENDER_ID, TestFrames.nodeKey(TestFrames.KEY_ID, 0x40), TestFrames.RECEIVER_ID, TestFrames.RECEIVER_KEY);

        final int forged = TestFrames.sealedBatch(buffer, TestFrames.signer(900), forger, 1, 1);
        assertEquals(RejectReason.BAD_TAG, verifier.verify(buffer, 0, forged));
        assertEquals(0, verifier.link(TestFrames.SENDER_ID).replayWindow().highest());

        assertEquals(RejectReason.NONE, verifySealedAt(verifier, TestFrames.signer(1), 1));
    }

    @Test
    void authenticUnknownTypeAndBadStructureAreRejectedWithTheirOwnReason()
    {
        final FrameVerifier verifier = TestFrames.verifier();
        final FrameSigner signer = TestFrames.signer(1);

        new AckFrameFlyweight().begin(buffer, 0).header().type(42);
        assertEquals(RejectReason.BAD_TYPE, verifier.verify(buffer, 0, TestFrames.seal(buffer, signer, AckFrameFlyweight.UNSEALED_LENGTH)));

        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(TestFrames.prefix("192.0.2.0/24")).originNodeId(TestFrames.SENDER_ID)
            .originSequence(1).reason(ReasonCode.of("ssh"));
        buffer.putByte(BatchFrameFlyweight.RECORDS_OFFSET + BanRecordFlyweight.ADDRESS_OFFSET + 3, (byte)1);
        assertEquals(RejectReason.MALFORMED, verifier.verify(buffer, 0, TestFrames.seal(buffer, signer, batch.unsealedLength())),
            "host bits set beyond the prefix length");
    }

    private int verifySealedAt(final FrameVerifier verifier, final FrameSigner signer, final long sequence)
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(TestFrames.prefix("203.0.113.9")).originNodeId(signer.senderId())
            .originSequence(1).reason(ReasonCode.of("ssh"));
        return verifier.verify(buffer, 0, TestFrames.sealAt(buffer, signer, TestFrames.sendingLink(), batch.unsealedLength(), sequence));
    }
}
