package io.blocksync.daemon.node;

import io.blocksync.codec.FrameVerifier;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.daemon.table.HybridLogicalClock;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;

/**
 * What the loop's protocol roles share, set once while the node is wired and then read by each role's
 * constructor: identity, clocks, the transport and sealer, counters and log, the peers, the outgoing stream's
 * retained batches, and the timing settings (all in nanoseconds). Fluent setters return {@code this};
 * {@link #conclude()} checks that everything is set. Not thread safe; loop thread only after wiring.
 */
public final class NodeContext
{
    private int nodeId;
    private EpochClock epochClock;
    private NanoClock nanoClock;
    private HybridLogicalClock hybridClock;
    private SteadyClock steadyClock;
    private ClockFrame clockFrame;
    private long clockWarningMillis = 30_000;
    private Transport transport;
    private PacketSealer sealer;
    private FrameVerifier verifier;
    private StatusFile status;
    private NodeCounters counters;
    private EventLog log;
    private Peer[] peers;
    private final Int2ObjectHashMap<Peer> peersById = new Int2ObjectHashMap<>();
    private HighWaterMarks highWater;
    private ProgressFile progress;
    private RetainedBatches retained;
    private RetransmitJitter jitter;
    private GroupCommit groupCommit = GroupCommit.never();
    private int stagingCapacity = 65_536;
    private OriginSequenceIndex sequenceIndex;
    private long originBurst;
    private int snapshotChunkBudget = io.blocksync.daemon.config.NodeConfig.DEFAULT_SNAPSHOT_CHUNK_BUDGET;
    private int heartbeatPageEntries = io.blocksync.codec.HeartbeatFrameFlyweight.MAX_ENTRIES;
    private long retransmitMinNanos;
    private long retransmitMaxNanos;
    private long heartbeatIntervalNanos;
    private long suspectAfterNanos;
    private long downAfterNanos;

    /**
     * @return this, once every reference is set and the timings are positive.
     * @throws NullPointerException     naming the first reference not set.
     * @throws IllegalArgumentException when a timing is out of range.
     */
    public NodeContext conclude()
    {
        Objects.requireNonNull(epochClock, "epochClock");
        Objects.requireNonNull(nanoClock, "nanoClock");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(sealer, "sealer");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(peers, "peers");
        Objects.requireNonNull(highWater, "highWater");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(retained, "retained");
        Objects.requireNonNull(jitter, "jitter");
        if (null == hybridClock)
        {
            // Tests of single roles need none of their own; a node shares one with its ban table (Node sets it).
            hybridClock = new HybridLogicalClock(epochClock, NodeConfig.DEFAULT_MAX_CLOCK_SKEW_MS, counters.clockRefusedFutureHlc);
        }
        if (null == steadyClock)
        {
            steadyClock = SteadyClock.resume(progress.frame(), epochClock, nanoClock);
        }
        clockFrame = new ClockFrame(nodeId, steadyClock, progress, counters, log);
        // Only positivity: the config accepts any order of these, and the roles cope with any.
        if (retransmitMinNanos <= 0 || retransmitMaxNanos <= 0 || heartbeatIntervalNanos <= 0 ||
            suspectAfterNanos <= 0 || downAfterNanos <= 0 || stagingCapacity <= 0 || clockWarningMillis <= 0)
        {
            throw new IllegalArgumentException("timings: retransmit " + retransmitMinNanos + ".." + retransmitMaxNanos +
                " ns, heartbeat " + heartbeatIntervalNanos + " ns, suspect " + suspectAfterNanos + " ns, down " +
                downAfterNanos + " ns, staging " + stagingCapacity + ", clock warning " + clockWarningMillis + " ms");
        }
        return this;
    }

    /** Batches a peer may have unacknowledged: half the retained ring, 1..256. */
    public int flightWindow()
    {
        return Math.max(1, Math.min(256, retained.capacity() / 2));
    }

    public int nodeId()
    {
        return nodeId;
    }

