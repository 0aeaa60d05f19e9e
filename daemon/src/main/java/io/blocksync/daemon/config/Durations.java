package io.blocksync.daemon.config;

/**
 * Duration text: a whole number of seconds ({@code 90}) or numbers with units from largest to smallest, each unit at
 * most once: {@code 2w}, {@code 7d}, {@code 1h30m}, {@code 45s}, and for millisecond settings also {@code 200ms}
 * or {@code 1s500ms}. Units are lowercase; m is minutes.
 */
public final class Durations
{
    /**
     * The duration of a ban without end, as on the wire.
     */
    public static final long PERMANENT = 0;

    public static final String PERMANENT_TEXT = "permanent";

    private static final String SECONDS_EXAMPLES = "30s, 15m, 1h, 7d";
    private static final String MILLIS_EXAMPLES = "200ms, 30s, 15m, 1h";
    private static final String[] UNITS = { "w", "d", "h", "m", "s", "ms" };
    private static final long[] UNIT_MILLIS = { 604_800_000L, 86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L };
    private static final int MILLIS_UNIT = UNITS.length - 1;

    private Durations()
    {
    }

    /**
     * @param text such as {@code 30s}, {@code 1h30m}, {@code 7d} or {@code 90}.
     * @return whole seconds, 0 or more.
     * @throws IllegalArgumentException quoting the text, e.g. "'1x': expected a duration such as 30s, 15m, 1h, 7d".
     */
    public static long parseSeconds(final String text)
    {
        return parse(text, false);
    }

    /**
     * @param text such as {@code 200ms}, {@code 1s500ms}, {@code 5s} or {@code 2} (seconds).
     * @return milliseconds, 0 or more.
     * @throws IllegalArgumentException quoting the text and saying what was expected.
     */
    public static long parseMillis(final String text)
    {
        return parse(text, true);
    }

    /**
     * A ban length: {@code permanent} or a duration of at least one second.
     *
     * @param text such as {@code 1h} or {@code permanent}.
     * @return seconds, or {@link #PERMANENT}.
     * @throws IllegalArgumentException quoting the text and saying what was expected.
     */
    public static long parseBanSeconds(final String text)
    {
        if (PERMANENT_TEXT.equals(text))
        {
            return PERMANENT;
        }

        final long seconds = parse(text, false);
        if (0 == seconds)
        {
            throw new IllegalArgumentException(
                Quoted.quote(text) + ": a ban must last at least 1s; write 'permanent' for a ban without end");
        }

        return seconds;
    }

    /**
     * @param seconds 0 or more.
     * @return compact text that {@link #parseSeconds(String)} reads back: "1h30m", "2d", "45s", "0s".
     */
    public static String formatSeconds(final long seconds)
    {
        if (seconds < 0)
        {
            throw new IllegalArgumentException("negative duration: " + seconds);
        }

        // Weeks are left out on purpose: "30d" reads better than "4w2d".
        return 0 == seconds ? "0s" : appendUnits(new StringBuilder(), seconds, 1000, MILLIS_UNIT - 1).toString();
    }

    /**
     * @param seconds a ban length from {@link #parseBanSeconds(String)}.
     * @return "permanent" for {@link #PERMANENT}, otherwise as {@link #formatSeconds(long)}.
     */
    public static String formatBanSeconds(final long seconds)
    {
        return PERMANENT == seconds ? PERMANENT_TEXT : formatSeconds(seconds);
    }

    /**
     * @param millis 0 or more.
     * @return compact text that {@link #parseMillis(String)} reads back: "200ms", "1s500ms", "5s", "0ms".
     */
    public static String formatMillis(final long millis)
    {
        if (millis < 0)
        {
            throw new IllegalArgumentException("negative duration: " + millis + "ms");
        }

        return 0 == millis ? "0ms" : appendUnits(new StringBuilder(), millis, 1, MILLIS_UNIT).toString();
    }

