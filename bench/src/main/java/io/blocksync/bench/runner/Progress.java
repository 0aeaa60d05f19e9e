package io.blocksync.bench.runner;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on standard error: a bar redrawn in place on a terminal, a plain line per step otherwise (a log, a pipe,
 * CI). Steps carry an estimated duration so the bar moves by time, not by count.
 */
final class Progress
{
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal;
    private final double totalSeconds;
    private double doneSeconds;

    /**
     * @param err          where to draw.
     * @param terminal     true to redraw a bar in place, false for plain lines.
     * @param totalSeconds the estimated length of the whole run.
     */
    Progress(final PrintStream err, final boolean terminal, final double totalSeconds)
    {
        this.err = err;
        this.terminal = terminal;
        this.totalSeconds = Math.max(1, totalSeconds);
    }

    /** @return a progress for {@code System.err}, a bar when the JVM has a console. */
    static Progress forStandardError(final double totalSeconds)
    {
        return new Progress(System.err, null != System.console(), totalSeconds);
    }

    /**
     * A step begins.
     *
     * @param what             e.g. {@code "cluster: throughput"}.
     * @param estimatedSeconds how long it should take, added to the bar when the next step begins or at {@link #done}.
     */
    void step(final String what, final double estimatedSeconds)
    {
        final int percent = (int)Math.min(99, 100 * doneSeconds / totalSeconds);
        if (terminal)
        {
            final int filled = percent * WIDTH / 100;
            err.printf(Locale.ROOT, "\r[%s%s] %3d%% %-48.48s", "#".repeat(filled), ".".repeat(WIDTH - filled), percent, what);
        }
        else
        {
            err.printf(Locale.ROOT, "bench: %3d%% %s%n", percent, what);
        }
        err.flush();
        doneSeconds += estimatedSeconds;
    }

    /** The run is over: complete the bar (or print the last line). */
    void done()
    {
        if (terminal)
        {
            err.printf(Locale.ROOT, "\r[%s] 100%% %-48s%n", "#".repeat(WIDTH), "done");
        }
        else
        {
            err.println("bench: 100% done");
        }
        err.flush();
    }
}
