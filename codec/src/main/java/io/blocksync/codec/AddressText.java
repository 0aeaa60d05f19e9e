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
    private static final int IPV6_GROUPS = 8;
    private static final int MAX_GROUP_DIGITS = 4;
    private static final int MAPPED_PREFIX_LENGTH = 96;
    private static final int MAX_QUOTED_LENGTH = 100;
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

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

        final String error = checkCharacters(text);
        if (null != error)
        {
            return quote(text) + ": " + error;
        }

        final int length = text.length();
        final int slash = indexOf(text, '/', 0, length);
        if (slash >= 0 && indexOf(text, '/', slash + 1, length) >= 0)
        {
            return quote(text) + ": more than one '/'";
        }

        final int addressEnd = slash < 0 ? length : slash;
        if (0 == addressEnd)
        {
            return quote(text) + ": missing address before '/'";
        }

        final byte[] address = new byte[ADDRESS_FIELD_LENGTH];
        final int family;
        final String addressError;
        if (indexOf(text, ':', 0, addressEnd) >= 0)
        {
            family = IPV6;
            addressError = parseIpv6(text, 0, addressEnd, address);
        }
        else if (isDecimalDigit(text.charAt(0)))
        {
            family = IPV4;
            addressError = parseIpv4(text, 0, addressEnd, address, 0);
        }
        else
        {
            return quote(text) + ": not an IPv4 or IPv6 address";
        }

        if (null != addressError)
        {
            return quote(text) + ": " + addressError;
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
            final int prefixLength = parsePrefixLength(text, slash + 1, length, maxLength);
            if (prefixLength < 0)
            {
                return quote(text) + ": " + prefixLengthError(text, slash + 1, length, maxLength);
            }

            value.set(family, address, prefixLength);
            if (!value.isHostBitsZero())
            {
                final IpPrefix masked = new IpPrefix().set(value).maskTo(value.prefixLength());
                return quote(text) + ": host bits set (did you mean " + format(masked) + "?)";
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

    private static String parseIpv4(
        final CharSequence text, final int start, final int end, final byte[] out, final int outOffset)
    {
        int octet = 0;
        int i = start;
        while (true)
        {
            final int partStart = i;
            while (i < end && text.charAt(i) != '.')
            {
                i++;
            }

            if (octet == IPV4_ADDRESS_LENGTH)
            {
                return "more than 4 octets";
            }

            final int number = octet + 1;
            final int partLength = i - partStart;
            if (0 == partLength)
            {
                return "octet " + number + " is empty";
            }

            int value = 0;
            for (int j = partStart; j < i; j++)
            {
                final char c = text.charAt(j);
                if (!isDecimalDigit(c))
                {
                    return "octet " + number + " '" + fragment(text, partStart, i) + "' is not a decimal number";
                }
                value = partLength > 3 ? value : value * 10 + (c - '0');
            }

            if (partLength > 1 && text.charAt(partStart) == '0')
            {
                return "octet " + number + " '" + fragment(text, partStart, i) +
                    "' has a leading zero (ambiguous octal)";
            }

            if (partLength > 3 || value > 255)
            {
                return "octet " + number + " is " + fragment(text, partStart, i) + ", expected 0-255";
            }

            out[outOffset + octet] = (byte)value;
            octet++;

            if (i == end)
            {
                break;
            }
            i++;
        }

        if (octet < IPV4_ADDRESS_LENGTH)
        {
            return "expected 4 octets, found " + octet;
        }

        return null;
    }

    private static String parseIpv6(final CharSequence text, final int start, final int end, final byte[] out)
    {
        int groups = 0;
        int compressAt = -1;
        int i = start;

        if (end - start >= 2 && text.charAt(start) == ':' && text.charAt(start + 1) == ':')
        {
            compressAt = 0;
            i += 2;
        }
        else if (text.charAt(start) == ':')
        {
            return "leading ':' must be part of '::'";
        }

        while (i < end)
        {
            final int groupStart = i;
            int value = 0;
            while (i < end && hexValue(text.charAt(i)) >= 0)
            {
                value = (value << 4) | hexValue(text.charAt(i));
                i++;
                if (i - groupStart > MAX_GROUP_DIGITS)
                {
                    while (i < end && hexValue(text.charAt(i)) >= 0)
                    {
                        i++;
                    }
                    return "group '" + fragment(text, groupStart, i) + "' has more than 4 hex digits";
                }
            }

            if (i < end && text.charAt(i) == '.')
            {
                if (indexOf(text, ':', groupStart, end) >= 0)
                {
                    return "embedded IPv4 address must be the last 32 bits";
                }

                if (groups > IPV6_GROUPS - 2)
                {
                    return "too many groups before the embedded IPv4 address";
                }

                final String error = parseIpv4(text, groupStart, end, out, groups * 2);
                if (null != error)
                {
                    return "embedded IPv4 " + error;
                }

                groups += 2;
                i = end;
                break;
            }

            if (i == groupStart)
            {
                final char c = text.charAt(i);
                return ':' == c ? "':::' is not valid" : "unexpected character '" + c + "'";
            }

            if (groups == IPV6_GROUPS)
            {
                return "more than 8 groups";
            }

            out[groups * 2] = (byte)(value >>> 8);
            out[groups * 2 + 1] = (byte)value;
            groups++;

            if (i == end)
            {
                break;
            }

            final char c = text.charAt(i);
            if (c != ':')
            {
                return "unexpected character '" + c + "'";
            }
            i++;

            if (i < end && text.charAt(i) == ':')
            {
                if (compressAt >= 0)
                {
                    return "more than one '::'";
                }
                compressAt = groups;
                i++;
            }
            else if (i == end)
            {
                return "trailing ':' must be part of '::'";
            }
        }

        if (compressAt < 0)
        {
            if (groups != IPV6_GROUPS)
            {
                return "expected 8 groups, found " + groups;
            }
        }
        else
        {
            if (groups >= IPV6_GROUPS)
            {
                return "'::' must stand for at least one zero group";
            }

            final int tailBytes = (groups - compressAt) * 2;
            final int gapStart = compressAt * 2;
            System.arraycopy(out, gapStart, out, ADDRESS_FIELD_LENGTH - tailBytes, tailBytes);
            for (int j = gapStart, gapEnd = ADDRESS_FIELD_LENGTH - tailBytes; j < gapEnd; j++)
            {
                out[j] = 0;
            }
        }

        return null;
    }

    /**
     * @return the length, or -1 if the text is not a valid length for the family.
     */
    private static int parsePrefixLength(final CharSequence text, final int start, final int end, final int max)
    {
        final int digits = end - start;
        if (digits < 1 || digits > 3 || (digits > 1 && text.charAt(start) == '0'))
        {
            return -1;
        }

        int value = 0;
        for (int i = start; i < end; i++)
        {
            final char c = text.charAt(i);
            if (!isDecimalDigit(c))
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }

        return value <= max ? value : -1;
    }

    private static String prefixLengthError(final CharSequence text, final int start, final int end, final int max)
    {
        if (start == end)
        {
            return "empty prefix length after '/'";
        }

        final String digits = fragment(text, start, end);
        for (int i = start; i < end; i++)
        {
            if (!isDecimalDigit(text.charAt(i)))
            {
                return "prefix length '" + digits + "' is not a decimal number";
            }
        }

        if (end - start > 1 && text.charAt(start) == '0')
        {
            return "prefix length '" + digits + "' has a leading zero";
        }

        return "prefix length " + digits + " exceeds " + max;
    }

    private static String checkCharacters(final CharSequence text)
    {
        final int length = text.length();
        if (0 == length)
        {
            return "empty address";
        }

        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c))
            {
                return 0 == i || length - 1 == i ? "leading or trailing whitespace" : "contains whitespace";
            }

            if (Character.isISOControl(c))
            {
                return "contains a control character";
            }

            if ('%' == c)
            {
                return "zone ids are not accepted";
            }

            if ('[' == c || ']' == c)
            {
                return "brackets are not accepted";
            }
        }

        return null;
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

    /**
     * Quote input for an error message; escape control characters and cap the length so hostile input cannot
     * forge log lines or flood them.
     */
    private static String quote(final CharSequence text)
    {
        return "'" + fragment(text, 0, text.length()) + "'";
    }

    private static String fragment(final CharSequence text, final int start, final int end)
    {
        final int shownEnd = Math.min(end, start + MAX_QUOTED_LENGTH);
        final StringBuilder out = new StringBuilder(shownEnd - start + 8);
        for (int i = start; i < shownEnd; i++)
        {
            final char c = text.charAt(i);
            if (Character.isISOControl(c))
            {
                out.append("\\u");
                for (int shift = 12; shift >= 0; shift -= 4)
                {
                    out.append(HEX_DIGITS[(c >>> shift) & 0xF]);
                }
            }
            else
            {
                out.append(c);
            }
        }

        if (end > shownEnd)
        {
            out.append("...");
        }

        return out.toString();
    }

    private static int indexOf(final CharSequence text, final char c, final int start, final int end)
    {
        for (int i = start; i < end; i++)
        {
            if (text.charAt(i) == c)
            {
                return i;
            }
        }

        return -1;
    }

    private static boolean isDecimalDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    // ASCII only: Character.digit would accept full-width and other Unicode digits.
    private static int hexValue(final char c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }

        if (c >= 'a' && c <= 'f')
        {
            return c - 'a' + 10;
        }

        if (c >= 'A' && c <= 'F')
        {
            return c - 'A' + 10;
        }

        return -1;
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
