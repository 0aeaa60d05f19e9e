package io.blocksync.daemon.table;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;

import java.util.ArrayList;
import java.util.List;

/**
 * The prefixes no ban may overlap, in every spelling a packet filter can be handed. An IPv4 prefix a.b.c.d/L is
 * also protected as each IPv6 address block that embeds it:
 * <ul>
 *     <li>IPv4-compatible {@code ::a.b.c.d/(96+L)} (RFC 4291 §2.5.5.1, deprecated);</li>
 *     <li>IPv4-mapped {@code ::ffff:a.b.c.d/(96+L)} (RFC 4291 §2.5.5.2); {@link IpPrefix} turns such a ban into IPv4
 *     already, so only a ban shorter than /96 covering the mapped block reaches this spelling;</li>
 *     <li>SIIT IPv4-translated {@code ::ffff:0:a.b.c.d/(96+L)} (RFC 7915 / RFC 6052 §2.1);</li>
 *     <li>6to4 {@code 2002:AABB:CCDD::/(16+L)} (RFC 3056 §2);</li>
 *     <li>NAT64 well-known prefix {@code 64:ff9b::a.b.c.d/(96+L)} (RFC 6052 §2.1).</li>
 * </ul>
 * Each spelling is a fixed block (template bits, {@code K} long) followed by the 32 IPv4 bits, so an IPv6 ban B/n
 * overlaps the spelling of a protected p/L exactly when its first min(n, K) bits equal the template's and, past
 * K, the IPv4 bits it fixes (the first min(n - K, 32)) agree with p on min(n - K, L) bits. Checking that reads the
 * embedded IPv4 bits out of the ban once, instead of scanning five IPv6 copies of every protected prefix: a lookup
 * allocates nothing and costs one template comparison per spelling plus a scan of the IPv4 entries only for a ban
 * inside a spelling block. Immutable after construction, so any thread may ask.
 */
final class ProtectedPrefixes
{
    /** Returned by {@link #find(IpPrefix)} when nothing protected overlaps. */
    static final int NONE = -1;
    /** A match on the prefix as configured, not one of its IPv6 spellings. */
    static final int AS_CONFIGURED = 0;

