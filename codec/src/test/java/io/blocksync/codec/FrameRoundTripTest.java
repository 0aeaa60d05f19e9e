package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.blocksync.codec.TestFrames.prefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameRoundTripTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(2048));
    private final FrameSigner signer = TestFrames.signer(100);
    private final PeerLink link = TestFrames.sendingLink();
    private final FrameVerifier verifier = TestFrames.verifier();

    @Test
    void singleIpv4BanSurvivesTheWire()
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
            .prefix(prefix("192.0.2.1"))
            .protocol(17)
            .port(53)
            .originNodeId(TestFrames.SENDER_ID)
            .durationSeconds(86_400)
            .originSequence(42)
            .originTimeMillis(1_764_000_000_123L)
            .reason(ReasonCode.of("dns-amp"))
            .sign(TestFrames.SENDER_KEY);
        final int length = TestFrames.seal(buffer, signer, link, batch.unsealedLength());

        assertEquals(BatchFrameFlyweight.frameLength(1), length);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));

        final BatchFrameFlyweight read = new BatchFrameFlyweight().wrap(buffer, 0);
        assertEquals(FrameType.BATCH, read.header().type());
        assertEquals(100, read.header().sequence());
        assertEquals(TestFrames.SENDER_ID, read.header().senderId());
        assertEquals(TestFrames.KEY_ID, read.header().senderKeyId());
        assertEquals(TestFrames.RECEIVER_ID, read.header().receiverId());
        assertEquals(TestFrames.RECEIVER_KEY.keyId(), read.header().receiverKeyId());
        assertEquals(1, read.streamSequence());
        assertEquals(1, read.recordCount());
        final BanRecordFlyweight record = read.record(0);
        assertEquals(BanRecordFlyweight.ACTION_BAN, record.action());
        assertEquals(prefix("192.0.2.1"), record.getPrefix(new IpPrefix()));
        assertEquals(17, record.protocol());
        assertEquals(53, record.port());
        assertEquals(TestFrames.SENDER_ID, record.originNodeId());
        assertEquals(86_400, record.durationSeconds());
        assertEquals(42, record.originSequence());
        assertEquals(1_764_000_000_123L, record.originTimeMillis());
        assertEquals("dns-amp", record.appendReason(new StringBuilder()).toString());
        assertEquals(TestFrames.KEY_ID, record.originKeyId());
        assertTrue(record.verifySignature(verifier.link(TestFrames.SENDER_ID).peerKey(record.originKeyId())));
    }

    @Test
    void ipv6PrefixAndUnbanSurviveTheWire()
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 9);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
            .prefix(prefix("2001:db8:1:2::/64"))
            .originNodeId(TestFrames.SENDER_ID)
            .durationSeconds(BanRecordFlyweight.PERMANENT)
            .originSequence(1)
            .originTimeMillis(1)
            .reason(ReasonCode.of("scan"));
        batch.appendRecord(BanRecordFlyweight.ACTION_UNBAN)
            .prefix(prefix("2001:db8::1/128"))
            .originNodeId(TestFrames.SENDER_ID)
            .originSequence(2)
            .originTimeMillis(2)
            .reason(ReasonCode.of("scan"));
        final int length = TestFrames.seal(buffer, signer, link, batch.unsealedLength());
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));

        final BatchFrameFlyweight read = new BatchFrameFlyweight().wrap(buffer, 0);
        assertEquals(2, read.recordCount());
        assertEquals(prefix("2001:db8:1:2::/64"), read.record(0).getPrefix(new IpPrefix()));
        assertEquals(BanRecordFlyweight.PERMANENT, read.record(0).durationSeconds());
        assertEquals(BanRecordFlyweight.ACTION_UNBAN, read.record(1).action());
        assertEquals(prefix("2001:db8::1/128"), read.record(1).getPrefix(new IpPrefix()));
        assertEquals(AddressFamily.IPV6, read.record(1).family());
    }

    @Test
    void extremePrefixLengthsAndFieldMaximaRoundTrip()
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, Long.MAX_VALUE);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
            .prefix(prefix("0.0.0.0/0"))
            .protocol(255)
            .port(65_535)
            .originNodeId(TestFrames.SENDER_ID)
            .durationSeconds(0xFFFF_FFFFL)
            .originSequence(Long.MAX_VALUE)
            .originTimeMillis(Long.MAX_VALUE)
            .reason(ReasonCode.of("crowdsecurity/http-admin-interface-probe"));
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN)
            .prefix(prefix("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128"))
            .originNodeId(TestFrames.SENDER_ID)
            .originSequence(1)
            .reason(ReasonCode.of("x"));
        final int length = TestFrames.sealAt(buffer, signer, link, batch.unsealedLength(), Long.MAX_VALUE);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));

        final BanRecordFlyweight first = new BatchFrameFlyweight().wrap(buffer, 0).record(0);
        assertEquals(0, first.prefixLength());
        assertEquals(255, first.protocol());
        assertEquals(65_535, first.port());
        assertEquals(TestFrames.SENDER_ID, first.originNodeId());
        assertEquals(0xFFFF_FFFFL, first.durationSeconds());
        assertEquals(Long.MAX_VALUE, first.originSequence());
        assertEquals("crowdsecurity/http-admin-interface-probe", first.appendReason(new StringBuilder()).toString());
        assertEquals(ReasonCode.MAX_LENGTH, first.reasonLength());
        assertEquals(128, new BatchFrameFlyweight().wrap(buffer, 0).record(1).prefixLength());
    }

    @Test
    void fullBatchFitsInOneDatagramAndNoMore()
    {
        final int length = TestFrames.sealedBatch(buffer, signer, 1, BatchFrameFlyweight.MAX_RECORDS);

        assertTrue(length <= FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH);
        assertTrue(BatchFrameFlyweight.frameLength(BatchFrameFlyweight.MAX_RECORDS + 1) > FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));

        final BatchFrameFlyweight read = new BatchFrameFlyweight().wrap(buffer, 0);
        assertEquals(0, read.remainingCapacity());
        for (int i = 0; i < BatchFrameFlyweight.MAX_RECORDS; i++)
        {
            assertEquals(1000 + i, read.record(i).originSequence());
        }
        assertThrows(IllegalStateException.class, () -> read.appendRecord(BanRecordFlyweight.ACTION_BAN));
    }

    @Test
    void batchRecordsMustBeTheSendersOwnDecisions()
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        batch.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(prefix("192.0.2.1")).originNodeId(TestFrames.SENDER_ID + 1)
            .originSequence(1).reason(ReasonCode.of("ssh"));
        assertEquals(RejectReason.MALFORMED, verifier.verify(buffer, 0, TestFrames.seal(buffer, signer, link, batch.unsealedLength())));
    }

    @Test
    void emptyBatchIsRefusedAsMalformed()
    {
        final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, 1);
        final int length = TestFrames.seal(buffer, signer, link, batch.unsealedLength());

        assertEquals(RejectReason.MALFORMED, verifier.verify(buffer, 0, length));
    }

    @Test
    void ackRoundTrip()
    {
        final AckFrameFlyweight ack = new AckFrameFlyweight().begin(buffer, 0)
            .streamSenderId(12)
            .cumulative(41)
            .selectiveBitmap(0b1010L);
        final int length = TestFrames.seal(buffer, signer, link, AckFrameFlyweight.UNSEALED_LENGTH);

        assertEquals(AckFrameFlyweight.FRAME_LENGTH, length);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));
        final AckFrameFlyweight read = new AckFrameFlyweight().wrap(buffer, 0);
        assertEquals(FrameType.ACK, read.header().type());
        assertEquals(12, read.streamSenderId());
        assertEquals(41, read.cumulative());
        assertEquals(0b1010L, read.selectiveBitmap());
        assertTrue(read.acknowledges(41));
        assertFalse(read.acknowledges(42));
        assertTrue(read.acknowledges(43));
        assertFalse(read.acknowledges(44));
        assertTrue(read.acknowledges(45));
        assertFalse(read.acknowledges(41 + 1 + 64));
        assertEquals(12, ack.streamSenderId());
    }

    @Test
    void heartbeatRoundTripEmptyAndFull()
    {
        final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight().begin(buffer, 0, 1, 1, 1_764_000_000_000L, 1_764_000_000_000L << 16);
        int length = TestFrames.seal(buffer, signer, link, heartbeat.unsealedLength());
        assertEquals(HeartbeatFrameFlyweight.frameLength(0), length);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));

        heartbeat.begin(buffer, 0, 500, 380, 1_764_000_000_999L, (1_764_000_001_000L << 16) | 7);
        for (int i = 0; i < HeartbeatFrameFlyweight.MAX_ENTRIES; i++)
        {
            heartbeat.appendEntry(i + 1, 10_000L * i);
        }
        assertThrows(IllegalStateException.class, () -> heartbeat.appendEntry(99, 1));
        length = TestFrames.seal(buffer, signer, link, heartbeat.unsealedLength());
        assertTrue(length <= FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));

        final HeartbeatFrameFlyweight read = new HeartbeatFrameFlyweight().wrap(buffer, 0);
        assertEquals(500, read.streamNextSequence());
        assertEquals(380, read.streamOldestRetained());
        assertEquals(1_764_000_000_999L, read.senderTimeMillis());
        assertEquals((1_764_000_001_000L << 16) | 7, read.senderHlc());
        assertEquals(HeartbeatFrameFlyweight.MAX_ENTRIES, read.entryCount());
        for (int i = 0; i < HeartbeatFrameFlyweight.MAX_ENTRIES; i++)
        {
            assertEquals(i + 1, read.entryOriginNodeId(i));
            assertEquals(10_000L * i, read.entryHighWater(i));
        }
    }

    @Test
    void syncRoundTripAndRangeRules()
    {
        final SyncFrameFlyweight sync = new SyncFrameFlyweight().begin(buffer, 0, 4, 10);
        for (int i = 0; i < SyncFrameFlyweight.MAX_RECORDS; i++)
        {
            sync.appendRecord(BanRecordFlyweight.ACTION_BAN)
                .prefix(prefix("203.0.113." + i))
                .originNodeId(4)
                .durationSeconds(60)
                .originSequence(11 + 2 * i)
                .originTimeMillis(5)
                .reason(ReasonCode.of("ssh"));
        }
        final int last = SyncFrameFlyweight.MAX_RECORDS - 1;
        final long through = 11 + 2 * last + 1;
        sync.through(through);
        assertThrows(IllegalStateException.class, () -> sync.appendRecord(BanRecordFlyweight.ACTION_BAN));
        final int length = TestFrames.seal(buffer, signer, link, sync.unsealedLength());
        assertTrue(length <= FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, length));

        final SyncFrameFlyweight read = new SyncFrameFlyweight().wrap(buffer, 0);
        assertEquals(FrameType.SYNC, read.header().type());
        assertEquals(4, read.originNodeId());
        assertEquals(10, read.after());
        assertEquals(through, read.through());
        assertEquals(SyncFrameFlyweight.MAX_RECORDS, read.recordCount());
        assertEquals(prefix("203.0.113." + last), read.record(last).getPrefix(new IpPrefix()));

        // A range with nothing left in it (all superseded) is still worth sending: it moves the high water.
        new SyncFrameFlyweight().begin(buffer, 0, 4, through).through(60);
        assertEquals(RejectReason.NONE, verifier.verify(buffer, 0, TestFrames.seal(buffer, signer, link, SyncFrameFlyweight.RECORDS_OFFSET)));

        final SyncFrameFlyweight outOfRange = new SyncFrameFlyweight().begin(buffer, 0, 4, 60).through(70);
        outOfRange.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(prefix("203.0.113.1")).originNodeId(4)
            .originSequence(71).reason(ReasonCode.of("ssh"));
        assertEquals(RejectReason.MALFORMED, verifier.verify(buffer, 0, TestFrames.seal(buffer, signer, link, outOfRange.unsealedLength())));

        final SyncFrameFlyweight otherOrigin = new SyncFrameFlyweight().begin(buffer, 0, 4, 60).through(70);
        otherOrigin.appendRecord(BanRecordFlyweight.ACTION_BAN).prefix(prefix("203.0.113.1")).originNodeId(5)
            .originSequence(65).reason(ReasonCode.of("ssh"));
        assertEquals(RejectReason.MALFORMED, verifier.verify(buffer, 0, TestFrames.seal(buffer, signer, link, otherOrigin.unsealedLength())));
    }

    @Test
    void heapBackedBufferSignsAndVerifiesTheSameBytes()
    {
        final int length = TestFrames.sealedBatch(buffer, TestFrames.signer(5), 1, 3);
        final byte[] copy = new byte[length];
        buffer.getBytes(0, copy);

        final UnsafeBuffer heap = new UnsafeBuffer(new byte[length + 10], 10, length);
        heap.putBytes(0, copy);
        assertEquals(RejectReason.NONE, verifier.verify(heap, 0, length));

        final int heapLength = TestFrames.sealedBatch(heap, TestFrames.signer(5), 1, 3);
        final byte[] fromHeap = new byte[heapLength];
        heap.getBytes(0, fromHeap);
        org.junit.jupiter.api.Assertions.assertArrayEquals(copy, fromHeap);
    }

    @Test
    void reasonTextRulesAreEnforced()
    {
        assertThrows(IllegalArgumentException.class, () -> ReasonCode.of(""));
        assertThrows(IllegalArgumentException.class, () -> ReasonCode.of("a".repeat(ReasonCode.MAX_LENGTH + 1)));
        assertThrows(IllegalArgumentException.class, () -> ReasonCode.of("-ssh"));
        assertThrows(IllegalArgumentException.class, () -> ReasonCode.of("ssh d"));
        assertThrows(IllegalArgumentException.class, () -> ReasonCode.of("a:b"));
        assertEquals("brute.w1", ReasonCode.of("brute.w1").text());
        // fail2ban jails and CrowdSec scenarios as their operators name them
        for (final String name : new String[]{ "nginx-http-auth", "sshd-ddos", "SSH", "1ssh", "crowdsecurity/ssh-bf",
            "a".repeat(ReasonCode.MAX_LENGTH) })
        {
            final ReasonCode code = ReasonCode.of(name);
            assertEquals(name, code.text());
            assertEquals(name, ReasonCode.nameOf(code.id()), "read back by id");
            assertEquals(name.length() <= 8, code.id() > 0, "short reasons are their own id, long ones hashed");
        }
        assertNotEquals(ReasonCode.of("nginx-http-auth").id(), ReasonCode.of("nginx-http-autH").id());
        assertTrue(ReasonCode.isWellFormed(ReasonCode.of("ssh").id()));
        assertFalse(ReasonCode.isWellFormed(0));
        assertFalse(ReasonCode.isWellFormed(ReasonCode.of("ssh").id() | (0x41L << 48)));
    }
}
