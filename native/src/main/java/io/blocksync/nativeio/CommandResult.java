package io.blocksync.nativeio;

/**
 * What a finished command returned.
 *
 * @param exitStatus its exit status, 0 for success.
 * @param output     its standard output, as UTF-8 text.
 * @param error      its standard error, as UTF-8 text.
 */
public record CommandResult(int exitStatus, String output, String error)
{
    /**
     * @return the first non-blank line of standard error, or "" if there is none; for one-line log messages.
     */
    public String firstErrorLine()
    {
        for (final String line : error.split("\n"))
        {
            if (!line.isBlank())
            {
                return line.strip();
            }
        }

        return "";
    }

    /**
     * @return the exit status, 0 for success; the same as {@link #exitStatus()}.
     */
    public int exitCode()
    {
        return exitStatus;
    }

    /**
     * @return the standard output; the same as {@link #output()}.
     */
    public String stdout()
    {
        return output;
    }

    /**
     * @return the standard error; the same as {@link #error()}.
     */
    public String stderr()
    {
        return error;
    }

    /**
     * @return true if the exit status is 0.
     */
    public boolean succeeded()
    {
        return 0 == exitStatus;
    }

    /**
     * @param text any output.
     * @return the first non-blank line of the text, trimmed, or "" if there is none.
     */
    public static String firstLine(final String text)
    {
        int start = 0;
        final int length = text.length();
        while (start < length)
        {
            int end = text.indexOf('\n', start);
            if (end < 0)
            {
                end = length;
            }

            final String line = text.substring(start, end).trim();
            if (!line.isEmpty())
            {
                return line;
            }
            start = end + 1;
        }

        return "";
    }
}
