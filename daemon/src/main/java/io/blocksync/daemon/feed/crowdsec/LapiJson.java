package io.blocksync.daemon.feed.crowdsec;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import com.google.gson.stream.MalformedJsonException;

import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The LAPI's JSON (RFC 8259), read strictly with Gson's streaming {@link JsonReader} ({@link Strictness#STRICT}: no
 * comments, single quotes, unquoted names, NaN, bad {@code \\u} escapes or trailing data). Values become objects
 * ({@link Map}, a name given twice is refused), arrays ({@link List}), strings, {@link Number}s (the literal as sent),
 * booleans and null. Nesting is limited to {@value #MAX_DEPTH} levels, strings and numbers to
 * {@value #MAX_TOKEN_CHARS} characters ({@link TokenLimitReader}). Runs on the bridge's threads, never the loop.
 * Every refusal is an {@link IllegalArgumentException} of one line naming the place in the input (Gson's path and
 * column).
 */
final class LapiJson
{
    static final int MAX_DEPTH = 64;
    /** The longest string or literal taken, in characters: a decision's longest field, a scenario, is far shorter. */
    static final int MAX_TOKEN_CHARS = 4_096;

    /** A JSON number as the LAPI sent it; {@link #longValue()} takes integers only (a decision id of 1.5 or 1e3 is no id). */
    record Number(String literal)
    {
        /** @throws IllegalArgumentException when the literal is not an integer that fits a long. */
        long longValue()
        {
            try
            {
                return Long.parseLong(literal);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("'" + literal + "' is not an integer");
            }
        }

        @Override
        public String toString()
        {
            return literal;
        }
    }

    private LapiJson()
    {
    }

    /** @throws IllegalArgumentException one line: what is wrong and where. */
    static Object parse(final String text)
    {
        try
        {
            return parse(new StringReader(text));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * One whole JSON text from the reader, nothing after it.
     *
     * @throws IllegalArgumentException one line: what is wrong and where.
     * @throws IOException              when the reader fails (the connection, or {@link BoundedInputStream.TooLong}).
     */
    static Object parse(final Reader in) throws IOException
    {
        final JsonReader reader = reader(in);
        try
        {
            final Object value = value(reader, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT)
            {
                throw new IllegalArgumentException("bad JSON: data after the value at " + reader.getPath());
            }
            return value;
        }
        catch (final MalformedJsonException | EOFException | IllegalStateException | NumberFormatException ex)
        {
            throw refusal(ex);
        }
    }

    static JsonReader reader(final Reader in)
    {
        final JsonReader reader = new JsonReader(new TokenLimitReader(in, MAX_TOKEN_CHARS));
        reader.setStrictness(Strictness.STRICT);
        reader.setNestingLimit(MAX_DEPTH);
        return reader;
    }

    /** The next value of the reader, whole. */
    static Object value(final JsonReader reader, final int depth) throws IOException
    {
        if (depth > MAX_DEPTH)
        {
            throw new IllegalArgumentException("bad JSON: more than " + MAX_DEPTH + " levels of nesting at " + reader.getPath());
        }
        switch (reader.peek())
        {
            case BEGIN_OBJECT:
            {
                final Map<String, Object> object = new LinkedHashMap<>();
                reader.beginObject();
                while (reader.hasNext())
                {
                    final String name = reader.nextName();
                    if (object.containsKey(name))
                    {
                        throw new IllegalArgumentException("bad JSON: the name '" + LogText.printable(name) +
                            "' is given twice at " + reader.getPath());
                    }
                    object.put(name, value(reader, depth + 1));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY:
            {
                final List<Object> array = new ArrayList<>();
                reader.beginArray();
                while (reader.hasNext())
                {
                    array.add(value(reader, depth + 1));
                }
                reader.endArray();
                return array;
            }
            case STRING:
                return reader.nextString();
            case NUMBER:
                return new Number(reader.nextString());
            case BOOLEAN:
                return reader.nextBoolean();
            case NULL:
                reader.nextNull();
                return null;
            default:
                throw new IllegalArgumentException("bad JSON: expected a value at " + reader.getPath());
        }
    }

    /** Gson's message cut to its first line (it adds a link to its troubleshooting guide on the next). */
    static IllegalArgumentException refusal(final Exception ex)
    {
        if (ex instanceof IllegalArgumentException refused)
        {
            return refused;
        }
        final String message = null == ex.getMessage() ? ex.getClass().getSimpleName() : ex.getMessage();
        final int newline = message.indexOf('\n');
        return new IllegalArgumentException("bad JSON: " + LogText.printable(newline < 0 ? message : message.substring(0, newline)), ex);
    }
}
