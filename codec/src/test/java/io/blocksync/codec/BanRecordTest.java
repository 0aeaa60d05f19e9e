package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BanRecordTest
{
    private static final byte[] SIGNATURE = new byte[NodeKey.SIGNATURE_LENGTH];

    static
    {
        for (int i = 0; i < SIGNATURE.length; i++)
        {
            SIGNATURE[i] = (byte)(0xC0 + i);
        }
    }

    @Test
    void aBanSurvivesTheWireWithItsLocalFieldsLeftBehind()
    {
        final Ban sent = new Ban()
            .action(BanAction.BAN)
            .prefix(prefix("2001:db8:1:2::/64"))
            .protocol(6)
            .port(22)
            .originNodeId(7)
            .originSequence(123_456_789_012L)
            .originTimeMillis(1_700_000_000_123L)
            .version(0x8123_4567_89AB_CDEFL)
            .durationSeconds(0xFFFF_FFFEL)
            .reason(ReasonCode.of("ssh").id())
            .originKeyId(200)
            .signature(new UnsafeBuffer(SIGNATURE), 0)
            .expiresAtMillis(99)
            .hitCount(5)
            .appliedAtMillis(42);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
        buffer.setMemory(0, BanRecordFlyweight.LENGTH, (byte)0x5A);

        final BanRecordFlyweight record = new BanRecordFlyweight().wrap(buffer, 0).set(sent);
        assertTrue(record.isWellFormed(), "flags and padding are written, whatever the buffer held");

        final Ban received = record.get(new Ban().hitCount(3));
        assertEquals(sent.prefix(), received.prefix());
        assertEquals(BanAction.BAN, received.action());
        assertEquals(6, received.protocol());
        assertEquals(22, received.port());
        assertEquals(7, received.originNodeId());
        assertEquals(123_456_789_012L, received.originSequence());
        assertEquals(1_700_000_000_123L, received.originTimeMillis());
        assertEquals(0x8123_4567_89AB_CDEFL, received.version());
        assertEquals(0x8123_4567_89AB_CDEFL, record.version());
        assertEquals(0xFFFF_FFFEL, received.durationSeconds());
        assertEquals("ssh", ReasonCode.nameOf(received.reason()));
        assertEquals(200, received.originKeyId());
        assertArrayEquals(SIGNATURE, received.signature());
        assertEquals(200, record.originKeyId());
        final byte[] onTheWire = new byte[NodeKey.SIGNATURE_LENGTH];
        record.getSignature(onTheWire);
        assertArrayEquals(SIGNATURE, onTheWire);
        assertEquals(0, received.expiresAtMillis());
        assertEquals(0, received.hitCount());
        assertEquals(0, received.appliedAtMillis());
    }

    @Test
    void anUnbanCarriesNoDuration()
    {
        final Ban unban = new Ban().action(BanAction.UNBAN).prefix(prefix("192.0.2.0/24")).durationSeconds(60)
            .reason(ReasonCode.of("manual").id());
        final BanRecordFlyweight record = new BanRecordFlyweight().wrap(new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]), 0).set(unban);

        assertTrue(record.isWellFormed());
        assertEquals(BanRecordFlyweight.ACTION_UNBAN, record.action());
        assertEquals(0, record.durationSeconds());
    }

    @Test
    void actionCodesAreTheWireBytes()
    {
        assertEquals(BanRecordFlyweight.ACTION_BAN, BanAction.BAN.code());
        assertEquals(BanAction.UNBAN, BanAction.fromCode(BanRecordFlyweight.ACTION_UNBAN));
        assertNull(BanAction.fromCode(0));
        assertNull(BanAction.fromCode(3));
    }

    @Test
    void aLongReasonReadFromTheWireIsNamedByItsIdAndCopiedWithTheBan()
    {
        // Words as the wire holds them, for a reason this process never made from text.
        final String text = "wire-only/scenario-" + System.nanoTime();
        final long[] words = new long[ReasonCode.WORDS];
        for (int i = 0; i < text.length(); i++)
        {
            words[i >> 3] |= ((long)text.charAt(i)) << (8 * (i & 7));
        }
        final Ban received = new Ban().reasonWords(words[0], words[1], words[2], words[3], words[4]);

        assertTrue(received.reason() < 0, "a long reason's id is a hash with the top bit set");
        assertEquals(text, received.reasonText());
        assertEquals(text, ReasonCode.nameOf(received.reason()), "kept in ReasonNames for code holding only the id");
        assertEquals(text, new Ban().reason(received.reason()).reasonText(), "words restored from the id");
        assertEquals(text, new Ban().set(received).reasonText());
        assertEquals(ReasonCode.of(text).id(), received.reason());
    }

    @Test
    void setCopiesEveryFieldAndResetClearsThem()
    {
        final Ban source = new Ban().action(BanAction.UNBAN).prefix(prefix("203.0.113.9"))
            .protocol(17).port(53).originNodeId(2).originSequence(3).originTimeMillis(4).version(11).durationSeconds(5)
            .reason(6).expiresAtMillis(7).hitCount(8).appliedAtMillis(9).originKeyId(10)
            .signature(new UnsafeBuffer(SIGNATURE), 0);
        final Ban copy = new Ban().set(source);

        assertEquals(source.toString(), copy.toString());
        assertEquals(8, copy.hitCount());
        assertEquals(9, copy.appliedAtMillis());
        assertEquals(10, copy.originKeyId());
        assertEquals(11, copy.version());
        assertArrayEquals(SIGNATURE, copy.signature());
        assertFalse(source.signature() == copy.signature(), "the copy has its own array");
        assertEquals(new Ban().reset().toString(), copy.reset().toString());
        assertEquals(0, copy.originKeyId());
        assertEquals(0, copy.version());
        assertArrayEquals(new byte[NodeKey.SIGNATURE_LENGTH], copy.signature());
    }

    private static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        assertNull(AddressText.parse(text, prefix, 32, 64));
        return prefix;
    }
}