    public NodeContext nodeId(final int nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    /** Wall-clock milliseconds since the epoch: what crosses the wire (frame and record times, versions). */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    public NodeContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /** Monotonic nanoseconds: timers (retransmission, heartbeat, liveness). */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    public NodeContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * The node's local time frame for every local timer (expiries, detector windows, rate budgets, kernel timeouts),
     * shared with the ban store's purge at open and the firewall. When not set, {@link #conclude()} continues the one
     * recorded in {@link #progress()}.
     */
    public SteadyClock steadyClock()
    {
        return steadyClock;
    }

    public NodeContext steadyClock(final SteadyClock steadyClock)
    {
        this.steadyClock = steadyClock;
        return this;
    }

    /** The loop's readings of the steady and wall clocks, made by {@link #conclude()}. */
    public ClockFrame clockFrame()
    {
        return clockFrame;
    }

    /**
     * The node's hybrid logical clock, shared with the ban table: versions decisions, advanced by peers'. When not set,
     * {@link #conclude()} makes one over the epoch clock.
     */
    public HybridLogicalClock hybridClock()
    {
        return hybridClock;
    }

    public NodeContext hybridClock(final HybridLogicalClock hybridClock)
    {
        this.hybridClock = hybridClock;
        return this;
    }

    /** A peer's clock offset beyond which a warning is logged ({@code [protocol] clock-warning}), ms. */
    public long clockWarningMillis()
    {
        return clockWarningMillis;
    }

    public NodeContext clockWarningMillis(final long millis)
    {
        this.clockWarningMillis = millis;
        return this;
    }

    public Transport transport()
    {
        return transport;
    }

    public NodeContext transport(final Transport transport)
    {
        this.transport = transport;
        return this;
    }

    public PacketSealer sealer()
    {
        return sealer;
    }

    public NodeContext sealer(final PacketSealer sealer)
    {
        this.sealer = sealer;
        return this;
    }

    /** The receive gate, holding every configured peer's keys. */
    public FrameVerifier verifier()
    {
        return verifier;
    }

    public NodeContext verifier(final FrameVerifier verifier)
    {
        this.verifier = verifier;
        return this;
    }

    /** The status file: liveness stamp and counters that `blocksync status` reads. */
    public StatusFile status()
    {
        return status;
    }

    public NodeContext status(final StatusFile status)
    {
        this.status = status;
        return this;
    }

    public NodeCounters counters()
    {
        return counters;
    }

    public NodeContext counters(final NodeCounters counters)
    {
        this.counters = counters;
        return this;
    }

    public EventLog log()
    {
        return log;
    }

    public NodeContext log(final EventLog log)
    {
        this.log = log;
        return this;
    }

    public Peer[] peers()
    {
        return peers;
    }

    /** The configured peers, in configuration order; also indexed by node id for {@link #peersById()}. */
    public NodeContext peers(final Peer[] peers)
    {
        this.peers = peers;
        peersById.clear();
        for (final Peer peer : peers)
        {
            peersById.put(peer.nodeId(), peer);
        }
        return this;
    }

    public Int2ObjectHashMap<Peer> peersById()
    {
        return peersById;
    }

    public HighWaterMarks highWater()
    {
        return highWater;
    }

    public NodeContext highWater(final HighWaterMarks highWater)
    {
        this.highWater = highWater;
        return this;
    }

    public ProgressFile progress()
    {
        return progress;
    }

    public NodeContext progress(final ProgressFile progress)
    {
        this.progress = progress;
        return this;
    }

    /** This node's outgoing stream as sealed batches. */
    public RetainedBatches retained()
    {
        return retained;
    }

    public NodeContext retained(final RetainedBatches retained)
    {
        this.retained = retained;
        return this;
    }

    public RetransmitJitter jitter()
    {
        return jitter;
    }

    public NodeContext jitter(final RetransmitJitter jitter)
    {
        this.jitter = jitter;
        return this;
    }

    /** When the state files are durable, for holding ACKs and operator replies; {@link GroupCommit#never()} by default. */
    public GroupCommit groupCommit()
    {
        return groupCommit;
    }

    public NodeContext groupCommit(final GroupCommit groupCommit)
    {
        this.groupCommit = Objects.requireNonNull(groupCommit, "groupCommit");
        return this;
    }

    /**
     * Catch-up's index of the table by origin sequence, built by the node's start-up pass over the store
     * ({@code StartScan}); null (the default) and {@link CatchUp} builds it by a scan of its own.
     */
    public OriginSequenceIndex sequenceIndex()
    {
        return sequenceIndex;
    }

    public NodeContext sequenceIndex(final OriginSequenceIndex sequenceIndex)
    {
        this.sequenceIndex = sequenceIndex;
        return this;
    }

    /** Local decisions that may wait for room in the retained ring. */
    public int stagingCapacity()
    {
        return stagingCapacity;
    }

    public NodeContext stagingCapacity(final int stagingCapacity)
    {
        this.stagingCapacity = stagingCapacity;
        return this;
    }

    /**
     * Records a peer may have charged at once beyond {@code [bans] origin-rate} ({@code [bans] origin-burst});
     * 0 (the default) for the entries one origin may hold ({@code BanTable#originLimit()}).
     */
    public long originBurst()
    {
        return originBurst;
    }

    /** Origins per HEARTBEAT page, 1 to {@code HeartbeatFrameFlyweight.MAX_ENTRIES} (the default, 69). */
    public int heartbeatPageEntries()
    {
        return heartbeatPageEntries;
    }

    public NodeContext heartbeatPageEntries(final int entries)
    {
        if (entries < 1 || entries > io.blocksync.codec.HeartbeatFrameFlyweight.MAX_ENTRIES)
        {
            throw new IllegalArgumentException("heartbeat page of " + entries + " entries: 1 to " +
                io.blocksync.codec.HeartbeatFrameFlyweight.MAX_ENTRIES);
        }
        this.heartbeatPageEntries = entries;
        return this;
    }

    public NodeContext originBurst(final long records)
    {
        this.originBurst = records;
        return this;
    }

    /** SNAPSHOT_CHUNK frames one peer may be sent per heartbeat interval ({@code [protocol] snapshot-chunk-budget}). */
    public int snapshotChunkBudget()
    {
        return snapshotChunkBudget;
    }

    public NodeContext snapshotChunkBudget(final int chunks)
    {
        this.snapshotChunkBudget = chunks;
        return this;
    }

    /** RFC 6298's lower bound on the retransmission timeout, also the timeout before any RTT sample. */
    public long retransmitMinNanos()
    {
        return retransmitMinNanos;
    }

    public NodeContext retransmitMinNanos(final long nanos)
    {
        this.retransmitMinNanos = nanos;
        return this;
    }

    /** Upper bound on the backed-off retransmission timeout. */
    public long retransmitMaxNanos()
    {
        return retransmitMaxNanos;
    }

    public NodeContext retransmitMaxNanos(final long nanos)
    {
        this.retransmitMaxNanos = nanos;
        return this;
    }

    /** Between HEARTBEATs, and between liveness checks. */
    public long heartbeatIntervalNanos()
    {
        return heartbeatIntervalNanos;
    }

    public NodeContext heartbeatIntervalNanos(final long nanos)
    {
        this.heartbeatIntervalNanos = nanos;
        return this;
    }

    /** Silence after which a peer is suspect. */
    public long suspectAfterNanos()
    {
        return suspectAfterNanos;
    }

    public NodeContext suspectAfterNanos(final long nanos)
    {
        this.suspectAfterNanos = nanos;
        return this;
    }

    /** Silence after which a peer is down (and no longer holds back the retained ring). */
    public long downAfterNanos()
    {
        return downAfterNanos;
    }

    public NodeContext downAfterNanos(final long nanos)
    {
        this.downAfterNanos = nanos;
        return this;
    }
}
