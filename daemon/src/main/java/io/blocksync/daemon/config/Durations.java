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
    /** fail2ban's {@code bantime = -1} (jail.conf(5): "a negative number is a permanent ban"), read as permanent. */
    public static final String FAIL2BAN_PERMANENT = "-1";

    /** Longest ban a record carries: its duration is an unsigned 32-bit count of seconds, about 136 years. */
    public static final long MAX_RECORD_SECONDS = 0xFFFF_FFFFL;

    /** The forms of a ban length, quoted in every refusal. */
    public static final String BAN_FORMS = "permanent, 30s, 15m, 1h, 30d, 2w, 1h30m";

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
     * A ban length as every door reads it (the CLI's {@code --duration}, the control socket's SECONDS, the config
     * file's ban durations), limited only by the record: at most {@link #MAX_RECORD_SECONDS}.
     *
     * @param text such as {@code 1h}, {@code 90} or {@code permanent}.
     * @return seconds (1 to {@link #MAX_RECORD_SECONDS}), or {@link #PERMANENT}.
     * @throws IllegalArgumentException one line naming the text, why it is refused and the accepted forms.
     */
    public static long parseBanSeconds(final String text)
    {
        return parseBanSeconds(text, PERMANENT);
    }

    /**
     * A ban length that must also fit a node's {@code max-duration}: {@code 0}, negative, malformed, overflowing
     * and too long lengths are refused, never clamped or turned into the default.
     *
     * @param text       such as {@code 1h}, {@code 90}, {@code permanent} or fail2ban's {@code -1} (permanent too).
     * @param maxSeconds the longest ban accepted, {@link #PERMANENT} when bans without end are allowed.
     * @return seconds (1 to the smaller of maxSeconds and {@link #MAX_RECORD_SECONDS}), or {@link #PERMANENT}.
     * @throws IllegalArgumentException one line, e.g. "'0': a ban must last at least 1s; accepted: permanent, 30s,
     * 15m, 1h, 30d, 2w, 1h30m".
     */
    public static long parseBanSeconds(final String text, final long maxSeconds)
    {
        final String accepted = PERMANENT == maxSeconds ? BAN_FORMS :
            "1s to " + formatSeconds(maxSeconds) + " (max-duration), e.g. 30s, 15m, 1h, 1h30m";
        if (PERMANENT_TEXT.equals(text) || FAIL2BAN_PERMANENT.equals(text))
        {
            if (PERMANENT != maxSeconds)
            {
                throw banRefused(text, "bans without end are off here (max-duration is " +
                    formatSeconds(maxSeconds) + ")", accepted);
            }
            return PERMANENT;
        }

        final long seconds;
        try
        {
            seconds = parseValue(null == text ? "" : text, false);
        }
        catch (final Refusal refusal)
        {
            final String why = null != text && text.startsWith("-") ? "a ban cannot last a negative time" :
                Refusal.TOO_LARGE == refusal.kind ? recordLimit() :
                Refusal.NOT_A_DURATION == refusal.kind ? "not a ban duration" :
                Refusal.MILLIS == refusal.kind ? "a ban lasts whole seconds, not milliseconds" : refusal.why;
            throw banRefused(null == text ? "" : text, why, accepted);
        }

        if (0 == seconds)
        {
            throw banRefused(text, "a ban must last at least 1s", accepted);
        }
        if (seconds > MAX_RECORD_SECONDS)
        {
            throw banRefused(text, recordLimit(), accepted);
        }
        if (PERMANENT != maxSeconds && seconds > maxSeconds)
        {
            throw banRefused(text, "longer than max-duration (" + formatSeconds(maxSeconds) + ")", accepted);
        }

        return seconds;
    }

    private static String recordLimit()
    {
        return "longer than the " + formatSeconds(MAX_RECORD_SECONDS) + " (about 136 years) a ban record can hold";
    }

    private static IllegalArgumentException banRefused(final String text, final String why, final String accepted)
    {
        return new IllegalArgumentException(Quoted.quote(text) + ": " + why + "; accepted: " + accepted);
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
     * As {@link #formatSeconds(long)}, appended to {@code out} without a string of its own (a listing row each).
     *
     * @param seconds 0 or more.
     * @return {@code out}.
     */
    public static StringBuilder appendSeconds(final StringBuilder out, final long seconds)
    {
        if (seconds < 0)
        {
            throw new IllegalArgumentException("negative duration: " + seconds);
        }
        return 0 == seconds ? out.append("0s") : appendUnits(out, seconds, 1000, MILLIS_UNIT - 1);
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
        try
        {
            return parseValue(null == text ? "" : text, millisAllowed);
        }
        catch (final Refusal refusal)
        {
            throw new IllegalArgumentException(Quoted.quote(null == text ? "" : text) + ": " + refusal.why);
        }
    }

    /**
     * @throws Refusal saying why the text is not a duration, without quoting it.
     */
    private static long parseValue(final String text, final boolean millisAllowed)
    {
        if (text.isEmpty())
        {
            throw invalid(millisAllowed);
        }

        final long secondScale = millisAllowed ? 1000 : 1;
        if (isDigits(text, 0, text.length()))
        {
            return scaled(parseNumber(text, 0, text.length()), secondScale);
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
                throw invalid(millisAllowed);
            }

            if (MILLIS_UNIT == unit && !millisAllowed)
            {
                throw new Refusal(Refusal.MILLIS,
                    "milliseconds are not accepted here; expected whole seconds such as " + SECONDS_EXAMPLES);
            }

            if (unit <= previousUnit)
            {
                throw new Refusal(Refusal.MALFORMED, "units must go from largest to smallest, each at most once, e.g. 1h30m");
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
                throw tooLarge();
            }
        }

        return total;
    }

    private static long scaled(final long value, final long scale)
    {
        try
        {
            return Math.multiplyExact(value, scale);
        }
        catch (final ArithmeticException ex)
        {
            throw tooLarge();
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
            throw tooLarge();
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

    private static Refusal invalid(final boolean millisAllowed)
    {
        return new Refusal(Refusal.NOT_A_DURATION,
            "expected a duration such as " + (millisAllowed ? MILLIS_EXAMPLES : SECONDS_EXAMPLES));
    }

    private static Refusal tooLarge()
    {
        return new Refusal(Refusal.TOO_LARGE, "duration is too large");
    }

    /** Why a text is not a duration, before the caller words it for its door. */
    private static final class Refusal extends RuntimeException
    {
        static final int MALFORMED = 0;
        static final int TOO_LARGE = 1;
        static final int NOT_A_DURATION = 2;
        static final int MILLIS = 3;
        private static final long serialVersionUID = 1L;

        final int kind;
        final String why;

        Refusal(final int kind, final String why)
        {
            super(why, null, false, false);
            this.kind = kind;
            this.why = why;
        }
    }
}
