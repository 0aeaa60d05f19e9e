package io.blocksync.firewall;

/**
 * Tuning for {@link FirewallBatcher}. Defaults suit a server; every setter validates and names the setting.
 */
public final class BatcherSettings
{
    /**
     * Off: a commit whenever the worker is idle. Handed a few bans at a time, each commit costs ~23 µs beyond its
     * elements (the worker's wake-up, the netlink batch and its answer), and 10 ms halves the worker's CPU per
     * element ({@code NftCommitRun --burst 7 --rate 5000}); in the 10-peer bulk on this 2-core machine the daemon's
     * hand-off already brought ~30-80 changes a commit and 10 ms gained nothing measurable (PERFORMANCE.md, issue 13,
     * fw13).
     */
    public static final long DEFAULT_BULK_INTERVAL_MS = 0;

    private int capacity = 4096;
    private int maxBatch = 1024;
    private long flushDelayMs = 0;
    private long bulkIntervalMs = DEFAULT_BULK_INTERVAL_MS;
    private long checkIntervalMs = 1_000;
    private long fullCheckIntervalMs = 60_000;
    private String label = "firewall";
    private java.util.function.Consumer<String> log = (line) -> { };
    private java.nio.file.Path stateDirectory;
    private long retryInitialMs = 100;
    private long retryMaxMs = 5_000;
    private int maxAttempts = 5;
    private long kernelGraceSeconds = 10;
    private int jitterPercent = 1;
    private long maxJitterSeconds = 300;
    private long jitterSeed = System.nanoTime();
    private String threadName = "blocksync-firewall";

    /**
     * The keys of a [firewall] section that tune the reconciler: {@code flush-delay} (0-10 s, default 0: a change is
     * committed at once when the worker is idle; a positive value makes the first change wait that long for company),
     * {@code bulk-interval} (0-1 s, default {@value #DEFAULT_BULK_INTERVAL_MS}: {@link #bulkIntervalMs}),
     * {@code max-batch} (1-1,000,000, default 1024), {@code check-interval} (100 ms-60 s, default 1 s: the cheap check
     * that the tables, sets and rules exist) and {@code full-check-interval} (1 s-1 h, default 60 s: the longest gap
     * between two full listings diffed against the ban table).
     */
    public static BatcherSettings parse(final SettingsSection section)
    {
        return new BatcherSettings()
            .flushDelayMs(section.millis("flush-delay", 0, 10_000, 0))
            .bulkIntervalMs(section.millis("bulk-interval", 0, 1_000, DEFAULT_BULK_INTERVAL_MS))
            .maxBatch(section.integer("max-batch", 1, 1_000_000, 1024))
            .checkIntervalMs(section.millis("check-interval", 100, 60_000, 1_000))
            .fullCheckIntervalMs(section.millis("full-check-interval", 1_000, 3_600_000, 60_000));
    }

    /**
     * @param checkIntervalMs how often the worker checks that its tables, sets and rules exist (never listing
     *                        elements); a loss is repaired at once.
     */
    public BatcherSettings checkIntervalMs(final long checkIntervalMs)
    {
        this.checkIntervalMs = checkRange("checkIntervalMs", checkIntervalMs, 1, 3_600_000);
        return this;
    }

    /**
     * @param fullCheckIntervalMs the longest gap between two full listings diffed against the desired state; they run
     *                            more often when cheap (at most 1/20 of the worker's time).
     */
    public BatcherSettings fullCheckIntervalMs(final long fullCheckIntervalMs)
    {
        this.fullCheckIntervalMs = checkRange("fullCheckIntervalMs", fullCheckIntervalMs, 1, 86_400_000);
        return this;
    }

    /**
     * @param label starts the worker's log lines, e.g. {@code node 1: firewall nftables}.
     */
    public BatcherSettings label(final String label)
    {
        this.label = label;
        return this;
    }

    /**
     * @param log thread-safe sink for the worker's lines (failures once per streak, recoveries).
     */
    public BatcherSettings log(final java.util.function.Consumer<String> log)
    {
        this.log = log;
        return this;
    }

    /**
     * @param stateDirectory where the record of kernel objects written lives ({@code firewall-objects}); null for
     *                       none.
     */
    public BatcherSettings stateDirectory(final java.nio.file.Path stateDirectory)
    {
        this.stateDirectory = stateDirectory;
        return this;
    }

    public long checkIntervalMs()
    {
        return checkIntervalMs;
    }

    public long fullCheckIntervalMs()
    {
        return fullCheckIntervalMs;
    }

    public String label()
    {
        return label;
    }

    public java.util.function.Consumer<String> log()
    {
        return log;
    }

    public java.nio.file.Path stateDirectory()
    {
        return stateDirectory;
    }

