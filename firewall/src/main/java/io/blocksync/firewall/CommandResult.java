package io.blocksync.firewall;

/**
 * Exit code and captured output of a finished tool.
 */
public final class CommandResult
{
    private final int exitCode;
    private final String stdout;
    private final String stderr;

    public CommandResult(final int exitCode, final String stdout, final String stderr)
    {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public int exitCode()
    {
        return exitCode;
    }

    public String stdout()
    {
        return stdout;
    }

    public String stderr()
    {
        return stderr;
    }

    public boolean succeeded()
    {
        return 0 == exitCode;
    }

    /**
     * @return the first non-blank line of text, trimmed, or an empty string.
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
