package io.blocksync.daemon.feed.crowdsec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON reading (RFC 8259) for the LAPI's replies: objects become {@link Map}s, arrays {@link List}s,
 * strings {@link String}s, numbers {@link Double}s or {@link Long}s, {@code true}/{@code false} {@link Boolean}s,
 * {@code null} null. Runs on the bridge's threads, never the loop. Nesting is limited to 64 levels.
 */
final class JsonReader
{
    private static final int MAX_DEPTH = 64;

    private final String text;
    private int at;

    private JsonReader(final String text)
    {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException naming the offset and what was expected there.
     */
    static Object parse(final String text)
    {
        final JsonReader reader = new JsonReader(text);
        final Object value = reader.value(0);
        reader.skipSpace();
        if (reader.at != text.length())
        {
            throw reader.error("end of input");
        }
        return value;
    }

    private Object value(final int depth)
    {
        if (depth > MAX_DEPTH)
        {
            throw error("at most " + MAX_DEPTH + " levels of nesting");
        }
        skipSpace();
        if (at >= text.length())
        {
            throw error("a value");
        }
        final char c = text.charAt(at);
        switch (c)
        {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return word("true", Boolean.TRUE);
            case 'f':
                return word("false", Boolean.FALSE);
            case 'n':
                return word("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object(final int depth)
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (peek('}'))
        {
            at++;
            return object;
        }
        while (true)
        {
            skipSpace();
            if (!peek('"'))
            {
                throw error("a member name");
            }
            final String key = string();
            skipSpace();
            expect(':');
            object.put(key, value(depth + 1));
            skipSpace();
            if (peek(','))
            {
                at++;
                continue;
            }
            expect('}');
            return object;
        }
    }

    private List<Object> array(final int depth)
    {
        final List<Object> array = new ArrayList<>();
        at++;
        skipSpace();
        if (peek(']'))
        {
            at++;
            return array;
        }
        while (true)
        {
            array.add(value(depth + 1));
            skipSpace();
            if (peek(','))
            {
                at++;
                continue;
            }
            expect(']');
            return array;
        }
    }

    private String string()
    {
        at++;
        final StringBuilder out = new StringBuilder();
        while (at < text.length())
        {
            final char c = text.charAt(at++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            if (at >= text.length())
            {
                break;
            }
            final char escaped = text.charAt(at++);
            switch (escaped)
            {
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' ->
                {
                    if (at + 4 > text.length())
                    {
                        throw error("four hex digits after \\u");
                    }
                    try
                    {
                        out.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw error("four hex digits after \\u");
                    }
                    at += 4;
                }
                case '"', '\\', '/' -> out.append(escaped);
                default -> throw error("a valid escape");
            }
        }
        throw error("the end of a string");
    }

    private Object number()
    {
        final int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
        final String number = text.substring(start, at);
        try
        {
            if (number.indexOf('.') < 0 && number.indexOf('e') < 0 && number.indexOf('E') < 0)
            {
                return Long.parseLong(number);
            }
            return Double.parseDouble(number);
        }
        catch (final NumberFormatException ex)
        {
            at = start;
            throw error("a value");
        }
    }

    private Object word(final String word, final Object value)
    {
        if (!text.startsWith(word, at))
        {
            throw error("a value");
        }
        at += word.length();
        return value;
    }

    private boolean peek(final char c)
    {
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(final char c)
    {
        if (!peek(c))
        {
            throw error("'" + c + "'");
        }
        at++;
    }

    private void skipSpace()
    {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
    }

    private IllegalArgumentException error(final String expected)
    {
        return new IllegalArgumentException("bad JSON at offset " + at + ": expected " + expected);
    }
}
