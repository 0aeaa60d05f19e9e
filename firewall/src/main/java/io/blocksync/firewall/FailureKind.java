package io.blocksync.firewall;

/**
 * What went wrong between the firewall worker and the kernel; each kind is counted and logged once per streak.
 */
public enum FailureKind
{
    /** A commit of element changes failed as a whole (the tool's or library's error). */
    APPLY("apply"),
    /** Part of a commit was refused (an element the kernel rejects, e.g. a full ipset set); the rest went in. */
    PARTIAL("partial"),
    /** The periodic check or listing of kernel objects could not run. */
    CHECK("check"),
    /** The kernel lost what we wrote (tables, rules or elements removed by someone else); repaired. */
    DRIFT("drift"),
    /** An object no longer mapped could not be emptied, or the record of objects could not be written. */
    CLEANUP("cleanup");

    private final String label;

    FailureKind(final String label)
    {
        this.label = label;
    }

    /**
     * @return the kind's name in counters and log lines, e.g. {@code apply}.
     */
    public String label()
    {
        return label;
    }
}
