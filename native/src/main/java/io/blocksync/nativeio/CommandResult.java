package io.blocksync.nativeio;

/**
 * What a finished command returned.
 *
 * @param exitStatus its exit status, 0 for success.
 * @param output     its standard output.
 * @param error      its standard error.
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
}
