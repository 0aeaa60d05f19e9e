package io.blocksync.bench.runner;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;

import java.util.Locale;

/**
 * The little JSON the bench runner needs (RFC 8259), on Gson: writing strings and numbers, and reading a whole
 * document back into maps, lists, strings, doubles, booleans and nulls for {@code --compare}.
 */
public final class JsonText
{
    private static final Gson READER = new GsonBuilder()
        .setStrictness(Strictness.STRICT)
        .setObjectToNumberStrategy(ToNumberPolicy.DOUBLE)
        .serializeNulls()
        .create();

    private JsonText()
    {
    }

    /** @return {@code text} as a JSON string literal (RFC 8259 section 7, escaped by Gson). */
    public static String quote(final String text)
    {
        return new JsonPrimitive(text).toString();
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
     * @param text a JSON document (RFC 8259, read strictly by Gson).
     * @return its value: {@code Map<String, Object>} (in order), {@code List<Object>}, String, Double, Boolean or null.
     * @throws IllegalArgumentException with Gson's reason (line and column), if it is not one whole JSON value.
     */
    public static Object parse(final String text)
    {
        try
        {
            return READER.fromJson(text, Object.class);
        }
        catch (final JsonParseException ex)
        {
            throw new IllegalArgumentException("not JSON: " + reason(ex), ex);
        }
    }

    /** Gson's reason on one line, without its advice to parse leniently and its link. */
    private static String reason(final JsonParseException ex)
    {
        final Throwable cause = null == ex.getCause() ? ex : ex.getCause();
        final String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return message.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    }
}
