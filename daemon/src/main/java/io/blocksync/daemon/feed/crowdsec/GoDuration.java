package io.blocksync.daemon.feed.crowdsec;

/**
 * Durations as CrowdSec writes them: Go's {@code time.Duration.String()} ({@code 3h59m58.8s}, {@code 1h29m59.600227876s},
 * {@code 155.36ms}, {@code -1.4s}, {@code 0s}): a sign, then numbers with fractions, each followed by a unit
 * {@code h}, {@code m}, {@code s}, {@code ms}, {@code us}/{@code µs} or {@code ns} (Go's time.ParseDuration).
 */
final class GoDuration
{
    private GoDuration()
    {
    }

    /**
     * @return the duration in milliseconds, rounded towards zero.
     * @throws IllegalArgumentException quoting the text.
     */
    static long parseMillis(final String text)
    {
        if (null == text || text.isEmpty())
        {
            throw new IllegalArgumentException("empty duration");
        }
        int at = 0;
        boolean negative = false;
        if (text.charAt(0) == '-' || text.charAt(0) == '+')
        {
            negative = text.charAt(0) == '-';
            at = 1;
        }
        if ("0".equals(text.substring(at)))
        {
            return 0;
        }
        double nanos = 0;
        boolean any = false;
        while (at < text.length())
        {
            final int numberStart = at;
            while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.'))
            {
                at++;
            }
            final int unitStart = at;
            while (at < text.length() && !Character.isDigit(text.charAt(at)) && text.charAt(at) != '.')
            {
                at++;
            }
            if (numberStart == unitStart || unitStart == at)
            {
                throw bad(text);
            }
            final double number;
            try
            {
                number = Double.parseDouble(text.substring(numberStart, unitStart));
            }
            catch (final NumberFormatException ex)
            {
                throw bad(text);
            }
            nanos += number * unitNanos(text.substring(unitStart, at), text);
            any = true;
        }
        if (!any)
        {
            throw bad(text);
        }
        final long millis = (long)(nanos / 1_000_000d);
        return negative ? -millis : millis;
    }

    private static double unitNanos(final String unit, final String text)
    {
        switch (unit)
        {
            case "h":
                return 3_600e9;
            case "m":
                return 60e9;
            case "s":
                return 1e9;
            case "ms":
                return 1e6;
            case "us":
            case "\u00b5s":
            case "\u03bcs":
                return 1e3;
            case "ns":
                return 1;
            default:
                throw bad(text);
        }
    }

    private static IllegalArgumentException bad(final String text)
    {
        return new IllegalArgumentException("'" + text + "' is not a Go duration (e.g. 3h59m58.8s)");
    }
}
