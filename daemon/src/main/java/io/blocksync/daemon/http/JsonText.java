package io.blocksync.daemon.http;

/**
 * Just enough JSON writing for {@code /status}: strings escaped per RFC 8259, numbers as Java prints them.
 */
final class JsonText
{
    private final StringBuilder out = new StringBuilder(4096);
    private boolean first = true;

    JsonText open(final char bracket)
    {
        comma();
        out.append(bracket);
        first = true;
        return this;
    }

    JsonText close(final char bracket)
    {
        out.append(bracket);
        first = false;
        return this;
    }

    /** A key inside an object; the value follows. */
    JsonText key(final String key)
    {
        comma();
        string(key);
        out.append(':');
        first = true;
        return this;
    }

    JsonText value(final String value)
    {
        comma();
        if (null == value)
        {
            out.append("null");
        }
        else
        {
            string(value);
        }
        first = false;
        return this;
    }

    JsonText value(final long value)
    {
        comma();
        out.append(value);
        first = false;
        return this;
    }

    JsonText value(final boolean value)
    {
        comma();
        out.append(value);
        first = false;
        return this;
    }

    /** A whole number, or null (not known yet). */
    JsonText whole(final Long value)
    {
        comma();
        out.append(null == value ? "null" : value.toString());
        first = false;
        return this;
    }

    /** A number with a fraction, or null. */
    JsonText decimal(final Double value)
    {
        comma();
        out.append(null == value ? "null" : String.format(java.util.Locale.ROOT, "%.3f", value));
        first = false;
        return this;
    }

    @Override
    public String toString()
    {
        return out.toString();
    }

    private void comma()
    {
        if (!first)
        {
            out.append(',');
        }
        first = true;
    }

    private void string(final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
