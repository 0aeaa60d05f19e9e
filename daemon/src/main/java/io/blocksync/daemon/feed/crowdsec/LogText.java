package io.blocksync.daemon.feed.crowdsec;

/**
 * Text from the LAPI (scenario, value, origin, scope, type, error bodies) made safe for a log line: a newline or
 * other control character in a decision must not start a line of its own that reads like one BlockSync wrote
 * (CWE-117). C0 and C1 controls, DEL, and the Unicode line, paragraph and bidirectional-override characters are
 * written as {@code \\uXXXX}; the text is cut at {@value #MAX_CHARS} characters.
 */
final class LogText
{
    static final int MAX_CHARS = 300;

    private LogText()
    {
    }

    static String printable(final String text)
    {
        return printable(text, MAX_CHARS);
    }

    /** @param maxChars where the text is cut ("..." follows). */
    static String printable(final String text, final int maxChars)
    {
        if (null == text)
        {
            return "null";
        }
        final int end = Math.min(text.length(), maxChars);
        final StringBuilder out = new StringBuilder(end + 16);
        for (int i = 0; i < end; i++)
        {
            final char c = text.charAt(i);
            if (isUnsafe(c))
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return text.length() > end ? out.append("...").toString() : out.toString();
    }

    private static boolean isUnsafe(final char c)
    {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029' ||
            (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }
}
