package io.blocksync.daemon.store;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keys and bans derived from an index, so that a test (or a child process) can write ban i and another can check
 * it without sharing anything else. Keys are IPv6 /64s inside 2001:db8::/32.
 */
final class TestBans
{
    static final long SSH = ReasonCode.of("ssh").id();
    static final long SCAN = ReasonCode.of("scan").id();

    private TestBans()
    {
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

    /**
     * 2001:db8:HHHH:LLLL::/64 where HHHH:LLLL is the index.
     */
    static IpPrefix key(final int index, final IpPrefix into, final byte[] scratch16)
    {
        scratch16[0] = 0x20;
        scratch16[1] = 0x01;
        scratch16[2] = 0x0d;
        scratch16[3] = (byte)0xb8;
        scratch16[4] = (byte)(index >>> 24);
        scratch16[5] = (byte)(index >>> 16);
        scratch16[6] = (byte)(index >>> 8);
        scratch16[7] = (byte)index;
        for (int i = 8; i < 16; i++)
        {
            scratch16[i] = 0;
        }
        return into.set(AddressFamily.IPV6, scratch16, 64);
    }

    static IpPrefix key(final int index)
    {
        return key(index, new IpPrefix(), new byte[16]);
    }

    /**
     * Ban i, allocating nothing: prefix {@link #key(int)} (also left in {@code scratchKey}) and every other field
     * distinct and derived from the index; a permanent BAN far from any expiry.
     */
    static Ban entry(final int index, final Ban into, final IpPrefix scratchKey, final byte[] scratch16)
    {
        return into
            .prefix(key(index, scratchKey, scratch16))
            .action(BanAction.BAN)
            .protocol(index % 2 == 0 ? 6 : 17)
            .port(index & 0xFFFF)
            .originNodeId(1 + index % 7)
            .hitCount(index % 1000)
            .originSequence(1_000_000L + index)
            .originTimeMillis(1_700_000_000_000L + index)
            .expiresAtMillis(0)
            .durationSeconds(0)
            .reason(index % 2 == 0 ? SSH : SCAN)
            .appliedAtMillis(1_700_000_000_500L + index);
    }

    static Ban entry(final int index)
    {
        return entry(index, new Ban(), new IpPrefix(), new byte[16]);
    }

    /** Every field of a ban, for comparing two holders (Ban has no equals: it is a mutable holder). */
    static String fields(final Ban ban)
    {
        return ban.action() + " " + ban.prefix() + " proto " + ban.protocol() + " port " + ban.port() +
            " origin " + ban.originNodeId() + "#" + ban.originSequence() + " at " + ban.originTimeMillis() + " v " + ban.version() +
            " for " + ban.durationSeconds() + "s reason 0x" + Long.toHexString(ban.reason()) +
            " expires " + ban.expiresAtMillis() + " hits " + ban.hitCount() + " applied " + ban.appliedAtMillis();
    }

    static void assertBanEquals(final Ban expected, final Ban actual)
    {
        assertEquals(fields(expected), fields(actual));
    }

    static void assertBanEquals(final Ban expected, final Ban actual, final String message)
    {
        assertEquals(fields(expected), fields(actual), message);
    }
}