    /**
     * Write days down to lastUnit; the value is in milliseconds divided by divisor (1000 for seconds).
     */
    private static StringBuilder appendUnits(
        final StringBuilder out, final long value, final long divisor, final int lastUnit)
    {
        long rest = value;
        for (int unit = 1; unit <= lastUnit; unit++)
        {
            final long unitValue = UNIT_MILLIS[unit] / divisor;
            final long count = rest / unitValue;
            if (count > 0)
            {
                out.append(count).append(UNITS[unit]);
                rest -= count * unitValue;
            }
        }

        return out;
    }

    /**
     * @return the value in milliseconds when millisAllowed, otherwise in seconds.
     */
    private static long parse(final String text, final boolean millisAllowed)
    {
        if (null == text || text.isEmpty())
        {
            throw invalid(null == text ? "" : text, millisAllowed);
        }

        final long secondScale = millisAllowed ? 1000 : 1;
        if (isDigits(text, 0, text.length()))
        {
            return scaled(text, parseNumber(text, 0, text.length()), secondScale);
        }

        long total = 0;
        int previousUnit = -1;
        int i = 0;
        while (i < text.length())
        {
            final int numberStart = i;
            while (i < text.length() && isDigit(text.charAt(i)))
            {
                i++;
            }

            final int unitStart = i;
            while (i < text.length() && text.charAt(i) >= 'a' && text.charAt(i) <= 'z')
            {
                i++;
            }

            final int unit = unitIndex(text, unitStart, i);
            if (numberStart == unitStart || unit < 0)
            {
                throw invalid(text, millisAllowed);
            }

            if (MILLIS_UNIT == unit && !millisAllowed)
            {
                throw new IllegalArgumentException(Quoted.quote(text) +
                    ": milliseconds are not accepted here; expected whole seconds such as " + SECONDS_EXAMPLES);
            }

            if (unit <= previousUnit)
            {
                throw new IllegalArgumentException(Quoted.quote(text) +
                    ": units must go from largest to smallest, each at most once, e.g. 1h30m");
            }
            previousUnit = unit;

            final long number = parseNumber(text, numberStart, unitStart);
            final long unitValue = millisAllowed ? UNIT_MILLIS[unit] : UNIT_MILLIS[unit] / 1000;
            try
            {
                total = Math.addExact(total, Math.multiplyExact(number, unitValue));
            }
            catch (final ArithmeticException ex)
            {
                throw tooLarge(text);
            }
        }

        return total;
    }

    private static long scaled(final String text, final long value, final long scale)
    {
        try
        {
            return Math.multiplyExact(value, scale);
        }
        catch (final ArithmeticException ex)
        {
            throw tooLarge(text);
        }
    }

    private static long parseNumber(final String text, final int start, final int end)
    {
        try
        {
            return Long.parseLong(text, start, end, 10);
        }
        catch (final NumberFormatException ex)
        {
            throw tooLarge(text);
        }
    }

    private static int unitIndex(final String text, final int start, final int end)
    {
        for (int unit = 0; unit < UNITS.length; unit++)
        {
            if (UNITS[unit].length() == end - start && text.startsWith(UNITS[unit], start))
            {
                return unit;
            }
        }

        return -1;
    }

    private static boolean isDigits(final String text, final int start, final int end)
    {
        for (int i = start; i < end; i++)
        {
            if (!isDigit(text.charAt(i)))
            {
                return false;
            }
        }

        return end > start;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private static IllegalArgumentException invalid(final String text, final boolean millisAllowed)
    {
        return new IllegalArgumentException(Quoted.quote(text) + ": expected a duration such as " +
            (millisAllowed ? MILLIS_EXAMPLES : SECONDS_EXAMPLES));
    }

    private static IllegalArgumentException tooLarge(final String text)
    {
        return new IllegalArgumentException(Quoted.quote(text) + ": duration is too large");
    }
}
