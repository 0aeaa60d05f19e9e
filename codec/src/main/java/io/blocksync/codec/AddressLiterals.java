package io.blocksync.codec;

import static io.blocksync.codec.AddressFamily.ADDRESS_FIELD_LENGTH;
import static io.blocksync.codec.AddressFamily.IPV4_ADDRESS_LENGTH;

/**
 * The pieces of {@link AddressText}'s parser: dotted-quad and RFC 4291 section 2.2 IPv6 literals (with an embedded
 * IPv4 tail), prefix lengths, and the short, quoted messages that say what is wrong. Never resolves names.
 */
final class AddressLiterals
{
    /** Groups of 16 bits in an IPv6 address. */
    static final int IPV6_GROUPS = 8;
    private static final int MAX_GROUP_DIGITS = 4;
    /** Longer input is shown cut, so a hostile line cannot flood a message. */
    private static final int MAX_QUOTED_LENGTH = 100;

    private AddressLiterals()
    {
    }

    static String parseIpv4(
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

    static String parseIpv6(final CharSequence text, final int start, final int end, final byte[] out)
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
    static int parsePrefixLength(final CharSequence text, final int start, final int end, final int max)
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

    static String prefixLengthError(final CharSequence text, final int start, final int end, final int max)
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

    static String checkCharacters(final CharSequence text)
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

    /**
     * Quote input for an error message; escape control characters and cap the length so hostile input cannot
     * forge log lines or flood them.
     */
    static String quote(final CharSequence text)
    {
        return "'" + fragment(text, 0, text.length()) + "'";
    }

    static String fragment(final CharSequence text, final int start, final int end)
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
                    out.append(AddressText.HEX_DIGITS[(c >>> shift) & 0xF]);
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

    static int indexOf(final CharSequence text, final char c, final int start, final int end)
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

    static boolean isDecimalDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    // ASCII only: Character.digit would accept full-width and other Unicode digits.
    static int hexValue(final char c)
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
}
