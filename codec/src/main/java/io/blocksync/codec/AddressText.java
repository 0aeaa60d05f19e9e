package io.blocksync.codec;

import static io.blocksync.codec.AddressFamily.ADDRESS_FIELD_LENGTH;
import static io.blocksync.codec.AddressFamily.IPV4;
import static io.blocksync.codec.AddressFamily.IPV4_ADDRESS_LENGTH;
import static io.blocksync.codec.AddressFamily.IPV6;

/**
 * Text form of addresses and prefixes: a strict parser for {@code ADDR} or {@code ADDR/LEN} and the canonical
 * formatter (dotted quad for IPv4, RFC 5952 for IPv6).
 * <p>
 * The parser never resolves names: text that is not a literal address is an error, never a DNS lookup.
 * {@link #format(IpPrefix)} output re-parses to the same value with default lengths 32 and 128.
 */
public final class AddressText
{
    private static final int IPV6_GROUPS = AddressLiterals.IPV6_GROUPS;
    private static final int MAPPED_PREFIX_LENGTH = 96;
    static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private AddressText()
    {
    }

    /**
     * Parse {@code ADDR} or {@code ADDR/LEN}. Without {@code /LEN} the family's default length applies and the
     * address is masked to it; with an explicit length any set host bit is an error. IPv4-mapped IPv6 results are
     * normalised to IPv4 as {@link IpPrefix} does, and a mapped address without a length takes the IPv4 default.
     *
     * @param text              to parse; no whitespace, zone id or brackets allowed.
     * @param into              receives the value on success and is left unchanged on error.
     * @param defaultIpv4Length applied to IPv4 text without a length, 0 to 32.
     * @param defaultIpv6Length applied to IPv6 text without a length, 0 to 128.
     * @return null on success, otherwise a short message that quotes the text and says what is wrong.
     * @throws IllegalArgumentException if a default length is out of range.
     */
    public static String parse(
        final CharSequence text, final IpPrefix into, final int defaultIpv4Length, final int defaultIpv6Length)
    {
        checkDefaultLength(IPV4, defaultIpv4Length);
        checkDefaultLength(IPV6, defaultIpv6Length);
        if (null == text)
        {
            return "no address given";
        }

        final String error = AddressLiterals.checkCharacters(text);
        if (null != error)
        {
            return AddressLiterals.quote(text) + ": " + error;
        }

        final int length = text.length();
        final int slash = AddressLiterals.indexOf(text, '/', 0, length);
        if (slash >= 0 && AddressLiterals.indexOf(text, '/', slash + 1, length) >= 0)
        {
            return AddressLiterals.quote(text) + ": more than one '/'";
        }

        final int addressEnd = slash < 0 ? length : slash;
        if (0 == addressEnd)
        {
            return AddressLiterals.quote(text) + ": missing address before '/'";
        }

        final byte[] address = new byte[ADDRESS_FIELD_LENGTH];
        final int family;
        final String addressError;
        if (AddressLiterals.indexOf(text, ':', 0, addressEnd) >= 0)
        {
            family = IPV6;
            addressError = AddressLiterals.parseIpv6(text, 0, addressEnd, address);
        }
        else if (AddressLiterals.isDecimalDigit(text.charAt(0)))
        {
            family = IPV4;
            addressError = AddressLiterals.parseIpv4(text, 0, addressEnd, address, 0);
        }
        else
        {
            return AddressLiterals.quote(text) + ": not an IPv4 or IPv6 address";
        }

        if (null != addressError)
        {
            return AddressLiterals.quote(text) + ": " + addressError;
        }

        final IpPrefix value = new IpPrefix();
        if (slash < 0)
        {
            // The mapped form names an IPv4 host, so it takes the IPv4 default; set() then normalises it.
            final int prefixLength = IPV6 == family && IpPrefix.isIpv4Mapped(address) ?
                MAPPED_PREFIX_LENGTH + defaultIpv4Length :
                (IPV4 == family ? defaultIpv4Length : defaultIpv6Length);
            value.set(family, address, prefixLength);
            value.maskTo(value.prefixLength());
        }
        else
        {
            final int maxLength = AddressFamily.maxPrefixLength(family);
            final int prefixLength = AddressLiterals.parsePrefixLength(text, slash + 1, length, maxLength);
            if (prefixLength < 0)
            {
                return AddressLiterals.quote(text) + ": " + AddressLiterals.prefixLengthError(text, slash + 1, length, maxLength);
            }

            value.set(family, address, prefixLength);
            if (!value.isHostBitsZero())
            {
                final IpPrefix masked = new IpPrefix().set(value).maskTo(value.prefixLength());
                return AddressLiterals.quote(text) + ": host bits set (did you mean " + format(masked) + "?)";
            }
        }

        into.set(value);

        return null;
    }

