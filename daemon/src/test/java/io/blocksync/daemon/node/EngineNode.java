package io.blocksync.daemon.node;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.detect.Detector;
import io.blocksync.daemon.detect.DetectorRule;
import io.blocksync.daemon.detect.EventIntake;
import io.blocksync.daemon.detect.OffenderTable;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.daemon.table.BanTable;
import io.blocksync.daemon.table.DecisionSigner;
import io.blocksync.daemon.table.HybridLogicalClock;
import io.blocksync.daemon.table.OriginQuota;
import io.blocksync.firewall.Firewall;
import io.blocksync.firewall.FirewallContext;
import io.blocksync.firewall.LogFirewall;
import io.blocksync.nativeio.AttackEventRing;
import org.agrona.CloseHelper;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/**
 * One whole node's loop, wired as {@code Node} wires it (real ledger, store, progress, replay window and status files
 * in a temporary directory), but on a manual clock and the in-memory network, with a firewall that only counts. The
 * test calls {@link #doWork()} instead of a thread; {@link EngineCluster#restart} closes it and opens a new one over
 * the same directory, as a restarted process would.
 */
final class EngineNode implements AutoCloseable
{
    static final long REASON = ReasonCode.of("test").id();
    static final long MAX_DURATION_SECONDS = 30L * 86_400;
    private static final int FIREWALL_LINES_KEPT = 256;

    final int nodeId;
    final InetSocketAddress address;
    final NodeCounters counters;
    final NodeContext context;
    final Peer[] peers;
    final Path stateDir;
    private final BanStore store;
    private final ProgressFile progress;
    private final ReplayWindows replayWindows;
    private final StatusFile status;
    private final NodeAgent agent;
    private final EpochClock epochClock;
    private final SteadyClock steadyClock;
    private final IpPrefix prefix = new IpPrefix();
    private final Ban request = new Ban();
    private final LocalDecisions decider;
    private final ArrayDeque<String> firewallLines = new ArrayDeque<>();
    private final BanPolicy policy;
    private final java.util.List<AutoCloseable> closeables = new java.util.ArrayList<>();
    private final ManyToOneConcurrentArrayQueue<LocalRequest> requests = new ManyToOneConcurrentArrayQueue<>(16);

