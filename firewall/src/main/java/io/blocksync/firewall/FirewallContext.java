package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a {@link Firewall} needs from the process that starts it, Aeron-style: set what applies, then
 * {@link FirewallSettings#start(FirewallContext)}.
 */
public final class FirewallContext
{
    /**
     * A sink for one finished line, called on the loop thread; it must copy the text and not allocate.
     */
    @FunctionalInterface
    public interface LoopLog
    {
        void line(CharSequence text);
    }

    private EpochClock clock = SystemEpochClock.INSTANCE;
    private Consumer<String> log = (message) -> { };
    private LoopLog loopLog = (text) -> { };
    private String label = "";
    private String threadName = "blocksync-firewall";
    private Iterable<Ban> liveBans = List.of();
    private int listenPort;
    private Collection<IpPrefix> peerAddresses = List.of();
    private java.nio.file.Path stateDirectory;

    /**
     * @param clock the clock the bans' expiries are on, read on the loop and at start to turn them into kernel
     *              timeouts: the daemon's steady clock (monotonic since start, Unix ms), so a wall-clock step changes
     *              no timeout. The default, the wall clock, suits expiries written on the wall clock.
     */
    public FirewallContext clock(final EpochClock clock)
    {
        this.clock = clock;
        return this;
    }

    public EpochClock clock()
    {
        return clock;
    }

    /**
     * @param log thread-safe sink for the backend's messages (worker thread).
     */
    public FirewallContext log(final Consumer<String> log)
    {
        this.log = log;
        return this;
    }

    public Consumer<String> log()
    {
        return log;
    }

    /**
     * @param loopLog where the {@code log} backend writes each change, on the loop thread.
     */
    public FirewallContext loopLog(final LoopLog loopLog)
    {
        this.loopLog = loopLog;
        return this;
    }

    public LoopLog loopLog()
    {
        return loopLog;
    }

    /**
     * @param label who is speaking, e.g. {@code node 1}: starts log lines and names the worker thread.
     */
    public FirewallContext label(final String label)
    {
        this.label = label;
        return this;
    }

    public String label()
    {
        return label;
    }

    /**
     * @param threadName the worker thread's name.
     */
    public FirewallContext threadName(final String threadName)
    {
        this.threadName = threadName;
        return this;
    }

    public String threadName()
    {
        return threadName;
    }

    /**
     * @param liveBans every live ban at start, which the filter is made to hold; read during start only.
     */
    public FirewallContext liveBans(final Iterable<Ban> liveBans)
    {
        this.liveBans = liveBans;
        return this;
    }

    public Iterable<Ban> liveBans()
    {
        return liveBans;
    }

    /**
     * @param listenPort the daemon's UDP port, 1-65535, which managed nftables and ipset modes open to
     *                   {@link #peerAddresses(Collection)} only; 0 (the default) leaves every port alone.
     */
    public FirewallContext listenPort(final int listenPort)
    {
        this.listenPort = listenPort;
        return this;
    }

    public int listenPort()
    {
        return listenPort;
    }

    /**
     * @param peerAddresses the configured peers' addresses as host prefixes; read during start only.
     */
    public FirewallContext peerAddresses(final Collection<IpPrefix> peerAddresses)
    {
        this.peerAddresses = peerAddresses;
        return this;
    }

    public Collection<IpPrefix> peerAddresses()
    {
        return peerAddresses;
    }

    /**
     * @param stateDirectory the node's state directory, where the firewall records the kernel objects it wrote
     *                       ({@code firewall-objects}); null (the default) keeps no record.
     */
    public FirewallContext stateDirectory(final java.nio.file.Path stateDirectory)
    {
        this.stateDirectory = stateDirectory;
        return this;
    }

    public java.nio.file.Path stateDirectory()
    {
        return stateDirectory;
    }

    /**
     * @return the port and peers as one value; unrestricted when no port was given or a peer is a multicast group.
     */
    public PeerPort peerPort()
    {
        return PeerPort.of(listenPort, peerAddresses);
    }
}
