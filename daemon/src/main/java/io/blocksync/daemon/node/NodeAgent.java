package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.GroupVerifier;
import io.blocksync.codec.NodeKey;
import io.blocksync.daemon.detect.EventIntake;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.daemon.table.BanTable;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;

/**
 * The node's single-threaded duty cycle. It builds the protocol roles from the {@link NodeContext} and runs them in
 * order each cycle: receive and verify peers' frames ({@link DatagramReceiver}, {@link StreamReceiver}), take local
 * decisions ({@link LocalDecisions}), seal and send the stream ({@link StreamSender}, {@link RetransmitHandler}),
 * acknowledge ({@link AckSender}), heartbeat ({@link HeartbeatSender}), track liveness ({@link LivenessMonitor}),
 * feed the detector, expire bans ({@link BanTable}) and drain firewall completions ({@link FirewallFeed}). Nothing
 * here blocks or allocates in steady state; {@link #idleWaitMillis(long)} tells the idle strategy how long it may
 * sleep in the kernel before the next timer is due. ACKs and operator replies wait for the {@link GroupCommit} sync
 * that covers them without blocking the loop; the sync thread wakes it when one completes.
 * <p>
 * Each cycle reads the monotonic clock and the wall clock once: the {@code nowMillis} every role gets is the node's
 * {@link SteadyClock} (local timers), and the wall clock reaches only what crosses the wire ({@link ClockFrame}).
 */
public final class NodeAgent implements Agent
{
    private static final int MAX_LOCAL_DECISIONS_PER_CYCLE = 1024;
    private static final long STATUS_INTERVAL_MILLIS = 1000;
    /** Finished operator requests waiting for their sync; at least the control socket's connection limit. */
    private static final int HELD_REPLIES_CAPACITY = 64;

    private final int nodeId;
    private final NanoClock nanoClock;
    private final EpochClock epochClock;
    private final SteadyClock steadyClock;
    private final ClockFrame clockFrame;
    private final DatagramReceiver receiver;
    private final SnapshotClient snapshotClient;
    private final StreamSender streamSender;
    private final AckSender ackSender;
    private final HeartbeatSender heartbeatSender;
    private final LivenessMonitor liveness;
    private final BanTable table;
    private final LocalDecisions localDecisions;
    private final FirewallFeed firewall;
    private final NodeCounters counters;
    private final StatusFile status;
    private final ManyToOneConcurrentArrayQueue<LocalRequest> requests;
    private final GroupCommit commit;
    private final HeldReplies heldReplies;
    private final NodeContext context;
    private final StreamReceiver streamReceiver;
    private GroupSender groupSender;
    private GroupReceiver groupReceiver;
    private EventIntake intake;
    private LocalExemptions exemptions;
    private Runnable everySecond;
    private LocalRequest current;
    private long nextStatusMillis;

    /**
     * @param context  the node's shared parts, concluded.
     * @param table    the ban table; the agent wires the outgoing stream and {@code firewall} to it as listeners.
     * @param policy   guard rails, for the per-origin rate limit on receipt.
     * @param firewall the loop's end of the firewall.
     * @param requests operator decisions queued by the control socket.
     */
    public NodeAgent(
        final NodeContext context,
        final BanTable table,
        final BanPolicy policy,
        final FirewallFeed firewall,
        final ManyToOneConcurrentArrayQueue<LocalRequest> requests)
    {
        this.nodeId = context.nodeId();
        this.nanoClock = context.nanoClock();
        this.epochClock = context.epochClock();
        this.steadyClock = context.steadyClock();
        this.clockFrame = context.clockFrame();
        this.counters = context.counters();
        this.status = Objects.requireNonNull(context.status(), "status");
        this.table = table;
        this.firewall = firewall;
        this.requests = requests;
        this.commit = context.groupCommit();

        streamSender = new StreamSender(context, new RetransmitHandler(context));
        ackSender = new AckSender(context, new ReceiveWindow(firewall, context.peers().length));
        heartbeatSender = new HeartbeatSender(context);
        liveness = new LivenessMonitor(context);
        this.context = context;
        final CatchUp catchUp = new CatchUp(context, table);
        streamReceiver = new StreamReceiver(context, table, policy, ackSender, catchUp, streamSender);
        receiver = new DatagramReceiver(context, Objects.requireNonNull(context.verifier(), "verifier"), streamReceiver, streamSender, liveness);
        final OwnCatchUpLimit ownLimit = new OwnCatchUpLimit(context, streamSender);
        final SnapshotServer snapshotServer = new SnapshotServer(context, table, catchUp.index(), ownLimit);
        catchUp.snapshots(snapshotServer);
        catchUp.ownLimit(ownLimit);
        snapshotClient = new SnapshotClient(context, ackSender.window(), new SnapshotChunks(context, table, ackSender.window()));
        receiver.snapshots(snapshotServer, snapshotClient);
        localDecisions = new LocalDecisions(context, table, streamSender, catchUp.index());
        this.heldReplies = new HeldReplies(HELD_REPLIES_CAPACITY, commit, localDecisions);
        table.addListener(streamSender).addListener(firewall);
    }