    EngineNode(final EngineCluster cluster, final int nodeId, final Path stateDir) throws Exception
    {
        final EngineCluster.Settings settings = cluster.settings();
        final NanoClock nanoClock = cluster.nanoClock();
        this.nodeId = nodeId;
        this.address = address(nodeId);
        // The node's own wall clock: the cluster's, off by this node's offset (a clock running fast or slow), read
        // live so a test can step it while the node runs.
        final EpochClock clusterClock = cluster.epochClock();
        this.epochClock = () -> clusterClock.time() + settings.clockOffsetMillis(nodeId);
        this.stateDir = stateDir;
        this.steadyClock = SteadyClock.resume(ProgressFile.readFrame(stateDir), epochClock, nanoClock);
        store = BanStore.openForDaemon(stateDir, settings.storeCapacity, System.err::println, false, steadyClock.time());
        progress = ProgressFile.open(stateDir, nodeId, epochClock.time());
        status = StatusFile.create(stateDir, nodeId, epochClock.time(), cluster.nodeIds().size() - 1);
        counters = new NodeCounters(status.countersManager());

        final FrameVerifier verifier = new FrameVerifier(nodeId);
        final int[] others = cluster.nodeIds().stream().mapToInt(Integer::intValue).filter(id -> id != nodeId).toArray();
        peers = new Peer[others.length];
        replayWindows = ReplayWindows.open(stateDir, nodeId, others);
        for (int i = 0; i < others.length; i++)
        {
            final PeerLink link = TestKeys.link(nodeId, others[i], replayWindows.window(others[i]));
            verifier.addLink(link);
            peers[i] = new Peer(others[i], "node" + others[i], address(others[i]), link, status.countersManager());
        }

        policy = new BanPolicy(List.of(), List.of(), 8, 32, MAX_DURATION_SECONDS, settings.originRate);
        final long tombstoneRetentionMillis = 86_400_000L;
        final HybridLogicalClock hybridClock = new HybridLogicalClock(epochClock, settings.maxClockSkewMillis, counters.clockRefusedFutureHlc);
        final BanTable table = new BanTable(store, policy, counters, tombstoneRetentionMillis, settings.maxClockSkewMillis, hybridClock)
            .signLocalDecisions(new DecisionSigner(TestKeys.nodeKey(nodeId)))
            .limitOrigins(new OriginQuota(settings.storeCapacity, settings.originQuotaPercent, nodeId, others));
        final HighWaterMarks highWater = new HighWaterMarks(progress, others, counters.highWaterRangesDropped,
            HighWaterMarks.MAX_PENDING_PER_ORIGIN);
        context = new NodeContext()
            .nodeId(nodeId)
            .epochClock(epochClock)
            .nanoClock(nanoClock)
            .steadyClock(steadyClock)
            .hybridClock(hybridClock)
            .clockWarningMillis(settings.clockWarningMillis)
            .transport(cluster.network().endpoint(address))
            .sealer(new PacketSealer(nodeId, TestKeys.KEY_ID, progress, epochClock.time()))
            .verifier(verifier)
            .status(status)
            .counters(counters)
            .log(cluster.log())
            .peers(peers)
            .highWater(highWater)
            .progress(progress)
            .retained(new RetainedBatches(settings.sendWindow, progress.streamNext()))
            .jitter(new RetransmitJitter(cluster.network().seed() * 31 + nodeId, RetransmitJitter.DEFAULT_SPREAD_PER_MILLE))
            .retransmitMinNanos(settings.retransmitMinNanos)
            .retransmitMaxNanos(settings.retransmitMaxNanos)
            .heartbeatIntervalNanos(settings.heartbeatIntervalNanos)
            .suspectAfterNanos(settings.suspectAfterNanos)
            .downAfterNanos(settings.downAfterNanos)
            .originBurst(settings.originBurst)
            .snapshotChunkBudget(settings.snapshotChunkBudget)
            .conclude();

        // The log dry run, on the node's steady clock as Node gives it: what it writes is what a kernel would be told.
        final Firewall firewall = null != settings.firewalls ? settings.firewalls.apply(nodeId) : new LogFirewall(new FirewallContext().clock(steadyClock).label("node " + nodeId).loopLog(text ->
        {
            if (firewallLines.size() == FIREWALL_LINES_KEPT)
            {
                firewallLines.removeFirst();
            }
            firewallLines.addLast(text.toString());
        }));
        agent = new NodeAgent(context, table, policy, new FirewallFeed(firewall, counters, cluster.log()), requests);
        decider = agent.localDecisions();
    }

