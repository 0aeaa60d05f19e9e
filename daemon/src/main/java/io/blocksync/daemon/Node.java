package io.blocksync.daemon;

import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.PeerLink;
import io.blocksync.daemon.config.EndpointText;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.config.RuleConfig;
import io.blocksync.daemon.control.ControlServer;
import io.blocksync.daemon.detect.Detector;
import io.blocksync.daemon.detect.DetectorRule;
import io.blocksync.daemon.detect.EventIntake;
import io.blocksync.daemon.detect.OffenderTable;
import io.blocksync.daemon.http.HttpSources;
import io.blocksync.daemon.http.StatusHttpServer;
import io.blocksync.daemon.node.CatchUp;
import io.blocksync.daemon.node.Checkpointer;
import io.blocksync.daemon.node.DatagramReceiver;
import io.blocksync.daemon.node.DecisionSigning;
import io.blocksync.daemon.node.FileSync;
import io.blocksync.daemon.node.FirewallFeed;
import io.blocksync.daemon.node.GroupCommit;
import io.blocksync.daemon.node.HighWaterMarks;
import io.blocksync.daemon.node.LocalExemptions;
import io.blocksync.daemon.node.LocalRequest;
import io.blocksync.daemon.node.GroupChannel;
import io.blocksync.daemon.node.GroupMembership;
import io.blocksync.daemon.node.NodeAgent;
import io.blocksync.daemon.node.NodeContext;
import io.blocksync.daemon.node.NodeIdleStrategy;
import io.blocksync.daemon.node.OriginSequenceIndex;
import io.blocksync.daemon.node.OwnAddressFollower;
import io.blocksync.daemon.node.PacketSealer;
import io.blocksync.daemon.node.Peer;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.node.ReplayWindows;
import io.blocksync.daemon.node.RetainedBatches;
import io.blocksync.daemon.node.RetransmitJitter;
import io.blocksync.daemon.node.SigningShard;
import io.blocksync.daemon.node.StateSync;
import io.blocksync.daemon.node.SteadyClock;
import io.blocksync.daemon.node.UdpTransport;
import io.blocksync.daemon.status.EnforcementLatency;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.store.ResidentPages;
import io.blocksync.daemon.store.StartScan;
import io.blocksync.daemon.table.BanDecider;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.daemon.table.BanTable;
import io.blocksync.daemon.table.HybridLogicalClock;
import io.blocksync.daemon.table.DecisionSigner;
import io.blocksync.daemon.table.OriginQuota;
import io.blocksync.firewall.Firewall;
import io.blocksync.nativeio.OwnAddressMonitor;
import org.agrona.CloseHelper;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * One running BlockSync node: opens the state directory, wires the loop's roles together from the config, and
 * runs the agent on its own thread. {@link #close()} stops it cleanly (the store is marked clean, the control
 * socket removed), waiting for the loop at most {@link #LOOP_STOP_TIMEOUT_MILLIS}. An {@link Error} on the loop ends
 * the process with status {@value LoopThread#EXIT_LOOP_ERROR} ({@link LoopThread}).
 */
public final class Node implements AutoCloseable
{
    /**
     * Local decisions the outgoing stream may hold staged at most (while the retained ring waits for ACKs): the store's
     * capacity, from 1,024 to 65,536 records; the ring starts at 1,024 (160 KiB) and grows only as bursts need it.
     */
    static final int MAX_STAGING_CAPACITY = 65_536;
    static final int MIN_STAGING_CAPACITY = 1_024;
    private static final int REQUEST_QUEUE_CAPACITY = 1024;
    /**
     * {@code -Dblocksync.own-addresses.poll=true}: follow own addresses by re-reading the interfaces every second even
     * where rtnetlink works (a troubleshooting switch, and how tests reach the fallback).
     */
    public static final String OWN_ADDRESSES_POLL_PROPERTY = "blocksync.own-addresses.poll";
    /**
     * How long a stop waits for the loop's current piece of work. The whole stop (control socket, loop, firewall,
     * log) must end well inside the service file's TimeoutStopSec (20 s in dist/systemd), or systemd kills it.
     */
    public static final long LOOP_STOP_TIMEOUT_MILLIS = 5_000;

    private final NodeConfig config;
    private final EventLog log;
    private final BanStore store;
    private final AutoCloseable pageRelease;
    private final ProgressFile progress;
    private final ReplayWindows replayWindows;
    private final StatusFile status;
    private final UdpTransport transport;
    private final Firewall firewall;
    private final NodeAgent agent;
    private final GroupChannel groupChannel;
    private static final long PAGE_RELEASE_DELAY_NANOS = 2_000_000_000L;
    private final LoopThread loop;
    private final DecisionSigning signing;
    // One a signer thread; none when the loop signs.
    private final LoopThread[] signers;
    private final ControlServer control;
    private final DatagramReceiver receiver;
    private final ManyToOneConcurrentArrayQueue<LocalRequest> requests;
    private final List<Peer> peers;
    private final EventSources eventSources;
    private final FileSync fileSync;
    private final GroupCommit groupCommit;
    private final Checkpointer checkpointer;
    private final NodeCounters counters;
    private final OwnAddressMonitor ownAddresses;
    private final EnforcementLatency enforcementLatency = new EnforcementLatency();
    private StatusHttpServer http;
    private final io.blocksync.daemon.feed.crowdsec.CrowdSecBridge crowdsec;

    /**
     * @param syncOverride test seam: syncs the state files instead of {@link FileSync}; null for the real one.
     * @param linkMacs     what computes every link's MACs ({@link NodeStart#chooseLinkMacs()} but in tests).
     */
    private Node(
        final NodeConfig config, final EventLog log, final IntConsumer exit, final StateSync syncOverride,
        final NodeStart.LinkMacs linkMacs) throws IOException
    {
        this.config = config;
        this.log = log;
        final EventLog.Line line = log.newLine();
        // A heap too small for a full store's firewall state fails only once the store fills: said at start.
        final String shortfall = config.firewall().settings().heapShortfall(config.storeCapacity(), Runtime.getRuntime().maxMemory());
        if (null != shortfall)
        {
            line.begin().append("node ").append(config.nodeId()).append(": warning: [bans] capacity = ")
                .append(config.storeCapacity()).append(": ").append(shortfall).commit();
        }
        final SystemNanoClock nanoClock = SystemNanoClock.INSTANCE;
        final SystemEpochClock epochClock = SystemEpochClock.INSTANCE;
        final long nowMillis = epochClock.time();
        // Seeds the retransmission jitter: nodes that start together still spread their timeouts differently.
        final long nowNanos = nanoClock.nanoTime();
        // Every local timer runs in the frame the last run recorded, so stored expiries keep their meaning.
        final SteadyClock steadyClock = SteadyClock.resume(ProgressFile.readFrame(config.stateDir()), epochClock, nanoClock);

        NodeStart.step(line, config, "opening the ban store in " + config.stateDir() + " (recovering and replaying its log if the " +
            "last run did not stop cleanly)");
        // Ended entries are purged by the one start-up pass below, not by a pass of their own at open.
        store = BanStore.openForDaemon(config.stateDir(), config.storeCapacity(), message -> line.begin().append(message).commit(),
            config.stateSync(), BanStore.PURGE_LATER);
        // The bans already stored go to the firewall at start: a heap that cannot hold them is refused here, not by an
        // OutOfMemoryError in its worker.
        try
        {
            config.firewall().settings().checkHeap(store.size(), Runtime.getRuntime().maxMemory());
        }
        catch (final RuntimeException ex)
        {
            store.close();
            throw ex;
        }
        ProgressFile progressFile = null;
        ReplayWindows replayFile = null;
        StatusFile statusFile = null;
        UdpTransport udp = null;
        NodeCounters nodeCounters = null;
        try
        {
            progressFile = ProgressFile.open(config.stateDir(), config.nodeId(), nowMillis);
            NodeStart.startEpochAfterUncleanStop(config.nodeId(), store, progressFile, nowMillis, line);
            NodeStart.trustReceiveSide(config, store, progressFile, line);
            replayFile = ReplayWindows.open(config.stateDir(), config.nodeId(), config.peers().stream().mapToInt(PeerConfig::nodeId).toArray());
            statusFile = StatusFile.create(config.stateDir(), config.nodeId(), nowMillis, config.peers().size());
            nodeCounters = new NodeCounters(statusFile.countersManager());
            NodeStart.step(line, config, "store open with " + store.size() + " entries; binding UDP " + EndpointText.format(config.listen()));
            udp = new UdpTransport(config.listen(), nodeCounters);
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(udp, statusFile, replayFile, progressFile, store);
            throw ex;
        }
        progress = progressFile;
        replayWindows = replayFile;
        status = statusFile;
        transport = udp;
        final NodeCounters counters = nodeCounters;
        this.counters = counters;
        try
        {
            fileSync = config.stateSync() && null == syncOverride ? new FileSync(config.stateDir(), store.file(), List.of(
                store.writeAheadLog().file(), config.stateDir().resolve(ProgressFile.FILE_NAME),
                config.stateDir().resolve(ReplayWindows.FILE_NAME))) : null;
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(transport, status, replayWindows, progress, store);
            throw ex;
        }
        final StateSync stateSync = null == syncOverride ? fileSync : syncOverride;
        checkpointer = !config.stateSync() ? null : Checkpointer.start(store.writeAheadLog(), stateSync, counters,
            log.threadSafeConsumer(), "blocksync-checkpoint-" + config.nodeId());
        groupCommit = !config.stateSync() ? GroupCommit.never() : GroupCommit.start(stateSync, checkpointer,
            transport::wakeup, counters, log.threadSafeConsumer(), "blocksync-sync-" + config.nodeId());
        final FrameVerifier verifier = new FrameVerifier(config.nodeId());
        peers = new ArrayList<>();
        for (final PeerConfig peerConfig : config.peers())
        {
            final PeerLink link = NodeStart.newLink(config, peerConfig, replayWindows.window(peerConfig.nodeId()), linkMacs.engine);
            verifier.addLink(link);
            peers.add(new Peer(peerConfig.nodeId(), peerConfig.name(), peerConfig.address(), link, status.countersManager())
                .groupMember(null != config.multicast() && config.multicast().isMember(peerConfig.nodeId())));
        }
        final Peer[] peerArray = peers.toArray(new Peer[0]);

        final BanPolicy policy = NodeStart.newPolicy(config);
        final HybridLogicalClock hybridClock = new HybridLogicalClock(epochClock, config.maxClockSkewMs(), counters.clockRefusedFutureHlc);
        final BanTable table = new BanTable(store, policy, counters,
            BanTable.tombstoneRetentionMillis(config.maxBanSeconds()), config.maxClockSkewMs(), hybridClock)
            .signLocalDecisions(new DecisionSigner(config.keys()[0]));
        final HighWaterMarks highWater = new HighWaterMarks(progress, config.peers().stream().mapToInt(PeerConfig::nodeId).toArray(),
            counters.highWaterRangesDropped, HighWaterMarks.MAX_PENDING_PER_ORIGIN);
        highWater.writeAfterSyncs(groupCommit);
        final PacketSealer sealer = new PacketSealer(config.nodeId(), config.keyId(), progress, nowMillis);
        final NodeContext context = new NodeContext()
            .nodeId(config.nodeId())
            .epochClock(epochClock)
            .nanoClock(nanoClock)
            .steadyClock(steadyClock)
            .hybridClock(hybridClock)
            .clockWarningMillis(config.clockWarningMs())
            .transport(transport)
            .sealer(sealer)
            .verifier(verifier)
            .status(status)
            .counters(counters)
            .log(log)
            .peers(peerArray)
            .highWater(highWater)
            .progress(progress)
            .retained(new RetainedBatches(config.sendWindow(), progress.streamNext()))
            .jitter(new RetransmitJitter(nowNanos, RetransmitJitter.DEFAULT_SPREAD_PER_MILLE))
            .groupCommit(groupCommit)
            .stagingCapacity(stagingCapacityFor(config.storeCapacity()))
            .originBurst(config.originBurst())
            .snapshotChunkBudget(config.snapshotChunkBudget())
            .retransmitMinNanos(TimeUnit.MILLISECONDS.toNanos(config.retransmitInitialMs()))
            .retransmitMaxNanos(TimeUnit.MILLISECONDS.toNanos(config.retransmitMaxMs()))
            .heartbeatIntervalNanos(TimeUnit.MILLISECONDS.toNanos(config.heartbeatIntervalMs()))
            .suspectAfterNanos(TimeUnit.MILLISECONDS.toNanos(config.peerSuspectAfterMs()))
            .downAfterNanos(TimeUnit.MILLISECONDS.toNanos(config.peerDownAfterMs()))
            .conclude();

        // One pass over the store at start, read by the firewall's start and handed to every role that must see the
        // whole store before the loop runs (StartScan): purge, origin quota and expiry index, catch-up's index (where
        // the local origin's highest stored sequence is read too), and the bans covering an own address.
        final StartScan startScan = new StartScan(store, steadyClock.time(), message -> line.begin().append(message).commit());
        table.limitOrigins(new OriginQuota(config.storeCapacity(), config.originQuotaPercent(), config.nodeId(),
            config.peers().stream().mapToInt(PeerConfig::nodeId).toArray()), startScan);
        final OriginSequenceIndex sequenceIndex = CatchUp.newIndex(context, table);
        startScan.add(sequenceIndex, sequenceIndex::finishBuild);
        context.sequenceIndex(sequenceIndex);
        // Started before the firewall: the first set is in the policy before any ban is enforced or taken.
        ownAddresses = new OwnAddressMonitor("own-addresses-" + config.nodeId(), null,
            OwnAddressMonitor.DEFAULT_POLL_INTERVAL_MILLIS, Boolean.getBoolean(OWN_ADDRESSES_POLL_PROPERTY),
            new OwnAddressFollower(policy, counters, log.threadSafeConsumer(), transport::wakeup),
            NodeStart.prefixed(log.threadSafeConsumer(), "node " + config.nodeId() + ": "));
        final LocalExemptions.StartPass ownCovering;
        Firewall started = null;
        try
        {
            ownAddresses.start();
            ownCovering = LocalExemptions.startPass(policy, steadyClock.time());
            startScan.add(ownCovering);
            NodeStart.step(line, config, "starting firewall " + config.firewall().backend() + " and reconciling the kernel with " +
                "the store's live bans");
            started = NodeStart.newFirewall(config, log, startScan, steadyClock, policy);
            startScan.finish();
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietCloseAll(started, ownAddresses, groupCommit, checkpointer, fileSync, transport, status, replayWindows, progress, store);
            throw ex;
        }
        firewall = started;

        requests = new ManyToOneConcurrentArrayQueue<>(REQUEST_QUEUE_CAPACITY);
        crowdsec = null == config.crowdsec() ? null :
            new io.blocksync.daemon.feed.crowdsec.CrowdSecBridge(config, counters, log.threadSafeConsumer(), this::submit);
        agent = new NodeAgent(context, table, policy, new FirewallFeed(firewall, counters, log)
            .recordLatency(enforcementLatency, epochClock).originNames(config.peers())
            .observe(null == crowdsec ? null : crowdsec.outbox()), requests);
        try
        {
            groupChannel = GroupMembership.join(config, agent, transport, counters, epochClock.time());
        }
        catch (final IOException ex)
        {
            CloseHelper.quietCloseAll(firewall, ownAddresses, groupCommit, checkpointer, fileSync, transport, status, replayWindows, progress, store);
            throw ex;
        }
        agent.localExemptions(new LocalExemptions(policy, table, firewall, counters, log).start(ownCovering));
        receiver = agent.receiver();
        eventSources = newEventSources(config, log, status, policy, counters, agent.localDecisions());
        // The start-up pass read the whole store: its pages go back, so an idle node holds its working set.
        pageRelease = ResidentPages.releaseLater(store.file(), PAGE_RELEASE_DELAY_NANOS);
        agent.everySecond(() ->
        {
            counters.logLinesDropped.setRelease(log.dropped());
            counters.ownAddressResyncs.setRelease(ownAddresses.resyncs());
            counters.firewallFullChecks.setRelease(firewall.fullChecks());
            counters.firewallFullCheckLastMs.setRelease(firewall.fullCheckLastMillis());
            counters.firewallElementsRepaired.setRelease(firewall.repairedElements());
            counters.firewallCommits.setRelease(firewall.commits());
            if (null != eventSources)
            {
                eventSources.publishCounters();
            }
        });

        control = new ControlServer(config, requests, transport::wakeup, policy, firewall);

        // AgentRunner counts each error in counters.errors itself.
        loop = new LoopThread(new NodeIdleStrategy(transport, agent, nanoClock), agent, counters.errors, log, "node " + config.nodeId(), exit);
        // This node's decisions are signed on threads of their own, which the loop hands them to and takes them back
        // from signed; only where a second CPU runs them: on one, the hand-off is two wake-ups more per burst and
        // buys nothing (pinned to one CPU, 5 of 13 bench runs had lone bans wait 24-133 ms behind the sync thread), so
        // the loop signs inline there as it always did (PERFORMANCE.md, issue 13, sign13 and parsign14).
        signing = agent.localDecisions().signing();
        final int processors = Runtime.getRuntime().availableProcessors();
        final int signerThreads = config.signerThreads(processors);
        signers = new LoopThread[signerThreads];
        if (signerThreads > 0)
        {
            signing.offLoop(transport::wakeup, signerThreads);
            final SigningShard[] shards = signing.shards();
            for (int k = 0; k < signerThreads; k++)
            {
                signers[k] = new LoopThread(shards[k].idleStrategy(), shards[k], counters.errors, log,
                    "node " + config.nodeId() + " signer" + (1 == signerThreads ? "" : " " + k), exit);
            }
        }

        line.begin().append("node ").append(config.nodeId()).append(" listening on ")
            .append(String.valueOf(transport.localAddress())).append(" with ").append(peers.size()).append(" peer(s), ")
            .append(store.size()).append(" stored entries (").append(store.passes()).append(" pass(es) over the store at start), firewall ")
            .append(config.firewall().backend()).append(", own decisions signed ");
        if (0 == signerThreads)
        {
            line.append("on the loop (one CPU");
            if (0 != config.signerThreadsSetting())
            {
                line.append("; [node] signer-threads = ").append(config.signerThreadsSetting()).append(" not used");
            }
            line.append(')');
        }
        else
        {
            line.append(1 == signerThreads ? "on a thread of their own" : "on " + signerThreads + " threads of their own")
                .append(" (").append(processors).append(" CPUs)");
        }
        line.append(", link MACs by ").append(linkMacs.text).commit();
    }

    /**
     * Open the state, bind the socket and start the loop thread. An {@link Error} on the loop flushes the log and
     * halts the JVM with status {@value LoopThread#EXIT_LOOP_ERROR}: no shutdown hook runs, and the store is
     * recovered at the next start as after {@code kill -9}.
     *
     * @throws IOException with an operator-facing message (state dir in use, port taken, ...).
     */
    public static Node start(final NodeConfig config, final EventLog log) throws IOException
    {
        return start(config, log, status ->
        {
            log.close();
            Runtime.getRuntime().halt(status);
        });
    }

    /**
     * As {@link #start(NodeConfig, EventLog)}, with what an {@link Error} on the loop calls instead of halting.
     *
     * @param exit receives the exit status ({@value LoopThread#EXIT_LOOP_ERROR}) on the loop thread.
     */
    public static Node start(final NodeConfig config, final EventLog log, final IntConsumer exit) throws IOException
    {
        return start(config, log, exit, null);
    }

    /**
     * Test seam: as {@link #start(NodeConfig, EventLog, IntConsumer)}, with the state files synced by {@code sync}
     * (when {@code [node] state-sync} is {@code always}).
     */
    static Node start(final NodeConfig config, final EventLog log, final IntConsumer exit, final StateSync sync) throws IOException
    {
        return start(config, log, exit, sync, NodeStart.chooseLinkMacs());
    }

    /** Test seam: as {@link #start(NodeConfig, EventLog, IntConsumer, StateSync)}, with the link MACs computed by {@code linkMacs}. */
    static Node start(
        final NodeConfig config, final EventLog log, final IntConsumer exit, final StateSync sync, final NodeStart.LinkMacs linkMacs)
        throws IOException
    {
        final Node node = new Node(config, log, exit, sync, linkMacs);
        for (final LoopThread signer : node.signers)
        {
            signer.start();
        }
        node.loop.start();
        if (null != node.eventSources)
        {
            node.eventSources.start();
        }
        if (null != node.crowdsec)
        {
            node.crowdsec.start();
            NodeStart.step(log.newLine(), config, "following CrowdSec's decisions at " + config.crowdsec().lapiUrl() +
                (config.crowdsec().push() ? " and pushing this node's bans there" : ""));
        }
        if (null != config.httpListen())
        {
            try
            {
                node.http = StatusHttpServer.start(config.httpListen(), new HttpSources(
                    config, node.status, node.firewall, node.enforcementLatency, node.counters));
            }
            catch (final IOException | RuntimeException ex)
            {
                node.close();
                throw ex;
            }
            NodeStart.step(log.newLine(), config, "serving /status and /metrics on http://" +
                EndpointText.format(node.http.address()));
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

    /** Test hook: the configured peers, their links among them. */
    List<Peer> peers()
    {
        return peers;
    }

    /** Test hook: the node's counters, as the status file has them. */
    NodeCounters counters()
    {
        return counters;
    }

    /** Test hook: passes over the whole store since it was opened ({@link BanStore#passes()}); 1 after start. */
    long storePasses()
    {
        return store.passes();
    }

    /** Test hook: a per-peer status counter ({@link Peer#ACKED_BATCHES_ID} ...), or -1 when there is none. */
    long peerCounter(final int peerId, final int counterId)
    {
        final long[] value = { -1 };
        status.countersManager().forEach((id, typeId, key, label) ->
        {
            if (typeId == NodeCounters.PEER_COUNTER_TYPE_ID && key.getInt(0) == peerId && key.getInt(4) == counterId)
            {
                value[0] = status.countersManager().getCounterValue(id);
            }
        });
        return value[0];
    }

    /** Test hook: drop received datagrams before verification, e.g. to inject loss. */
    public void receiveHook(final DatagramReceiver.ReceiveHook hook)
    {
        receiver.hook(hook);
    }

    /**
     * Stop: inputs first, then the loop, then what the loop used. A loop that is still busy after
     * {@link #LOOP_STOP_TIMEOUT_MILLIS} is left running: the store, progress and status files stay open under it
     * (closing them would unmap memory it may be writing) and the store is not marked clean, so the next start
     * recovers it as after {@code kill -9}. The JVM's exit then ends the loop.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(pageRelease, http, crowdsec, eventSources, control, ownAddresses);
        final boolean loopStopped = loop.stop(LOOP_STOP_TIMEOUT_MILLIS);
        // After the loop: the signers sign what they were handed (onClose), and the decisions are stored before the
        // store is closed. A loop or signer still running leaves them unstored: their sequences were never used.
        if (signers.length > 0)
        {
            signing.prepareStop();
            // Each signer signs its share on its way out; all must have, or none is stored. One deadline for them all.
            final long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOOP_STOP_TIMEOUT_MILLIS);
            boolean signersStopped = true;
            for (final LoopThread signer : signers)
            {
                signersStopped &= signer.stop(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            }
            if (signersStopped && loopStopped)
            {
                agent.storeSignedAtStop();
            }
        }
        CloseHelper.quietCloseAll(firewall, transport, groupChannel);
        final EventLog.Line line = log.newLine();
        if (loopStopped)
        {
            // A last sync and checkpoint before the store is marked clean: a clean mark must never outlive unsynced pages.
            CloseHelper.quietClose(groupCommit);
            if (groupCommit.isStopped())
            {
                // A clean stop says so at once: `status` then reads "NOT running" (exit 3) without waiting out the
                // 5 s an alive time stays fresh.
                status.aliveTimeMillis(0);
                CloseHelper.quietCloseAll(checkpointer, fileSync, store, replayWindows, progress, status);
                line.begin().append("node ").append(config.nodeId()).append(" stopped").commit();
            }
            else
            {
                // The stuck sync still writes progress.dat and status.dat when it returns: they stay mapped, and the
                // store stays unclean.
                line.begin().append("node ").append(config.nodeId())
                    .append(" stopped with its state sync stuck in the kernel; the state files were left open and are")
                    .append(" recovered at the next start").commit();
            }
        }
        else
        {
            line.begin().append("node ").append(config.nodeId()).append(" stopped without its loop, which was still busy after ")
                .append(LOOP_STOP_TIMEOUT_MILLIS).append(" ms; the store was left open and is recovered at the next start").commit();
        }
    }

    /** Records the staging ring may grow to for a store of {@code capacity} entries. */
    static int stagingCapacityFor(final long capacity)
    {
        return (int)Math.max(MIN_STAGING_CAPACITY, Math.min(MAX_STAGING_CAPACITY, capacity));
    }

    /**
     * The [source] sections, each feeding the detector through its own ring; null when there are none.
     */
    private EventSources newEventSources(
        final NodeConfig config,
        final EventLog log,
        final StatusFile status,
        final BanPolicy policy,
        final NodeCounters counters,
        final BanDecider decider)
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
        final Detector detector = new Detector(
            rules.toArray(new DetectorRule[0]), new OffenderTable(config.trackedSources()), policy, decider, counters);
        agent.eventIntake(new EventIntake(sources.rings(), detector));
        return sources;
    }
}