    /**
     * @param capacity changes in flight between the loop and the worker, including finished ones the loop has not yet
     *                 polled; {@link FirewallBatcher#offer} returns false beyond it.
     */
    public BatcherSettings capacity(final int capacity)
    {
        this.capacity = checkRange("capacity", capacity, 1, 1 << 20);
        return this;
    }

    /**
     * @param maxBatch most changes handed to the backend in one transaction.
     */
    public BatcherSettings maxBatch(final int maxBatch)
    {
        this.maxBatch = checkRange("maxBatch", maxBatch, 1, 1 << 20);
        return this;
    }

    /**
     * @param flushDelayMs how long the first change of a batch waits for others to join it; 0 (the default) commits at
     *                     once when idle, and changes arriving during a commit join the next one anyway.
     */
    public BatcherSettings flushDelayMs(final long flushDelayMs)
    {
        this.flushDelayMs = checkRange("flushDelayMs", flushDelayMs, 0, 60_000);
        return this;
    }

    /**
     * @param bulkIntervalMs while bulk flows (the last commit took more than one change), the next commit waits until
     *                       this long after the last one began, so what arrives meanwhile joins it; a commit of
     *                       {@code maxBatch} changes never waits, nor does a change after a lone one or after this
     *                       long without a commit. 0 (the default) turns it off: commit whenever idle.
     */
    public BatcherSettings bulkIntervalMs(final long bulkIntervalMs)
    {
        this.bulkIntervalMs = checkRange("bulkIntervalMs", bulkIntervalMs, 0, 60_000);
        return this;
    }

    /**
     * @param retryInitialMs wait before the first retry of a failed batch; doubles per attempt up to retryMaxMs.
     */
    public BatcherSettings retryInitialMs(final long retryInitialMs)
    {
        this.retryInitialMs = checkRange("retryInitialMs", retryInitialMs, 1, 600_000);
        return this;
    }

    public BatcherSettings retryMaxMs(final long retryMaxMs)
    {
        this.retryMaxMs = checkRange("retryMaxMs", retryMaxMs, 1, 3_600_000);
        return this;
    }

    /**
     * @param maxAttempts tries of one batch before it is split in halves to isolate the change the backend rejects;
     *                    a single change that fails this often is completed as FAILED.
     */
    public BatcherSettings maxAttempts(final int maxAttempts)
    {
        this.maxAttempts = checkRange("maxAttempts", maxAttempts, 1, 100);
        return this;
    }

    /**
     * @param kernelGraceSeconds added to kernel timeouts so the worker's own removal at the deadline always comes
     *                           first; the kernel timeout only matters when the daemon is gone.
     */
    public BatcherSettings kernelGraceSeconds(final long kernelGraceSeconds)
    {
        this.kernelGraceSeconds = checkRange("kernelGraceSeconds", kernelGraceSeconds, 0, 86_400);
        return this;
    }

    /**
     * @param jitterPercent a ban of T seconds (T of at least 100) ends up to T * percent / 100 seconds later, capped by
     *                      maxJitterSeconds, so a large list imported at once does not expire in the same second.
     */
    public BatcherSettings jitterPercent(final int jitterPercent)
    {
        this.jitterPercent = checkRange("jitterPercent", jitterPercent, 0, 10);
        return this;
    }

    public BatcherSettings maxJitterSeconds(final long maxJitterSeconds)
    {
        this.maxJitterSeconds = checkRange("maxJitterSeconds", maxJitterSeconds, 0, 86_400);
        return this;
    }

    public BatcherSettings jitterSeed(final long jitterSeed)
    {
        this.jitterSeed = jitterSeed;
        return this;
    }

    public BatcherSettings threadName(final String threadName)
    {
        if (null == threadName || threadName.isBlank())
        {
            throw new IllegalArgumentException("threadName must not be blank");
        }
        this.threadName = threadName;
        return this;
    }

    public int capacity()
    {
        return capacity;
    }

    public int maxBatch()
    {
        return maxBatch;
    }

    public long flushDelayMs()
    {
        return flushDelayMs;
    }

    public long bulkIntervalMs()
    {
        return bulkIntervalMs;
    }

    public long retryInitialMs()
    {
        return retryInitialMs;
    }

    public long retryMaxMs()
    {
        return retryMaxMs;
    }

    public int maxAttempts()
    {
        return maxAttempts;
    }

    public long kernelGraceSeconds()
    {
        return kernelGraceSeconds;
    }

    public int jitterPercent()
    {
        return jitterPercent;
    }

    public long maxJitterSeconds()
    {
        return maxJitterSeconds;
    }

    public long jitterSeed()
    {
        return jitterSeed;
    }

    public String threadName()
    {
        return threadName;
    }

    private static int checkRange(final String name, final int value, final int min, final int max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " must be " + min + "-" + max + ": " + value);
        }
        return value;
    }

    private static long checkRange(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException(name + " must be " + min + "-" + max + ": " + value);
        }
        return value;
    }
}
