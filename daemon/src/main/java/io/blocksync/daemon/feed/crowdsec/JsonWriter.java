package io.blocksync.daemon.feed.crowdsec;

/**
 * JSON string literals (RFC 8259, section 7) for the bodies the bridge sends.
 */
final class JsonWriter
{
    private JsonWriter()
    {
    }

    static String string(final String value)
    {
        final StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                out.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
