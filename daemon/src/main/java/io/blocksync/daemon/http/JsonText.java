package io.blocksync.daemon.http;

import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The JSON of {@code /status} (RFC 8259), written through Gson's {@link JsonWriter}: compact, nulls kept, no HTML
 * escaping. Brackets and keys are the caller's; numbers with a fraction keep three decimals.
 */
final class JsonText
{
    private final StringWriter text = new StringWriter(4096);
    private final JsonWriter out = new JsonWriter(text);

    JsonText()
    {
        out.setSerializeNulls(true);
        out.setHtmlSafe(false);
    }

    /** {@code bracket} is '{' or '['. */
    JsonText open(final char bracket)
    {
        return write(() -> { if ('{' == bracket) out.beginObject(); else out.beginArray(); });
    }

    /** {@code bracket} is '}' or ']'. */
    JsonText close(final char bracket)
    {
        return write(() -> { if ('}' == bracket) out.endObject(); else out.endArray(); });
    }

    /** A key inside an object; the value follows. */
    JsonText key(final String key)
    {
        return write(() -> out.name(key));
    }

    JsonText value(final String value)
    {
        return write(() -> out.value(value));
    }

    JsonText value(final long value)
    {
        return write(() -> out.value(value));
    }

    JsonText value(final boolean value)
    {
        return write(() -> out.value(value));
    }

    /** A whole number, or null (not known yet). */
    JsonText whole(final Long value)
    {
        return write(() -> out.value(value));
    }

    /** A number with a fraction (three decimals), or null. */
    JsonText decimal(final Double value)
    {
        return write(() -> out.jsonValue(null == value ? null : String.format(Locale.ROOT, "%.3f", value)));
    }

    @Override
    public String toString()
    {
        return text.toString();
    }

    private JsonText write(final Write write)
    {
        try
        {
            write.run();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex); // a StringWriter does not fail
        }
        return this;
    }

    @FunctionalInterface
    private interface Write
    {
        void run() throws IOException;
    }
}
