package io.blocksync.nativeio;

/**
 * The counters every {@link EventSource} keeps in its {@link SourceCounters}, each with a stable id and a label.
 * The status file and metrics know a counter by its id, so an id is never reused or renumbered: a new counter
 * takes the next free id, whatever its place in this list. The label is the name of the field in
 * {@link SourceCounters} and what {@code blocksync status} prints.
 */
public enum SourceCounter
{
    /** Events put into the ring. */
    EVENTS(1, "events"),

    /** Records or lines that did not decode to an attacker's address, skipped. */
    MALFORMED(2, "malformed"),

    /** Events lost: the ring was full, or the kernel dropped NFLOG messages (counted once per overrun). */
    DROPPED(3, "dropped"),

    /** New starts of the stream: command restarts, file rotations and truncations, socket reopenings. */
    RESTARTS(4, "restarts"),

    /** Attempts that failed: a command that could not start or exited with an error, a socket or file. */
    FAILURES(5, "failures");

    private final int id;
    private final String label;

    SourceCounter(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    /**
     * @return the stable id, 1 or more, unique among source counters.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the label, equal to the field name in {@link SourceCounters}, e.g. {@code events}.
     */
    public String label()
    {
        return label;
    }
}
