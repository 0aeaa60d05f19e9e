package io.blocksync.nativeio;

/**
 * Byte strings from logs (interface names, log prefixes) shown and compared without building Strings. The bytes come
 * from the network or the kernel, so anything outside printable ASCII is escaped when shown: a hostile log prefix
 * cannot forge a log line.
 */
final class ByteText
{
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private ByteText()
    {
    }

    static void append(final byte[] bytes, final int length, final StringBuilder out)
    {
        for (int i = 0; i < length; i++)
        {
            final int b = bytes[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && '\\' != b)
            {
                out.append((char)b);
            }
            else
            {
                out.append("\\x").append(HEX_DIGITS[b >>> 4]).append(HEX_DIGITS[b & 0xF]);
            }
        }
    }

    static boolean equalsAscii(final byte[] bytes, final int length, final CharSequence text)
    {
        if (text.length() != length)
        {
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            if ((bytes[i] & 0xFF) != text.charAt(i))
            {
                return false;
            }
        }

        return true;
    }

    /**
     * @return bytes written: the text's chars as Latin-1, cut at the array's length.
     */
    static int fromAscii(final CharSequence text, final byte[] into)
    {
        final int length = Math.min(text.length(), into.length);
        for (int i = 0; i < length; i++)
        {
            into[i] = (byte)text.charAt(i);
        }

        return length;
    }
}