    private static final int SPELLING_BITS = 3;
    private static final int IPV4_BITS = 32;
    private static final String[] SPELLING_NAMES = {
        "as configured", "IPv4-compatible", "IPv4-mapped", "SIIT", "6to4", "NAT64" };
    /** Template bytes of each IPv6 spelling in {@link #SPELLING_NAMES} order (index 0 unused). */
    private static final int[][] TEMPLATES = {
        null,
        { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
        { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF },
        { 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0 },
        { 0x20, 0x02 },
        { 0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0 } };

    private final IpPrefix[] ipv6;
    private final int[] ipv6Owner;
    private final int[] ipv4Address;
    private final int[] ipv4Length;
    private final int[] ipv4Owner;
    private final String[] why;

    /**
     * @param prefixes protected prefixes of either family, in the order their reasons should be reported.
     * @param why      one operator-facing reason per prefix, e.g. {@code peer node2}.
     * @throws IllegalArgumentException if the lists differ in length.
     */
    ProtectedPrefixes(final List<IpPrefix> prefixes, final List<String> why)
    {
        if (prefixes.size() != why.size())
        {
            throw new IllegalArgumentException(prefixes.size() + " protected prefixes but " + why.size() + " reasons");
        }

        final List<Integer> v4 = new ArrayList<>();
        final List<Integer> v6 = new ArrayList<>();
        for (int i = 0; i < prefixes.size(); i++)
        {
            (prefixes.get(i).family() == AddressFamily.IPV4 ? v4 : v6).add(i);
        }

        ipv4Address = new int[v4.size()];
        ipv4Length = new int[v4.size()];
        ipv4Owner = new int[v4.size()];
        for (int i = 0; i < ipv4Owner.length; i++)
        {
            final IpPrefix prefix = prefixes.get(v4.get(i));
            ipv4Address[i] = readInt(prefix, 0);
            ipv4Length[i] = prefix.prefixLength();
            ipv4Owner[i] = v4.get(i);
        }

        ipv6 = new IpPrefix[v6.size()];
        ipv6Owner = new int[v6.size()];
        for (int i = 0; i < ipv6.length; i++)
        {
            ipv6[i] = new IpPrefix().set(prefixes.get(v6.get(i)));
            ipv6Owner[i] = v6.get(i);
        }
        this.why = why.toArray(new String[0]);
    }

    /**
     * @param prefix a ban's prefix, IPv4 or IPv6.
     * @return {@link #NONE}, or a match code for {@link #describe(int)}: the protected entry's index times 8 plus the
     * spelling it was matched in ({@link #AS_CONFIGURED} or an IPv6 spelling).
     */
    int find(final IpPrefix prefix)
    {
        if (prefix.family() == AddressFamily.IPV4)
        {
            return findIpv4(readInt(prefix, 0), prefix.prefixLength(), AS_CONFIGURED);
        }

        for (int i = 0; i < ipv6.length; i++)
        {
            if (ipv6[i].overlaps(prefix))
            {
                return ipv6Owner[i] << SPELLING_BITS;
            }
        }

        for (int spelling = 1; spelling < TEMPLATES.length; spelling++)
        {
            final int[] template = TEMPLATES[spelling];
            final int templateBits = template.length * Byte.SIZE;
            final int length = prefix.prefixLength();
            if (!matchesTemplate(prefix, template, Math.min(length, templateBits)))
            {
                continue;
            }
            if (length <= templateBits)
            {
                // The ban covers the whole block, so the spelling of every protected IPv4 prefix.
                return ipv4Owner.length == 0 ? NONE : ipv4Owner[0] << SPELLING_BITS | spelling;
            }
            final int match = findIpv4(
                readInt(prefix, template.length), Math.min(length - templateBits, IPV4_BITS), spelling);
            if (match != NONE)
            {
                return match;
            }
        }

        return NONE;
    }

    /**
     * @param match a code from {@link #find(IpPrefix)}, not {@link #NONE}.
     * @return the entry's reason, naming the IPv6 spelling when the match was through one.
     */
    String describe(final int match)
    {
        final int spelling = match & ((1 << SPELLING_BITS) - 1);
        final String reason = why[match >>> SPELLING_BITS];
        return spelling == AS_CONFIGURED ? reason : reason + ", in its " + SPELLING_NAMES[spelling] + " IPv6 spelling";
    }

    private int findIpv4(final int address, final int length, final int spelling)
    {
        for (int i = 0; i < ipv4Address.length; i++)
        {
            final int bits = Math.min(length, ipv4Length[i]);
            if (((address ^ ipv4Address[i]) & mask(bits)) == 0)
            {
                return ipv4Owner[i] << SPELLING_BITS | spelling;
            }
        }
        return NONE;
    }

    private static boolean matchesTemplate(final IpPrefix prefix, final int[] template, final int bits)
    {
        final int fullBytes = bits >>> 3;
        for (int i = 0; i < fullBytes; i++)
        {
            if (prefix.addressByte(i) != template[i])
            {
                return false;
            }
        }
        final int remainderBits = bits & 7;
        return remainderBits == 0 ||
            ((prefix.addressByte(fullBytes) ^ template[fullBytes]) & (0xFF << (8 - remainderBits)) & 0xFF) == 0;
    }

    private static int readInt(final IpPrefix prefix, final int offset)
    {
        return prefix.addressByte(offset) << 24 | prefix.addressByte(offset + 1) << 16 |
            prefix.addressByte(offset + 2) << 8 | prefix.addressByte(offset + 3);
    }

    private static int mask(final int bits)
    {
        return bits == 0 ? 0 : -1 << (IPV4_BITS - bits);
    }
}
