package io.blocksync.daemon.node;

import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.detect.EventIntake;
import io.blocksync.daemon.store.BanEntry;
import io.blocksync.firewall.Firewall;
import io.blocksync.firewall.FirewallListener;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

/**
 * The node's single-threaded duty cycle: receive and apply peers' frames, take local decisions, seal and send the
 * stream, acknowledge, heartbeat, catch peers up, expire bans, drain firewall completions. Nothing here blocks or
 * allocates in steady state; {@link #idleWaitMillis(long)} tells the idle strategy how long it may sleep in the
 * kernel before the next timer is due.
 */
public final class NodeAgent implements Agent, Decider
{
    private static final int MAX_LOCAL_DECISIONS_PER_CYCLE = 1024;

    private final int nodeId;
    private final NanoClock nanoClock;
    private final EpochClock epochClock;
    private final DatagramReceiver receiver;
    private final StreamSender streamSender;
    private final PeerMonitor peerMonitor;
    private final BanLedger ledger;
    private final ExpirySweeper expirySweeper;
    private final HighWaterMarks highWater;
    private final ProgressFile progress;
    private final Firewall firewall;
    private FirewallListener firewallListener;
    private final NodeCounters counters;
    private final StatusFile status;
    private final ManyToOneConcurrentArrayQueue<LocalRequest> requests;
    private final BanEntry decision = new BanEntry();
    private final BanEntry lookup = new BanEntry();
    private EventIntake intake;
    private Runnable everySecond;
    private Runnable housekeeping;
    private LocalRequest current;
    private long nextAliveMillis;

    public NodeAgent(
        final int nodeId,
        final NanoClock nanoClock,
        final EpochClock epochClock,
        final DatagramReceiver receiver,
        final StreamSender streamSender,
        final PeerMonitor peerMonitor,
        final BanLedger ledger,
        final ExpirySweeper expirySweeper,
        final HighWaterMarks highWater,
        final ProgressFile progress,
        final Firewall firewall,
        final NodeCounters counters,
        final StatusFile status,
        final ManyToOneConcurrentArrayQueue<LocalRequest> requests)
    {
        this.nodeId = nodeId;
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;
        this.receiver = receiver;
        this.streamSender = streamSender;
        this.peerMonitor = peerMonitor;
        this.ledger = ledger;
        this.expirySweeper = expirySweeper;
        this.highWater = highWater;
        this.progress = progress;
        this.firewall = firewall;
        this.counters = counters;
        this.status = status;
        this.requests = requests;
        highWater.own(nodeId, progress.lastOriginSequence());
    }

    /**
     * Attach the event sources' intake and a once-a-second task (source counters); before the agent starts.
     */
    public void eventIntake(final EventIntake intake, final Runnable everySecond)
    {
        this.intake = intake;
        this.everySecond = everySecond;
    }

    /** Where the firewall's completions are reported (counted and logged); before the agent starts. */
    public void firewallListener(final FirewallListener listener)
    {
        this.firewallListener = listener;
    }

    /** A once-a-second task of the node itself (e.g. publishing the log's drop count); before the agent starts. */
    public void housekeeping(final Runnable task)
    {
        this.housekeeping = task;
    }

    public String roleName()
    {
        return "blocksync-node-" + nodeId;
    }

    public int doWork() throws Exception
    {
        final long nowNanos = nanoClock.nanoTime();
        final long nowMillis = epochClock.time();

        int work = receiver.poll(nowNanos, nowMillis);
        work += decideLocal(nowMillis);
        work += streamSender.flush();
        work += streamSender.pump(nowNanos);
        work += peerMonitor.poll(nowNanos, nowMillis);
        if (null != intake)
        {
            work += intake.poll(nowMillis);
        }
        work += expirySweeper.poll(nowMillis);
        work += firewall.poll(firewallListener);

        if (nowMillis >= nextAliveMillis)
        {
            nextAliveMillis = nowMillis + 1000;
            status.aliveTimeMillis(nowMillis);
            counters.storeSize.setRelease(ledger.store().size());
            if (null != everySecond)
            {
                everySecond.run();
            }
            if (null != housekeeping)
            {
                housekeeping.run();
            }
        }
        return work;
    }

    /**
     * How long the idle strategy may park: until the next heartbeat, retransmission or sweep is due.
     */
    public long idleWaitMillis(final long nowNanos)
    {
        // Only work that can progress now keeps the loop awake; a full window waits for an ACK, which wakes us.
        final boolean canDecide = (null != current || !requests.isEmpty()) && streamSender.hasRoom();
        if (canDecide || streamSender.canFlush() || (null != intake && !intake.isEmpty()))
        {
            return 0;
        }
        final long deadline = Math.min(peerMonitor.nextDeadlineNanos(), streamSender.nextDeadlineNanos());
        // Rounded up: a timer a fraction of a millisecond late is harmless, spinning up to it is not.
        return Math.max(1, (deadline - nowNanos + 999_999) / 1_000_000);
    }

    private int decideLocal(final long nowMillis)
    {
        int decided = 0;
        while (decided < MAX_LOCAL_DECISIONS_PER_CYCLE && streamSender.hasRoom())
        {
            if (null == current)
            {
                current = requests.poll();
                if (null == current)
                {
                    break;
                }
            }

            final int index = current.nextIndex();
            if (index < 0)
            {
                current = null;
                continue;
            }

            current.complete(index, decide(current, index, nowMillis));
            decided++;
        }
        return decided;
    }

    private int decide(final LocalRequest request, final int index, final long nowMillis)
    {
        return decide(request.action(index), request.prefix(index), request.durationSeconds(index), request.reason(index),
            request.protocol(index), request.port(index), nowMillis);
    }

    public boolean isBanned(final IpPrefix prefix, final long nowMillis)
    {
        return ledger.store().get(prefix, lookup) && BanLedger.isActiveBan(lookup, nowMillis);
    }

    public int decide(
        final int action,
        final IpPrefix prefix,
        final long durationSeconds,
        final long reasonPacked,
        final int protocol,
        final int port,
        final long nowMillis)
    {
        if (!streamSender.hasRoom())
        {
            return BUSY;
        }

        final long originSequence = progress.lastOriginSequence() + 1;
        final int outcome = ledger.decideLocal(
            action, prefix, durationSeconds, reasonPacked, protocol, port, nodeId, originSequence, nowMillis, decision);
        if (outcome == BanLedger.APPLIED)
        {
            progress.lastOriginSequence(originSequence);
            highWater.own(nodeId, originSequence);
            streamSender.stage(action, prefix, decision);
            counters.localDecisions.incrementRelease();
        }
        return outcome;
    }
}
