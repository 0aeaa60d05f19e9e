package io.blocksync.daemon;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.SenderKeys;
import io.blocksync.daemon.config.FirewallConfig;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.config.RuleConfig;
import io.blocksync.daemon.detect.Detector;
import io.blocksync.daemon.detect.DetectorRule;
import io.blocksync.daemon.detect.EventIntake;
import io.blocksync.daemon.detect.OffenderTable;
import io.blocksync.daemon.control.ControlServer;
import io.blocksync.daemon.node.AckSender;
import io.blocksync.daemon.node.BanLedger;
import io.blocksync.daemon.node.BatcherFirewallPort;
import io.blocksync.daemon.node.BanPolicy;
import io.blocksync.daemon.node.CatchUp;
import io.blocksync.daemon.node.DatagramReceiver;
import io.blocksync.daemon.node.EventLog;
import io.blocksync.daemon.node.ExpirySweeper;
import io.blocksync.daemon.node.FirewallPort;
import io.blocksync.daemon.node.HeartbeatSender;
import io.blocksync.daemon.node.HighWaterMarks;
import io.blocksync.daemon.node.LivenessMonitor;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.node.LogFirewallPort;
import io.blocksync.daemon.node.NodeAgent;
import io.blocksync.daemon.node.NodeContext;
import io.blocksync.daemon.node.NodeCounters;
import io.blocksync.daemon.node.NodeIdleStrategy;
import io.blocksync.daemon.node.PacketSealer;
import io.blocksync.daemon.node.Peer;
import io.blocksync.daemon.node.PeerMonitor;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.node.RetainedBatches;
import io.blocksync.daemon.node.RetransmitHandler;
import io.blocksync.daemon.node.RetransmitJitter;
import io.blocksync.daemon.node.StatusFile;
import io.blocksync.daemon.node.StreamReceiver;
import io.blocksync.daemon.node.StreamSender;
import io.blocksync.daemon.node.UdpTransport;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.firewall.FirewallBackend;
import io.blocksync.firewall.FirewallBatcher;
import io.blocksync.firewall.FirewallChange;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One running BlockSync node: opens the state directory, wires the loop's roles together from the config, and
 * runs the agent on its own thread. {@link #close()} stops it cleanly (the store is marked clean, the control
 * socket removed).
 */
public final class Node implements AutoCloseable
{
    private static final int STAGING_CAPACITY = 65_536;
    private static final int REQUEST_QUEUE_CAPACITY = 1024;

    private final NodeConfig config;
    private final EventLog log;
    private final BanStore store;
    private final ProgressFile progress;
    private final StatusFile status;
    private final UdpTransport transport;
    private final FirewallPort firewall;
    private final NodeAgent agent;
    private final AgentRunner runner;
    private final ControlServer control;
    private final DatagramReceiver receiver;
    private final ManyToOneConcurrentArrayQueue<LocalRequest> requests;
    private final List<Peer> peers;
    private final EventSources eventSources;

