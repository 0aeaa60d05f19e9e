package io.blocksync.firewall;

import java.util.List;
import java.util.function.Consumer;

/**
 * A [firewall] section: which backend, the batcher's tuning and the backend's own settings, each part read by its
 * owner from the same {@link SettingsSection}. {@link #start(FirewallContext)} turns it into the running
 * {@link Firewall}.
 */
public final class FirewallSettings
{
    public static final String LOG = "log";
    public static final String NFTABLES = "nftables";
    public static final String IPSET = "ipset";
    public static final String PF = "pf";
    public static final String CONTROL = "control";
    public static final String SSHGUARD = "sshguard";
    /** Every backend this build has, in the order error messages list them. */
    public static final List<String> BACKENDS = List.of(LOG, NFTABLES, IPSET, PF, CONTROL, SSHGUARD);

    private final String backend;
    private final BatcherSettings batcher;
    private final BackendSettings settings;

    private FirewallSettings(final String backend, final BatcherSettings batcher, final BackendSettings settings)
    {
        this.backend = backend;
        this.batcher = batcher;
        this.settings = settings;
    }

    /**
     * The log backend's defaults: what a file without [firewall] gets.
     */
    public static FirewallSettings log()
    {
        return new FirewallSettings(LOG, new BatcherSettings(), LogSettings.INSTANCE);
    }

    /**
     * @param backend one of {@link #BACKENDS}; the caller reports any other name.
     * @param section the rest of the section, read by the batcher and the backend.
     * @throws IllegalArgumentException if the backend is not one of {@link #BACKENDS}.
     */
    public static FirewallSettings parse(final String backend, final SettingsSection section)
    {
        final BatcherSettings batcher = BatcherSettings.parse(section);
        final BackendSettings settings;
        switch (backend)
        {
            case LOG:
                settings = LogSettings.INSTANCE;
                break;
            case NFTABLES:
                settings = NftablesSettings.parse(section);
                break;
            case IPSET:
                settings = IpsetSettings.parse(section);
                break;
            case PF:
                settings = PfBackend.Settings.parse(section);
                break;
            case CONTROL:
                settings = ControlScriptBackend.Settings.parse(section);
                break;
            case SSHGUARD:
                settings = SshguardBackend.Settings.parse(section);
                break;
            default:
                throw new IllegalArgumentException("unknown firewall backend: " + backend);
        }

        return new FirewallSettings(backend, batcher, settings);
    }

    /**
     * @return the backend's name, one of {@link #BACKENDS}.
     */
    public String backend()
    {
        return backend;
    }

    public BatcherSettings batcher()
    {
        return batcher;
    }

    /**
     * @return the backend's own settings; its class is the backend's {@code Settings}, null for {@code log}.
     */
    public BackendSettings settings()
    {
        return LogSettings.INSTANCE == settings ? null : settings;
    }

    /**
     * @return true when blocksync owns the tables or sets it writes.
     */
    public boolean managed()
    {
        return settings.managed();
    }

    /**
     * @param log receives the backend's messages.
     * @return the backend not yet started; for {@code log}, a {@link LogBackend} (the CLI's flush uses this).
     */
    public FirewallBackend newBackend(final Consumer<String> log)
    {
        return settings.newBackend(log);
    }

    /**
     * Java heap the firewall takes per kernel element when the store is full: the reconciler's flat tables (~103 bytes
     * an element at 1,000,000 in a joined node's class histogram, up to ~148 at 100,000 with their growth slack,
     * {@code ReconcilerFootprintTest}) and a full check's listing while it is merged (~50). The nftables backend's model
     * of its sets is off the heap ({@link NftElementStore}: 32 bytes of direct memory an element, up to 80 while its
     * region grows; the launcher allows 256 MiB of direct memory). PERFORMANCE.md, "Issue 13", session 10.
     */
    public static final long HEAP_BYTES_PER_BAN = 200;
    /** Heap the rest of a node keeps besides the reconciler's tables (PERFORMANCE.md "Issue 12: footprint"). */
    public static final long HEAP_RESERVE_BYTES = 16L << 20;