    /** The door for this node's own decisions (the detector's and the operator's). */
    public LocalDecisions localDecisions()
    {
        return localDecisions;
    }

    /** The receive side, for tests that inject loss. */
    /** This node's outgoing stream, for tests. */
    StreamSender streamSender()
    {
        return streamSender;
    }

    public DatagramReceiver receiver()
    {
        return receiver;
    }

    /** Attach the event sources' intake; before the agent starts. */
    public void eventIntake(final EventIntake intake)
    {
        this.intake = intake;
    }

    /**
     * Join the multicast group: this node's decisions go to the member peers ({@link Peer#groupMember()}) as signed
     * GROUP_BATCHes, theirs are taken from the group and repaired by NAK; before the agent starts.
     *
     * @param key        this node's current key, which signs its group batches.
     * @param verifier   the member peers' public keys.
     * @param wallMillis the wall clock now, Unix ms (the group stream's epoch).
     */
    public void multicast(final GroupChannel channel, final NodeKey key, final GroupVerifier verifier, final long wallMillis)
    {
        groupSender = new GroupSender(context, channel, key, wallMillis);
        groupReceiver = new GroupReceiver(context, channel, verifier, streamReceiver);
        table.addListener(groupSender);
        receiver.groupSender(groupSender);
    }

    /** The requesting side of snapshots; for tests. */
    SnapshotClient snapshotClient()
    {
        return snapshotClient;
    }

    /** The member side of the multicast group, or null without one; for tests and status. */
    public GroupReceiver groupReceiver()
    {
        return groupReceiver;
    }

    /** Attach the role that lifts bans covering this host's own addresses; before the agent starts. */
    public void localExemptions(final LocalExemptions exemptions)
    {
        this.exemptions = exemptions;
    }

    /** A once-a-second task on the loop (publishing counters kept elsewhere); before the agent starts. */
    public void everySecond(final Runnable task)
    {
        this.everySecond = task;
    }

    public String roleName()
    {
        return "blocksync-node-" + nodeId;
    }

