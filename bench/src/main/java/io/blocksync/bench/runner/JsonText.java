package io.blocksync.bench.runner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The little JSON the bench runner needs (RFC 8259): writing strings and numbers, and reading a whole document back
 * into maps, lists, strings, doubles, booleans and nulls for {@code --compare}.
 */
public final class JsonText
{
    private final String text;
    private int at;

    private JsonText(final String text)
    {
        this.text = text;
    }

    /** @return {@code text} as a JSON string literal. */
    public static String quote(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** @return a finite number with up to 4 significant decimals, or {@code null} for NaN and infinities. */
    public static String number(final double value)
    {
        if (!Double.isFinite(value))
        {
            return "null";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            return Long.toString((long)value);
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }

    /** @return a String quoted, a Number as {@link #number}, anything else as its quoted string form. */
    public static String value(final Object value)
    {
        if (value instanceof Number number)
        {
            return number(number.doubleValue());
        }
        return null == value ? "null" : quote(value.toString());
    }

    /** @return a number for the text report: 3 significant digits, thousands separated. */
    public static String readable(final double value)
    {
        if (!Double.isFinite(value))
        {
            return "-";
        }
        final double magnitude = Math.abs(value);
        if (magnitude >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return magnitude >= 10 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    /**
     * @param text a JSON document.
     * @return its value: {@code Map<String, Object>} (in order), {@code List<Object>}, String, Double, Boolean or null.
     * @throws IllegalArgumentException naming the offset, if it is not JSON.
     */
    public static Object parse(final String text)
    {
        final JsonText parser = new JsonText(text);
        final Object value = parser.readValue();
        parser.skipSpace();
        if (parser.at != text.length())
        {
            throw parser.error("text after the JSON value");
        }
        return value;
    }

    private Object readValue()
    {
        skipSpace();
        if (at >= text.length())
        {
            throw error("unexpected end");
        }
        final char c = text.charAt(at);
        switch (c)
        {
            case '{':
                return readObject();
            case '[':
                return readArray();
            case '"':
                return readString();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return readNumber();
        }
    }

    private Map<String, Object> readObject()
    {
        final Map<String, Object> object = new LinkedHashMap<>();
        at++;
        skipSpace();
        if (peek() == '}')
        {
            at++;
            return object;
        }
        while (true)
        {
            skipSpace();
            if (peek() != '"')
            {
                throw error("expected a key");
            }
            final String key = readString();
            skipSpace();
            expect(':');
            object.put(key, readValue());
            skipSpace();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect('}');
            return object;
        }
    }

    private List<Object> readArray()
    {
        final List<Object> array = new ArrayList<>();
        at++;
        skipSpace();
        if (peek() == ']')
        {
            at++;
            return array;
        }
        while (true)
        {
            array.add(readValue());
            skipSpace();
            if (peek() == ',')
            {
                at++;
                continue;
            }
            expect(']');
            return array;
        }
    }

    private String readString()
    {
        final StringBuilder out = new StringBuilder();
        at++;
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
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' ->
                {
                    if (at + 4 > text.length())
                    {
                        throw error("short \\u escape");
                    }
                    out.append((char)Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> out.append(escaped);
            }
        }
        throw error("unterminated string");
    }

    private Double readNumber()
    {
        final int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0)
        {
            at++;
        }
        try
        {
            return Double.valueOf(text.substring(start, at));
        }
        catch (final NumberFormatException ex)
        {
            at = start;
            throw error("expected a value");
        }
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, at))
        {
            throw error("expected " + word);
        }
        at += word.length();
        return value;
    }

    private char peek()
    {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("expected '" + c + "'");
        }
        at++;
    }

    private void skipSpace()
    {
        while (at < text.length() && Character.isWhitespace(text.charAt(at)))
        {
            at++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("not JSON at offset " + at + ": " + what);
    }
}