    private Node(final NodeConfig config, final EventLog log) throws IOException
    {
        this.config = config;
        this.log = log;
        final EventLog.Line line = log.newLine();
        final SystemNanoClock nanoClock = SystemNanoClock.INSTANCE;
        final SystemEpochClock epochClock = SystemEpochClock.INSTANCE;
        final long nowMillis = epochClock.time();
        // Seeds the retransmission jitter: nodes that start together still spread their timeouts differently.
        final long nowNanos = nanoClock.nanoTime();

        store = BanStore.openForDaemon(config.stateDir(), config.storeCapacity(), message -> line.begin().append(message).commit());
        ProgressFile progressFile = null;
        StatusFile statusFile = null;
        UdpTransport udp = null;
        NodeCounters nodeCounters = null;
        try
        {
            progressFile = ProgressFile.open(config.stateDir(), config.nodeId());
            statusFile = StatusFile.create(config.stateDir(), config.nodeId(), nowMillis);
            nodeCounters = new NodeCounters(statusFile.countersManager());
            udp = new UdpTransport(config.listen(), nodeCounters);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(udp, statusFile, progressFile, store);
            throw ex;
        }
        progress = progressFile;
        status = statusFile;
        transport = udp;
        final NodeCounters counters = nodeCounters;
        final FrameVerifier verifier = new FrameVerifier();
        peers = new ArrayList<>();
        for (final PeerConfig peerConfig : config.peers())
        {
            verifier.addSender(new SenderKeys(peerConfig.nodeId()).addKey(peerConfig.keyId(), peerConfig.key()));
            final Peer peer = new Peer(peerConfig.nodeId(), peerConfig.name(), peerConfig.address(), status.countersManager());
            peers.add(peer);
        }
        final Peer[] peerArray = peers.toArray(new Peer[0]);

        final BanPolicy policy = newPolicy(config);
        try
        {
            firewall = newFirewall(config, log, store, counters, nowMillis);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(transport, status, progress, store);
            throw ex;
        }
        final BanLedger ledger = new BanLedger(store, policy, firewall, counters, tombstoneRetentionMillis(config));
        final HighWaterMarks highWater = new HighWaterMarks(progress);
        final PacketSealer sealer = new PacketSealer(config.nodeId(), config.keyId(), config.key(), progress, nowMillis);
        final NodeContext context = new NodeContext()
            .nodeId(config.nodeId())
            .epochClock(epochClock)
            .nanoClock(nanoClock)
            .transport(transport)
            .sealer(sealer)
            .counters(counters)
            .log(log)
            .peers(peerArray)
            .highWater(highWater)
            .progress(progress)
            .retained(new RetainedBatches(config.sendWindow(), progress.streamNext()))
            .jitter(new RetransmitJitter(nowNanos, RetransmitJitter.DEFAULT_SPREAD_PER_MILLE))
            .stagingCapacity(STAGING_CAPACITY)
            .retransmitMinNanos(TimeUnit.MILLISECONDS.toNanos(config.retransmitInitialMs()))
            .retransmitMaxNanos(TimeUnit.MILLISECONDS.toNanos(config.retransmitMaxMs()))
            .heartbeatIntervalNanos(TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs()))
            .suspectAfterNanos(TimeUnit.MILLISECONDS.toNanos(config.peerSuspectAfterMs()))
            .downAfterNanos(TimeUnit.MILLISECONDS.toNanos(config.peerDownAfterMs()))
            .conclude();
        final StreamSender streamSender = new StreamSender(context, new RetransmitHandler(context));
        final AckSender ackSender = new AckSender(context);
        final LivenessMonitor liveness = new LivenessMonitor(context);
        final PeerMonitor peerMonitor = new PeerMonitor(ackSender, new HeartbeatSender(context), liveness);
        final StreamReceiver streamReceiver = new StreamReceiver(context, ledger, policy, ackSender, new CatchUp(context, ledger));
        receiver = new DatagramReceiver(context, verifier, streamReceiver, streamSender, liveness);
        final ExpirySweeper sweeper = new ExpirySweeper(ledger, counters, tombstoneRetentionMillis(config));
        sweeper.sweepSoon();

        requests = new ManyToOneConcurrentArrayQueue<>(REQUEST_QUEUE_CAPACITY);
        agent = new NodeAgent(
            config.nodeId(), nanoClock, epochClock, receiver, streamSender, peerMonitor, ledger, sweeper, highWater,
            progress, firewall, counters, status, requests);
        eventSources = newEventSources(config, log, status, policy, counters);
        agent.housekeeping(() -> counters.logLinesDropped.setRelease(log.dropped()));

        control = new ControlServer(
            config.stateDir(), requests, transport::wakeup, policy, config.ipv4BanPrefix(), config.ipv6BanPrefix(),
            config.defaultBanSeconds(), config.nodeId());

        runner = new AgentRunner(
            new NodeIdleStrategy(transport, agent, nanoClock),
            throwable ->
            {
                counters.errors.incrementRelease();
                line.begin().append("node ").append(config.nodeId()).append(": error in loop: ").append(String.valueOf(throwable)).commit();
            },
            counters.errors,
            agent);

