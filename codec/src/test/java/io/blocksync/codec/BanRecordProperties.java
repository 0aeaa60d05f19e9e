package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The BAN/UNBAN record against its rules in docs/PROTOCOL.md: every well-formed ban survives the wire, and a
 * one-byte change to a field with a rule is well formed exactly when the rules still hold.
 * <p>
 * Seeded with {@link #SEED}; a failure prints the seed and the shrunk sample, and rerunning replays it. To explore
 * other samples see {@link PropertyRuns}.
 */
class BanRecordProperties
{
    private static final long SEED = 20250914L;
    private static final int EXAMPLES = 500;

    /** The record sits at an odd offset in a larger buffer so writes outside it would show. */
    private static final int SLACK = 13;

    /** Indexes into the outcome counters of {@link #aSingleByteChangeIsRefusedExactlyWhenItBreaksARule}. */
    private static final int UNCHANGED = 0;
    private static final int STILL_VALID = 1;
    private static final int BROKEN = 2;

    @Test
    void setThenGetRoundTripsEveryWireField()
    {
        PropertyRuns.qt(SEED, EXAMPLES).forAll(CodecGens.bans(), CodecGens.bytes()).checkAssert((sent, garbage) ->
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SLACK + BanRecordFlyweight.LENGTH + SLACK]);
            buffer.setMemory(0, buffer.capacity(), garbage);
            final byte[] before = Arrays.copyOf(buffer.byteArray(), buffer.capacity());

            final BanRecordFlyweight record = new BanRecordFlyweight().wrap(buffer, SLACK).set(sent);

            assertTrue(record.isWellFormed(), () -> "not well formed: " + sent);
            final Ban received = record.get(new Ban().expiresAtMillis(1).hitCount(2).appliedAtMillis(3));
            assertEquals(CodecGens.wireFields(sent), CodecGens.wireFields(received));
            assertEquals(sent.prefix(), received.prefix(), "prefix bytes, family and length");
            assertEquals(0, received.expiresAtMillis() | received.hitCount() | received.appliedAtMillis(),
                "local fields cleared");
            assertArrayEquals(Arrays.copyOfRange(before, 0, SLACK), Arrays.copyOfRange(buffer.byteArray(), 0, SLACK),
                "nothing written before the record");
            assertArrayEquals(Arrays.copyOfRange(before, SLACK + BanRecordFlyweight.LENGTH, buffer.capacity()),
                Arrays.copyOfRange(buffer.byteArray(), SLACK + BanRecordFlyweight.LENGTH, buffer.capacity()),
                "nothing written after the record");
        });
    }

    /**
     * One byte of one ruled field (action, family, prefix length, flags, address, reason, and an UNBAN's duration)
     * set to any value: the record is well formed exactly when {@link #followsTheRules} says so, so every mutation
     * that breaks a rule is refused and none that keeps them is. Counted afterwards: both outcomes of a change come
     * up often enough for the property to mean something.
     */
    @Test
    void aSingleByteChangeIsRefusedExactlyWhenItBreaksARule()
    {
        final int[] outcomes = new int[3];
        PropertyRuns.qt(SEED, 2 * EXAMPLES).forAll(CodecGens.bans(), ruledBytes(), CodecGens.bytes())
            .checkAssert((sent, fieldByte, value) ->
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
                final BanRecordFlyweight record = new BanRecordFlyweight().wrap(buffer, 0).set(sent);
                final boolean changed = buffer.getByte(fieldByte) != value;
                buffer.putByte(fieldByte, value);

                final boolean expected = followsTheRules(record);
                outcomes[changed ? (expected ? STILL_VALID : BROKEN) : UNCHANGED]++;
                assertEquals(expected, record.isWellFormed(),
                    () -> "byte " + fieldByte + " set to " + (value & 0xFF) + " in " + sent);
            });

        final int total = outcomes[UNCHANGED] + outcomes[STILL_VALID] + outcomes[BROKEN];
        assertTrue(outcomes[BROKEN] * 100 > 30 * total, () -> "changed, broken: " + Arrays.toString(outcomes));
        assertTrue(outcomes[STILL_VALID] * 100 > 5 * total, () -> "changed, still valid: " + Arrays.toString(outcomes));
    }

    /** Setting any host bit of the address field (the IPv4 padding included) makes the record not well formed. */
    @Test
    void anyHostBitSetIsRefused()
    {
        PropertyRuns.qt(SEED, EXAMPLES).forAll(CodecGens.bans(), CodecGens.edgyInts(0, 127))
            .assuming((sent, bitChoice) -> sent.prefix().prefixLength() < AddressFamily.ADDRESS_FIELD_LENGTH * 8)
            .checkAssert((sent, bitChoice) ->
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
                final BanRecordFlyweight record = new BanRecordFlyweight().wrap(buffer, 0).set(sent);
                final int hostBits = AddressFamily.ADDRESS_FIELD_LENGTH * 8 - record.prefixLength();
                final int bit = record.prefixLength() + bitChoice % hostBits;
                final int at = BanRecordFlyweight.ADDRESS_OFFSET + bit / 8;
                buffer.putByte(at, (byte)(buffer.getByte(at) | (0x80 >>> (bit % 8))));

                assertFalse(record.isWellFormed(), () -> "host bit " + bit + " set in " + sent);
            });
    }

    /** Byte offsets, within the record, of the fields that have a rule. */
    private static Gen<Integer> ruledBytes()
    {
        return Generate.oneOf(
            Generate.constant(BanRecordFlyweight.ACTION_OFFSET),
            Generate.constant(BanRecordFlyweight.FAMILY_OFFSET),
            Generate.constant(BanRecordFlyweight.PREFIX_LENGTH_OFFSET),
            CodecGens.edgyInts(BanRecordFlyweight.FLAGS_OFFSET, BanRecordFlyweight.FLAGS_OFFSET + 1),
            CodecGens.edgyInts(BanRecordFlyweight.DURATION_SECONDS_OFFSET, BanRecordFlyweight.DURATION_SECONDS_OFFSET + 3),
            CodecGens.edgyInts(BanRecordFlyweight.ADDRESS_OFFSET,
                BanRecordFlyweight.ADDRESS_OFFSET + AddressFamily.ADDRESS_FIELD_LENGTH - 1),
            CodecGens.edgyInts(BanRecordFlyweight.REASON_OFFSET,
                BanRecordFlyweight.REASON_OFFSET + BanRecordFlyweight.REASON_LENGTH - 1));
    }

    /** The record rules of docs/PROTOCOL.md, written out independently of {@link BanRecordFlyweight#isWellFormed()}. */
    private static boolean followsTheRules(final BanRecordFlyweight record)
    {
        final int action = record.action();
        final int family = record.family();
        if ((action != BanRecordFlyweight.ACTION_BAN && action != BanRecordFlyweight.ACTION_UNBAN) ||
            (family != AddressFamily.IPV4 && family != AddressFamily.IPV6) || record.flags() != 0 ||
            (action == BanRecordFlyweight.ACTION_UNBAN && record.durationSeconds() != 0))
        {
            return false;
        }

        final int prefixLength = record.prefixLength();
        if (prefixLength > (family == AddressFamily.IPV4 ? 32 : 128))
        {
            return false;
        }
        // Every bit of the 16-byte field past the prefix is zero; for IPv4 that includes the 12 padding bytes.
        for (int bit = prefixLength; bit < AddressFamily.ADDRESS_FIELD_LENGTH * 8; bit++)
        {
            if ((record.addressByte(bit / 8) & (0x80 >>> (bit % 8))) != 0)
            {
                return false;
            }
        }

        return isReason(record);
    }

    private static boolean isAlphanumeric(final int c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** A letter or digit, then letters, digits, '_', '.', '-', '/' up to the first zero byte, then only zero bytes. */
    private static boolean isReason(final BanRecordFlyweight record)
    {
        final int first = record.reasonByte(0);
        if (!isAlphanumeric(first))
        {
            return false;
        }
        boolean ended = false;
        for (int i = 1; i < BanRecordFlyweight.REASON_LENGTH; i++)
        {
            final int c = record.reasonByte(i);
            final boolean allowed = isAlphanumeric(c) || c == '_' || c == '.' || c == '-' || c == '/';
            if (c == 0)
            {
                ended = true;
            }
            else if (ended || !allowed)
            {
                return false;
            }
        }
        return true;
    }
}
