package io.blocksync.daemon.config;

import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The value types a configuration file uses, each as a {@link ValueParser} with its range.
 */
final class Values
{
    private static final int MAX_NAME_LENGTH = 64;

    private Values()
    {
    }

    /** One of a few words, as written. */
    static ValueParser<String> oneOf(final String... words)
    {
        return (text) ->
        {
            for (final String word : words)
            {
                if (word.equals(text))
                {
                    return word;
                }
            }
            throw new IllegalArgumentException(Quoted.quote(text) + " is not one of " + String.join(", ", words));
        };
    }

    static ValueParser<Integer> integer(final int min, final int max)
    {
        return (text) ->
        {
            if (!isInteger(text))
            {
                throw new IllegalArgumentException(
                    Quoted.quote(text) + " is not a whole number; expected " + min + "-" + max);
            }

            // More digits than any int has cannot be in range; this also keeps Long.parseLong from overflowing.
            final long value = text.length() > 12 ? Long.MAX_VALUE : Long.parseLong(text);
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(
                    (text.length() > 12 ? Quoted.quote(text) : text) + " is outside " + min + "-" + max);
            }

            return (int)value;
        };
    }

    /**
     * A ban length, or {@code permanent}, which is returned as {@link Durations#PERMANENT}; at most what a record
     * holds.
     */
    static ValueParser<Long> banSeconds()
    {
        return Durations::parseBanSeconds;
    }

    /**
     * A ban length that must also fit {@code max-duration} ({@link Durations#PERMANENT}: no limit but the record's).
     */
    static ValueParser<Long> banSeconds(final long maxSeconds)
    {
        return (text) -> Durations.parseBanSeconds(text, maxSeconds);
    }

    static ValueParser<Long> millis(final long min, final long max)
    {
        return (text) ->
        {
            final long millis = Durations.parseMillis(text);
            if (millis < min || millis > max)
            {
                throw new IllegalArgumentException(Quoted.quote(text) + " is outside " +
                    Durations.formatMillis(min) + "-" + Durations.formatMillis(max));
            }

            return millis;
        };
    }

    static ValueParser<InetSocketAddress> endpoint()
    {
        return EndpointText::parse;
    }

    /**
     * A file or directory; relative paths resolve against the directory of the configuration file.
     */
    static ValueParser<Path> path(final Path baseDirectory)
    {
        return (text) ->
        {
            if (text.startsWith("~"))
            {
                throw new IllegalArgumentException(
                    Quoted.quote(text) + ": '~' is not expanded; write the full path");
            }

            try
            {
                return baseDirectory.resolve(text).normalize();
            }
            catch (final InvalidPathException ex)
            {
                throw new IllegalArgumentException(Quoted.quote(text) + " is not a valid path: " + ex.getReason());
            }
        };
    }

    /**
     * A short label for logs, status output and metrics: letters, digits, '.', '_' and '-'.
     */
    static ValueParser<String> name()
    {
        return (text) ->
        {
            boolean valid = text.length() <= MAX_NAME_LENGTH;
            for (int i = 0; valid && i < text.length(); i++)
            {
                final char c = text.charAt(i);
                valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
            }

            if (!valid)
            {
                throw new IllegalArgumentException(Quoted.quote(text) + ": a name is at most " + MAX_NAME_LENGTH +
                    " letters, digits, '.', '_' and '-'");
            }

            return text;
        };
    }

    private static boolean isInteger(final String text)
    {
        final int start = text.startsWith("-") ? 1 : 0;
        for (int i = start; i < text.length(); i++)
        {
            if (text.charAt(i) < '0' || text.charAt(i) > '9')
            {
                return false;
            }
        }

        return text.length() > start;
    }
}