    static InetSocketAddress address(final int nodeId)
    {
        try
        {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] { (byte)192, 0, 2, (byte)nodeId }), 7000);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    int doWork() throws Exception
    {
        return agent.doWork();
    }

    /** A local ban decision, as the control socket would hand it in; true when applied. */
    boolean ban(final String text)
    {
        return ban(text, 3600);
    }

    /** Hand a request to the loop's door, as the control socket and the CrowdSec bouncer do (Node#submit). */
    boolean submit(final LocalRequest request)
    {
        return requests.offer(request);
    }

    /** A local ban of {@code durationSeconds} under {@code reason}; true when applied. */
    boolean ban(final String text, final long durationSeconds, final ReasonCode reason)
    {
        parse(text);
        request.reset().action(BanAction.BAN).prefix(prefix).durationSeconds(durationSeconds).reason(reason);
        return decider.decide(request, steadyClock.time()) == BanOutcome.APPLIED;
    }

    /** A local ban of {@code durationSeconds}; true when applied. */
    boolean ban(final String text, final long durationSeconds)
    {
        parse(text);
        request.reset().action(BanAction.BAN).prefix(prefix).durationSeconds(durationSeconds).reason(REASON);
        return decider.decide(request, steadyClock.time()) == BanOutcome.APPLIED;
    }

    /** A local unban; true when applied (false when nothing was banned here). */
    boolean unban(final String text)
    {
        parse(text);
        request.reset().action(BanAction.UNBAN).prefix(prefix);
        return decider.decide(request, steadyClock.time()) == BanOutcome.APPLIED;
    }

    /** This node's wall clock, Unix ms (the cluster's plus its offset). */
    long timeMillis()
    {
        return epochClock.time();
    }

    /** This node's steady clock, Unix ms: the frame of its expiries (the wall clock until it steps). */
    long steadyMillis()
    {
        return steadyClock.time();
    }

    /** Feed the detector with these rules from the returned ring, drained by the loop as a node's sources are. */
    AttackEventRing attachDetector(final DetectorRule... rules)
    {
        final AttackEventRing ring = new AttackEventRing(64);
        agent.eventIntake(new EventIntake(new AttackEventRing[] { ring },
            new Detector(rules, new OffenderTable(64), policy, decider, counters)));
        return ring;
    }

    /** The last line the firewall wrote that contains {@code text} (e.g. "add 192.0.2.1 "), or null. */
    String lastFirewallLine(final String text)
    {
        final var lines = firewallLines.descendingIterator();
        while (lines.hasNext())
        {
            final String line = lines.next();
            if (line.contains(text))
            {
                return line;
            }
        }
        return null;
    }

    /** What the table holds for the prefix, or null. */
    Ban stored(final String text)
    {
        final Ban into = new Ban();
        return store.get(parse(text), into) ? into : null;
    }

    /** What takes snapshot chunks' records, for chunks a test hands in directly, outside any session. */
    SnapshotChunks snapshotChunks()
    {
        return agent.snapshotClient().chunks();
    }

    /**
     * Join a multicast group of these members (node ids), its group datagrams going to a loopback sink, and return
     * the member side, for group datagrams a test hands in directly.
     */
    GroupReceiver joinGroup(final int... members) throws java.io.IOException
    {
        final io.blocksync.codec.GroupVerifier verifier = new io.blocksync.codec.GroupVerifier(nodeId);
        for (final int member : members)
        {
            if (member != nodeId)
            {
                peer(member).groupMember(true);
                verifier.addMember(member, TestKeys.nodeKey(member).peerKey());
            }
        }
        final java.nio.channels.DatagramChannel out = java.nio.channels.DatagramChannel.open()
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        out.configureBlocking(false);
        closeables.add(out);
        // The node's own group datagrams go to its own socket and are never read: a sink.
        agent.multicast(new GroupChannel(out, (InetSocketAddress)out.getLocalAddress(), counters), TestKeys.nodeKey(nodeId),
            verifier, timeMillis());
        return agent.groupReceiver();
    }

    /**
     * Sign this node's decisions off the loop, as {@code Node} does, with the test standing in for the signer's
     * thread: decisions wait, handed over, until the test signs them ({@link DecisionSigning#signAtMost}).
     */
    DecisionSigning signOffLoop()
    {
        return decider.signing().offLoop(() -> { }, 1);
    }

    /** What a stop does once the loop ended: the signer signs what it holds, then the loop's end stores it. */
    void stopSigning()
    {
        for (final SigningShard shard : decider.signing().shards())
        {
            shard.onClose();
        }
        agent.storeSignedAtStop();
    }

    /** The receive side, for datagrams a test hands in directly rather than over the network. */
    DatagramReceiver receiver()
    {
        return agent.receiver();
    }

    /** Decisions staged for the outgoing stream and not yet in a batch. */
    long staged()
    {
        return agent.streamSender().staged();
    }

    ProgressFile progress()
    {
        return progress;
    }

    boolean isBanned(final String text)
    {
        return decider.isBanned(parse(text), steadyClock.time());
    }

    long storeSize()
    {
        return store.size();
    }

    Peer peer(final int peerId)
    {
        return Arrays.stream(peers).filter(peer -> peer.nodeId() == peerId).findFirst().orElseThrow();
    }

    /** The high water this node holds of {@code origin}'s decisions. */
    long highWater(final int origin)
    {
        return context.highWater().highWater(origin);
    }

    public void close()
    {
        CloseHelper.quietCloseAll(closeables);
        CloseHelper.quietCloseAll(store, replayWindows, progress, status);
    }

    private IpPrefix parse(final String text)
    {
        final String error = AddressText.parse(text, prefix, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return prefix;
    }
}