    public int doWork() throws Exception
    {
        final long nowNanos = nanoClock.nanoTime();
        // Local timers run on the steady clock; only what crosses the wire reads the wall clock (ClockFrame).
        final long nowMillis = steadyClock.timeAt(nowNanos);
        final long wallMillis = clockFrame.observe(nowMillis, epochClock.time());
        table.frameOffset(clockFrame.offsetMillis());

        int work = receiver.poll(nowNanos, nowMillis);
        work += snapshotClient.poll(nowNanos);
        // Signed decisions first: they free the signer's slots for this cycle's decisions.
        work += localDecisions.storeSigned();
        work += decideLocal(nowMillis);
        work += heldReplies.release();
        work += streamSender.flush(nowNanos);
        work += streamSender.pump(nowNanos);
        work += ackSender.poll();
        if (null != groupSender)
        {
            work += groupReceiver.poll(nowNanos, nowMillis);
            work += groupSender.flush();
            work += groupReceiver.sendNaks(nowNanos);
        }
        work += heartbeatSender.poll(nowNanos, wallMillis);
        work += liveness.poll(nowNanos);
        if (null != intake)
        {
            work += intake.poll(nowMillis);
        }
        work += table.expire(nowMillis);
        if (null != exemptions)
        {
            work += exemptions.poll(nowMillis);
        }
        work += firewall.poll();

        if (nowMillis >= nextStatusMillis)
        {
            nextStatusMillis = nowMillis + STATUS_INTERVAL_MILLIS;
            status.aliveTimeMillis(wallMillis);
            clockFrame.record(nowMillis);
            counters.storeEntries.setRelease(table.size());
            if (null != everySecond)
            {
                everySecond.run();
            }
        }
        // Last: every change this cycle made is before the point the sync thread is asked for.
        commit.publish();
        return work;
    }

    /**
     * How long the idle strategy may park: until the next heartbeat, liveness check or retransmission is due.
     */
    public long idleWaitMillis(final long nowNanos)
    {
        // Only work that can progress now keeps the loop awake; a full window waits for an ACK, which wakes us.
        // A full hold of replies waits for the sync thread, which wakes the loop.
        // A request whose next item waits for a same-prefix decision in the signer's hands waits for the signer,
        // which wakes the loop.
        final int nextItem = null == current ? -1 : current.nextIndex();
        final boolean canDecide = (null == current ? !requests.isEmpty() :
            nextItem < 0 || localDecisions.canTake(current.prefix(nextItem))) && localDecisions.hasRoom() && !heldReplies.isFull();
        if (canDecide || localDecisions.hasSigned() || streamSender.canFlush(nowNanos) || (null != intake && !intake.isEmpty()) ||
            (null != groupSender && groupSender.canFlush()))
        {
            return 0;
        }
        final long deadline = Math.min(Math.min(
            Math.min(heartbeatSender.nextDeadlineNanos(), liveness.nextDeadlineNanos()), streamSender.nextDeadlineNanos()),
            Math.min(snapshotClient.nextDeadlineNanos(nowNanos),
                null == groupReceiver ? Long.MAX_VALUE : groupReceiver.nextDeadlineNanos()));
        // Rounded up: a timer a fraction of a millisecond late is harmless, spinning up to it is not.
        return Math.max(1, (deadline - nowNanos + 999_999) / 1_000_000);
    }

    /**
     * At stop, on the stopping thread once this agent's thread and the signers' have ended (each signed its share of
     * what it held, {@link SigningShard#onClose()}): store the signed decisions, so none taken is lost, and ask the sync
     * thread for a point covering them before it makes its last sync. Nothing is sent or answered any more.
     *
     * @return decisions stored.
     */
    public int storeSignedAtStop()
    {
        final int stored = localDecisions.storeSigned();
        commit.publish();
        return stored;
    }

    /** Operator requests from the control socket, through the same door as the detector's decisions. */
    private int decideLocal(final long nowMillis)
    {
        int decided = 0;
        while (decided < MAX_LOCAL_DECISIONS_PER_CYCLE && localDecisions.hasRoom())
        {
            if (null == current)
            {
                if (heldReplies.isFull())
                {
                    break;
                }
                current = requests.poll();
                if (null == current)
                {
                    break;
                }
            }

            final int index = current.nextIndex();
            if (index < 0)
            {
                if (!heldReplies.hold(current, localDecisions.taken()))
                {
                    break;
                }
                current = null;
                continue;
            }

            final Ban item = current.item(index);
            if (!localDecisions.canTake(item.prefix()))
            {
                // The same prefix is still being signed: this item, and the request's order, wait for it.
                break;
            }
            current.complete(index, current.isLiftIfOurs(index) ?
                localDecisions.liftIfOurs(item, current.liftSequence(index), nowMillis) :
                localDecisions.decide(item, nowMillis));
            decided++;
        }
        return decided;
    }
}