    /**
     * Whether this JVM's heap holds the firewall's state for {@code bans} bans (a kernel backend's per-element
     * tables; the dry run keeps none). A node warns at start when its {@code [bans] capacity} would not fit, and refuses
     * to start when the bans its store already holds do not: they go to the firewall at once, which would end in an
     * OutOfMemoryError.
     *
     * @param bans         bans the firewall would track.
     * @param maxHeapBytes the JVM's maximum heap ({@code Runtime.maxMemory()}, -Xmx).
     * @return null if they fit; otherwise one line naming both values and the {@code -Xmx} to use.
     */
    public String heapShortfall(final long bans, final long maxHeapBytes)
    {
        final long needed = bans * HEAP_BYTES_PER_BAN;
        if (LogSettings.INSTANCE == settings || needed <= maxHeapBytes - HEAP_RESERVE_BYTES)
        {
            return null;
        }
        // Rounded up with a tenth to spare (maxMemory() is a little under -Xmx), then to a power of two.
        final long wantedMiB = ((needed + HEAP_RESERVE_BYTES) / 10 * 11 + (1 << 20) - 1) >> 20;
        return bans + " bans need about " + ((needed + (1 << 20) - 1) >> 20) + " MiB of Java heap for the firewall (" +
            HEAP_BYTES_PER_BAN + " bytes a ban), more than this JVM's maximum heap of " + (maxHeapBytes >> 20) +
            " MiB less " + (HEAP_RESERVE_BYTES >> 20) + " MiB for the rest of the node: lower [bans] capacity, or raise " +
            "-Xmx (BLOCKSYNC_JAVA_OPTS replaces the launcher's memory flags, e.g. -Xmx" +
            Math.max(128, Long.highestOneBit(wantedMiB - 1) << 1) + "m)";
    }

    /**
     * @param storedBans   bans the store holds now, which the firewall takes at start.
     * @param maxHeapBytes the JVM's maximum heap.
     * @throws FirewallException with {@link #heapShortfall}'s line if they do not fit.
     */
    public void checkHeap(final long storedBans, final long maxHeapBytes)
    {
        final String shortfall = heapShortfall(storedBans, maxHeapBytes);
        if (null != shortfall)
        {
            throw new FirewallException("the store holds " + storedBans + " bans, and " + shortfall);
        }
    }

    /**
     * Start the firewall: for {@code log} the dry run on the loop; otherwise the backend (on this thread, so a
     * missing tool fails here with a one-line reason) and its worker, which first reconciles the filter with
     * {@link FirewallContext#liveBans()}.
     *
     * @throws FirewallException if the backend cannot start.
     */
    public Firewall start(final FirewallContext context)
    {
        if (LogSettings.INSTANCE == settings)
        {
            return new LogFirewall(context);
        }

        final BatcherSettings tuning = new BatcherSettings()
            .flushDelayMs(batcher.flushDelayMs())
            .bulkIntervalMs(batcher.bulkIntervalMs())
            .maxBatch(batcher.maxBatch())
            .checkIntervalMs(batcher.checkIntervalMs())
            .fullCheckIntervalMs(batcher.fullCheckIntervalMs())
            .threadName(context.threadName())
            .label((context.label().isEmpty() ? "" : context.label() + ": ") + "firewall " + backend)
            .log(context.log())
            .stateDirectory(context.stateDirectory());
        final FirewallBatcher firewallBatcher = new FirewallBatcher(settings.newBackend(context), tuning);

        return BatchingFirewall.start(firewallBatcher, context.clock(), context.liveBans());
    }

    private static final class LogSettings implements BackendSettings
    {
        static final LogSettings INSTANCE = new LogSettings();

        @Override
        public FirewallBackend newBackend(final Consumer<String> log)
        {
            return new LogBackend(log);
        }
    }
}
