package io.blocksync.nativeio;

/**
 * Which table a {@link PfTableSource} polls and how: set once, then handed to the constructor, which checks and
 * copies it.
 */
public final class PfTableSourceSettings
{
    private String name = "pf-table";
    private String pfctl = PfTableSource.DEFAULT_PFCTL;
    private String table;
    private long pollIntervalMillis = PfTableSource.DEFAULT_POLL_INTERVAL_MILLIS;
    private long expireSeconds;
    private CommandRunner runner;

    /**
     * @param name for logs and status; default {@code pf-table}.
     * @return this for chaining.
     */
    public PfTableSourceSettings name(final String name)
    {
        this.name = name;
        return this;
    }

    public String name()
    {
        return name;
    }

    /**
     * @param pfctl the pfctl program; default {@value PfTableSource#DEFAULT_PFCTL} from the PATH.
     * @return this for chaining.
     */
    public PfTableSourceSettings pfctl(final String pfctl)
    {
        this.pfctl = pfctl;
        return this;
    }

    public String pfctl()
    {
        return pfctl;
    }

    /**
     * @param table the pf table, e.g. {@code bruteforce}; required, see {@link PfTableSource#checkTableName(String)}.
     * @return this for chaining.
     */
    public PfTableSourceSettings table(final String table)
    {
        this.table = table;
        return this;
    }

    public String table()
    {
        return table;
    }

    /**
     * @param pollIntervalMillis time between polls, 1 ms or more; default 60 s.
     * @return this for chaining.
     */
    public PfTableSourceSettings pollIntervalMillis(final long pollIntervalMillis)
    {
        this.pollIntervalMillis = pollIntervalMillis;
        return this;
    }

    public long pollIntervalMillis()
    {
        return pollIntervalMillis;
    }

    /**
     * @param expireSeconds after each poll expire entries older than this; 0 (the default) to leave the table
     *                      alone.
     * @return this for chaining.
     */
    public PfTableSourceSettings expireSeconds(final long expireSeconds)
    {
        this.expireSeconds = expireSeconds;
        return this;
    }

    public long expireSeconds()
    {
        return expireSeconds;
    }

    /**
     * @param runner runs pfctl; default a {@link ProcessCommandRunner}.
     * @return this for chaining.
     */
    public PfTableSourceSettings runner(final CommandRunner runner)
    {
        this.runner = runner;
        return this;
    }

    /**
     * @return the runner set, or null for the default.
     */
    public CommandRunner runner()
    {
        return runner;
    }
}
