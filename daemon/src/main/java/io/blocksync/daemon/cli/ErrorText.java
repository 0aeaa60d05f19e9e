package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.FileProblems;

import java.io.PrintWriter;
import java.nio.file.FileSystemException;

/**
 * The one line an operator sees when a command fails with an exception ({@link OperatorErrors} under picocli,
 * {@link PlainCommands} without it). Holds no picocli type, so the plain path loads none.
 */
final class ErrorText
{
    static final String DEBUG_VARIABLE = "BLOCKSYNC_DEBUG";

    private ErrorText()
    {
    }

    /**
     * {@code blocksync COMMAND: WHAT: REASON} on {@code err}, and the stack trace as well when {@value #DEBUG_VARIABLE}
     * is 1; flushed.
     */
    static void report(final String command, final Exception ex, final PrintWriter err)
    {
        err.println("blocksync " + command + ": " + describe(ex));
        if ("1".equals(System.getenv(DEBUG_VARIABLE)))
        {
            ex.printStackTrace(err);
        }
        err.flush();
    }

    /**
     * @return one line: the file and the reason for file system errors (as {@code ls} or {@code cp} would say it),
     * the exception's own message otherwise, and the cause's when it adds something.
     */
    static String describe(final Throwable ex)
    {
        Throwable current = ex;
        // Wrappers without words of their own (UncheckedIOException, ExecutionException...): say the cause.
        while (null != current.getCause() && (null == current.getMessage() ||
            current.getMessage().equals(current.getCause().toString())))
        {
            current = current.getCause();
        }
        final String text;
        if (current instanceof FileSystemException)
        {
            text = fileSystem((FileSystemException)current);
        }
        else if (null == current.getMessage() || current.getMessage().isBlank())
        {
            text = "unexpected " + current.getClass().getSimpleName() + " (set " + DEBUG_VARIABLE + "=1 for details)";
        }
        else
        {
            text = current.getMessage();
        }
        return oneLine(text);
    }

    private static String fileSystem(final FileSystemException ex)
    {
        final String other = null == ex.getOtherFile() ? "" : " -> " + ex.getOtherFile();
        return (null == ex.getFile() ? "" : ex.getFile()) + other + ": " + FileProblems.reason(ex);
    }

    private static String oneLine(final String text)
    {
        final String flat = text.replace('\n', ' ').replace('\r', ' ');
        return flat.length() > 400 ? flat.substring(0, 400) + "..." : flat;
    }
}