    /**
     * Canonical text: the address as {@link #appendAddress(int, byte[], StringBuilder)} writes it, followed by
     * {@code /LEN} unless the prefix is a single host (/32 for IPv4, /128 for IPv6).
     *
     * @param prefix to format.
     * @return canonical text.
     */
    public static String format(final IpPrefix prefix)
    {
        final StringBuilder out = new StringBuilder(48);
        append(prefix, out);

        return out.toString();
    }

    /**
     * Append the canonical text of a prefix, see {@link #format(IpPrefix)}.
     *
     * @param prefix to format.
     * @param out    to append to.
     */
    public static void append(final IpPrefix prefix, final StringBuilder out)
    {
        appendAddress(prefix.family(), prefix.addressArray(), out);
        if (prefix.prefixLength() != AddressFamily.maxPrefixLength(prefix.family()))
        {
            out.append('/').append(prefix.prefixLength());
        }
    }

    /**
     * Format an address without a length.
     *
     * @param family    {@link AddressFamily#IPV4} or {@link AddressFamily#IPV6}.
     * @param address16 address in network byte order, at least the family's address length.
     * @return canonical address text.
     */
    public static String formatAddress(final int family, final byte[] address16)
    {
        final StringBuilder out = new StringBuilder(40);
        appendAddress(family, address16, out);

        return out.toString();
    }

    /**
     * Append an address without a length: IPv4 as a dotted quad, IPv6 per RFC 5952 (lowercase, no leading zeros,
     * the longest run of two or more zero groups as {@code ::}, leftmost on ties). Mapped IPv6 addresses are
     * written in hex since a value holding one as IPv6 has a length under /96.
     *
     * @param family    {@link AddressFamily#IPV4} or {@link AddressFamily#IPV6}.
     * @param address16 address in network byte order, at least the family's address length.
     * @param out       to append to.
     * @throws IllegalArgumentException if the family is invalid or the array too short.
     */
    public static void appendAddress(final int family, final byte[] address16, final StringBuilder out)
    {
        if (!AddressFamily.isValid(family))
        {
            throw new IllegalArgumentException("invalid address family: " + family);
        }

        if (address16.length < AddressFamily.addressLength(family))
        {
            throw new IllegalArgumentException(
                "address array has " + address16.length + " bytes, family " + family + " needs " +
                AddressFamily.addressLength(family));
        }

        if (IPV4 == family)
        {
            for (int i = 0; i < IPV4_ADDRESS_LENGTH; i++)
            {
                if (i > 0)
                {
                    out.append('.');
                }
                out.append(address16[i] & 0xFF);
            }
            return;
        }

        int bestStart = -1;
        int bestLength = 0;
        int runStart = -1;
        for (int i = 0; i <= IPV6_GROUPS; i++)
        {
            if (i < IPV6_GROUPS && 0 == group(address16, i))
            {
                if (runStart < 0)
                {
                    runStart = i;
                }
            }
            else if (runStart >= 0)
            {
                final int runLength = i - runStart;
                // Strictly longer keeps the leftmost of equal runs; RFC 5952 never compresses a single group.
                if (runLength >= 2 && runLength > bestLength)
                {
                    bestStart = runStart;
                    bestLength = runLength;
                }
                runStart = -1;
            }
        }

        int i = 0;
        while (i < IPV6_GROUPS)
        {
            if (i == bestStart)
            {
                out.append("::");
                i += bestLength;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength)
            {
                out.append(':');
            }
            appendHex(group(address16, i), out);
            i++;
        }
    }

    private static void checkDefaultLength(final int family, final int prefixLength)
    {
        if (prefixLength < 0 || prefixLength > AddressFamily.maxPrefixLength(family))
        {
            throw new IllegalArgumentException(
                "default IPv" + family + " prefix length " + prefixLength + " out of range 0-" +
                AddressFamily.maxPrefixLength(family));
        }
    }

    private static int group(final byte[] address16, final int index)
    {
        return ((address16[index * 2] & 0xFF) << 8) | (address16[index * 2 + 1] & 0xFF);
    }

    private static void appendHex(final int value, final StringBuilder out)
    {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            final int nibble = (value >>> shift) & 0xF;
            if (started || nibble != 0 || 0 == shift)
            {
                out.append(HEX_DIGITS[nibble]);
                started = true;
            }
        }
    }
}