        line.begin().append("node ").append(config.nodeId()).append(" listening on ")
            .append(String.valueOf(transport.localAddress())).append(" with ").append(peers.size()).append(" peer(s), ")
            .append(store.size()).append(" stored entries, firewall ").append(config.firewall().backend()).commit();
    }

    /**
     * Open the state, bind the socket and start the loop thread.
     *
     * @throws IOException with an operator-facing message (state dir in use, port taken, ...).
     */
    public static Node start(final NodeConfig config, final EventLog log) throws IOException
    {
        final Node node = new Node(config, log);
        AgentRunner.startOnThread(node.runner);
        if (null != node.eventSources)
        {
            node.eventSources.start();
        }
        return node;
    }

    /**
     * Any thread: hand decisions to the loop, as the control socket does; wait with {@link LocalRequest#await(long)}.
     *
     * @return false when the queue is full (try again shortly).
     */
    public boolean submit(final LocalRequest request)
    {
        final boolean queued = requests.offer(request);
        if (queued)
        {
            transport.wakeup();
        }
        return queued;
    }

    /** Any thread: true once every configured peer has been heard from recently. */
    public boolean allPeersUp()
    {
        for (final Peer peer : peers)
        {
            if (peer.publishedState() != Peer.STATE_UP)
            {
                return false;
            }
        }
        return true;
    }

    /** Test hook: drop received datagrams before verification, e.g. to inject loss. */
    public void receiveHook(final DatagramReceiver.ReceiveHook hook)
    {
        receiver.hook(hook);
    }

    public void close()
    {
        CloseHelper.quietCloseAll(eventSources, control, runner, firewall, transport);
        CloseHelper.quietCloseAll(store, progress, status);
        log.newLine().begin().append("node ").append(config.nodeId()).append(" stopped").commit();
    }

    /**
     * The [source] sections, each feeding the detector through its own ring; null when there are none.
     */
    private EventSources newEventSources(
        final NodeConfig config, final EventLog log, final StatusFile status, final BanPolicy policy, final NodeCounters counters)
    {
        if (config.sources().isEmpty())
        {
            return null;
        }

        final EventSources sources = new EventSources(config.sources(), transport::wakeup, log.threadSafeConsumer(), status.countersManager());
        final List<DetectorRule> rules = new ArrayList<>();
        for (final RuleConfig rule : config.rules())
        {
            int sourceIndex = DetectorRule.ANY;
            for (int i = 0; i < config.sources().size(); i++)
            {
                if (config.sources().get(i).name().equals(rule.source()))
                {
                    sourceIndex = i;
                }
            }
            rules.add(new DetectorRule(rule, sourceIndex));
        }
        final Detector detector = new Detector(rules.toArray(new DetectorRule[0]), new OffenderTable(config.trackedSources()),
            policy, agent, counters.eventsMatched, counters.eventsIgnored, counters.eventsFromProtected, counters.detectorBans);
        agent.eventIntake(new EventIntake(sources.rings(), detector), sources::publishCounters);
        return sources;
    }

    /** Tombstones must outlive any ban they could have superseded; with permanent bans allowed, keep them 10 years. */
    private static long tombstoneRetentionMillis(final NodeConfig config)
    {
        final long seconds = config.maxBanSeconds() == 0 ? 10L * 365 * 86_400 : Math.max(86_400, config.maxBanSeconds());
        return seconds * 1000;
    }

    /**
     * The log backend writes through the node's own log; the others go through the firewall module's batcher,
     * which first reconciles the packet filter with every live ban in the store (blacklistd -r).
     */
    private static FirewallPort newFirewall(
        final NodeConfig config, final EventLog log, final BanStore store, final NodeCounters counters, final long nowMillis)
    {
        if (FirewallConfig.LOG.equals(config.firewall().backend()))
        {
            return new LogFirewallPort(log, config.nodeId());
        }

        final EventLog.Line line = log.newLine();
        final FirewallBackend backend = FirewallFactory.backend(config.firewall(), message -> line.begin().append(message).commit());
        final FirewallBatcher batcher = new FirewallBatcher(backend, FirewallFactory.batcherSettings(config.firewall(), config.nodeId()));
        final List<FirewallChange> liveBans = new ArrayList<>();
        store.forEach((prefix, entry) ->
        {
            if (BanLedger.isActiveBan(entry, nowMillis))
            {
                final long timeout = entry.expiresAtMillis() == 0 ? 0 : Math.max(1, (entry.expiresAtMillis() - nowMillis) / 1000);
                liveBans.add(new FirewallChange(FirewallChange.Op.ADD, prefix, timeout, entry.reason(), entry.protocol(), entry.port()));
            }
        });
        batcher.start(liveBans);
        line.begin().append("node ").append(config.nodeId()).append(": firewall ").append(config.firewall().backend())
            .append(" started, ").append(liveBans.size()).append(" live bans re-applied").commit();
        return new BatcherFirewallPort(batcher, counters, log);
    }

    /** The allow-list plus every peer and every address of this host: none of them may ever be banned. */
    private static BanPolicy newPolicy(final NodeConfig config) throws SocketException
    {
        final List<IpPrefix> protectedPrefixes = new ArrayList<>();
        final List<String> why = new ArrayList<>();
        for (final IpPrefix allowed : config.allowList())
        {
            protectedPrefixes.add(allowed);
            why.add("allow-list " + allowed);
        }
        for (final PeerConfig peer : config.peers())
        {
            protectedPrefixes.add(hostPrefix(peer.address().getAddress()));
            why.add("peer " + peer.name());
        }
        protectedPrefixes.add(hostPrefix(config.listen().getAddress()));
        why.add("this node's listen address");
        for (final NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces()))
        {
            for (final InterfaceAddress address : networkInterface.getInterfaceAddresses())
            {
                final InetAddress inet = address.getAddress();
                if (!inet.isAnyLocalAddress())
                {
                    protectedPrefixes.add(hostPrefix(inet));
                    why.add("address of this host on " + networkInterface.getName());
                }
            }
        }
        return new BanPolicy(protectedPrefixes, why, config.minPrefixIpv4(), config.minPrefixIpv6(),
            config.maxBanSeconds(), config.originRatePerSecond());
    }

    private static IpPrefix hostPrefix(final InetAddress address)
    {
        final byte[] bytes = address.getAddress();
        final int family = bytes.length == 4 ? AddressFamily.IPV4 : AddressFamily.IPV6;
        return new IpPrefix().set(family, bytes, family == AddressFamily.IPV4 ? 32 : 128);
    }
}
