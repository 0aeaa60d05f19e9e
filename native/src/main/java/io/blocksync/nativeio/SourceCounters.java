package io.blocksync.nativeio;

/**
 * What a source has done, for status output and tests. Each counter has one writer, the source's own thread, and
 * any number of readers, so plain volatile fields suffice. Each field is one {@link SourceCounter}, named as its
 * label; {@link #get(SourceCounter)} reads it by that identity.
 */
public final class SourceCounters
{
    private static final SourceCounter[] COUNTERS = SourceCounter.values();

    private volatile long events;
    private volatile long malformed;
    private volatile long dropped;
    private volatile long restarts;
    private volatile long failures;

    /**
     * @return events put into the ring.
     */
    public long events()
    {
        return events;
    }

    /**
     * @return records or lines that did not decode to an attacker's address, skipped.
     */
    public long malformed()
    {
        return malformed;
    }

    /**
     * @return events lost: the ring was full, or the kernel dropped NFLOG messages (counted once per overrun).
     */
    public long dropped()
    {
        return dropped;
    }

    /**
     * @return new starts of the stream: command restarts, file rotations and truncations, socket reopenings.
     */
    public long restarts()
    {
        return restarts;
    }

    /**
     * @return attempts that failed: a command that could not start or exited with an error, a socket that would
     * not open, a file that could not be read.
     */
    public long failures()
    {
        return failures;
    }

    /**
     * @param counter which one.
     * @return its current value.
     */
    public long get(final SourceCounter counter)
    {
        switch (counter)
        {
            case EVENTS:
                return events;
            case MALFORMED:
                return malformed;
            case DROPPED:
                return dropped;
            case RESTARTS:
                return restarts;
            case FAILURES:
                return failures;
            default:
                throw new IllegalArgumentException("unknown source counter " + counter);
        }
    }

    public void incrementEvents()
    {
        events++;
    }

    /**
     * @return the new count.
     */
    public long incrementMalformed()
    {
        return ++malformed;
    }

    /**
     * @return the new count.
     */
    public long incrementDropped()
    {
        return ++dropped;
    }

    public void incrementRestarts()
    {
        restarts++;
    }

    /**
     * @return the new count.
     */
    public long incrementFailures()
    {
        return ++failures;
    }

    /**
     * @param out receives e.g. {@code events=12 malformed=0 dropped=0 restarts=1 failures=0}.
     */
    public void appendTo(final StringBuilder out)
    {
        for (int i = 0; i < COUNTERS.length; i++)
        {
            out.append(0 == i ? "" : " ").append(COUNTERS[i].label()).append('=').append(get(COUNTERS[i]));
        }
    }

    @Override
    public String toString()
    {
        final StringBuilder out = new StringBuilder(80);
        appendTo(out);

        return out.toString();
    }

    /**
     * @param count a counter's new value.
     * @return true at 1, 2, 4, 8, ...: when to log a repeated problem, so a flood costs a few lines, not millions.
     */
    public static boolean isWorthLogging(final long count)
    {
        return count > 0 && 0 == (count & (count - 1));
    }
}
