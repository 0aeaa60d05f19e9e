package io.blocksync.daemon.node;

import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.HeartbeatFrameFlyweight;
import io.blocksync.codec.Lz4Block;
import io.blocksync.codec.SnapshotChunkFlyweight;
import io.blocksync.codec.SnapshotRequestFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The requesting side of snapshots (docs/PROTOCOL.md, "Snapshots"). At a peer's HEARTBEAT, for each origin of its page
 * where this node is far behind ({@link #FAR_BEHIND} sequences or more below the peer) and its mark would take more
 * than {@link #SLOW_INTERVALS} heartbeat intervals to get there at the pace it moved since the last evaluated
 * HEARTBEAT, it asks for a snapshot of that origin instead of going on by SYNC: from the origin itself when the origin
 * is up, from the peer otherwise. Holding nothing of the origin, it first gives SYNC {@link #EMPTY_EVALUATIONS}
 * evaluations (a fresh fleet's origins have an empty range each, one SYNC frame). One session per origin and at
 * most one per source. Chunks are taken by {@link SnapshotChunks} (as a SYNC of their range) and acknowledged by
 * the next request, at most one per session per duty cycle or sooner once {@link #ACK_EVERY} chunks were taken since
 * the last (so the source refills the window while this loop still works through the chunks it has: one request per
 * whole window left both loops idle in turn), with a receive window that follows the firewall's backlog like the
 * stream's ({@link ReceiveWindow}); with no chunk for a while the request is repeated (the source resends what it
 * lacks). A restart loses the session, not what it brought: the marks hold every chunk
 * taken, and the next request starts after them.
 * <p>
 * <b>A chunk is bound to its session.</b> Besides its origin, session and source, its index must lie within the 64
 * chunks the request window reaches, every chunk must state the {@code covers_through} the first one did, and its range
 * must fit the chain of chunk ranges from the session's {@code after}: chunk 0 starts exactly there; a chunk whose
 * predecessor is held starts at or after that one's {@code through}; one whose predecessor is not held yet starts
 * strictly after the nearest held range below it (so it can never reach back over chunks not yet seen); and it ends at
 * or before the start of the nearest held chunk above it. Any other chunk is dropped before anything is decoded
 * ({@code snapshot_chunks_refused}), so a relayer cannot use a chunk's {@code after} to mark held a range it never
 * showed; so is one whose LZ4 block does not decode (not blamed on the source as a forgery is). A chunk at an index
 * already taken is never decoded and always acknowledged again: counted {@code snapshot_chunks_copies}, or
 * {@code snapshot_chunks_refused} when its range is not within the one taken there.
 * <p>
 * <b>A session must progress.</b> It is given up ({@code snapshot_sessions_timed_out}, with DONE) when no chunk was
 * taken for a while or it falls behind a minimum pace ({@link SnapshotTimers}; both held while this node's firewall
 * backlog declines chunks: its backlog is not the source's stall; not while a chunk would not fit the store). A source whose session timed
 * out or sent a forged chunk is not asked for that origin again for {@link #SLOW_INTERVALS} heartbeat intervals, so a
 * stalling relayer pins nothing: catch-up goes on by SYNC, or by a snapshot from another source. Deadlines come from
 * the injected clock. Loop thread only; allocation-free (a ring of 64 chunk ranges per configured origin, 1 KiB each).
 */
final class SnapshotClient
{
    private static final int RING = 64;
    /**
     * Chunks taken after which the request goes out at once rather than at the end of the duty cycle: a quarter of the
     * window, so the source has 48 chunks' worth of this loop's work to refill it in.
     */
    static final int ACK_EVERY = RING / 4;
    /** Sequences behind a peer from which a snapshot is asked for rather than SYNC. */
    static final long FAR_BEHIND = 4096;
    /** A gap the mark would take more heartbeat intervals than this to close at its current pace is worth a snapshot. */
    static final int SLOW_INTERVALS = 8;
    /** Evaluations a node holding nothing of an origin waits for SYNC before it asks for a snapshot. */
    static final int EMPTY_EVALUATIONS = 3;
    /**
     * {@code -Dblocksync.snapshots=false} (e.g. in {@code JAVA_TOOL_OPTIONS}) makes the node never ask for a snapshot,
     * so catch-up is by SYNC alone: for the before/after figures of PERFORMANCE.md ("Issue 13"), not an operator setting.
     */
    static final boolean ASKS = !"false".equals(System.getProperty("blocksync.snapshots"));

    private final int nodeId;
    private final HighWaterMarks highWater;
    private final Int2ObjectHashMap<Peer> peersById;
    private final Transport transport;
    private final PacketSealer sealer;
    private final NodeCounters counters;
    private final NanoClock nanoClock;
    private final ReceiveWindow window;
    private final SnapshotTimers timers;
    private final long intervalNanos;
    private final SnapshotChunks chunks;
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer frameView = frame.byteBuffer().duplicate();
    private final SnapshotRequestFlyweight request = new SnapshotRequestFlyweight();
    private final Lz4Block lz4 = new Lz4Block();
    // Per origin (dense index): the session, 0 for none, and its state.
    private final int[] sessionIds;
    private final Peer[] sources;
    private final long[] after;
    private final int[] nextChunk;
    private final long[] held;
    private final int[] lastChunk;
    private final boolean[] ackDue;
    // Per origin: chunks taken since the last request.
    private final int[] takenSinceRequest;
    // Per origin: the session's covers_through (0 until its first chunk), the through of chunk nextChunk - 1 (the
    // session's after before chunk 0); the source to avoid, and until when.
    private final long[] covers;
    private final long[] chainThrough;
    private final Peer[] avoided;
    private final long[] avoidUntilNanos;
    // Per origin, 64 slots by chunk index: the range of each chunk held beyond nextChunk.
    private final long[] ringAfter;
    private final long[] ringThrough;
    // Per origin: our mark when a peer's heartbeat was last evaluated, to tell a stalled mark from one that moves.
    private final long[] markSeen;
    private final int[] emptyStreak;
    private final Int2ObjectHashMap<long[]> lastEvaluated = new Int2ObjectHashMap<>();
    private int active;
    private int nextSessionId;

    SnapshotClient(final NodeContext context, final ReceiveWindow window, final SnapshotChunks chunks)
    {
        this.nodeId = context.nodeId();
        this.highWater = context.highWater();
        this.peersById = context.peersById();
        this.transport = context.transport();
        this.sealer = context.sealer();
        this.counters = context.counters();
        this.nanoClock = context.nanoClock();
        this.window = window;
        this.intervalNanos = context.heartbeatIntervalNanos();
        this.timers = new SnapshotTimers(highWater.count(), Math.max(1_000_000, context.retransmitMinNanos() / 4),
            Math.max(10 * context.retransmitMaxNanos(), 10 * intervalNanos), intervalNanos);
        this.chunks = chunks;
        final int count = highWater.count();
        sessionIds = new int[count];
        sources = new Peer[count];
        after = new long[count];
        nextChunk = new int[count];
        held = new long[count];
        lastChunk = new int[count];
        ackDue = new boolean[count];
        takenSinceRequest = new int[count];
        markSeen = new long[count];
        emptyStreak = new int[count];
        covers = new long[count];
        chainThrough = new long[count];
        avoided = new Peer[count];
        avoidUntilNanos = new long[count];
        ringAfter = new long[count * RING];
        ringThrough = new long[count * RING];
        java.util.Arrays.fill(markSeen, -1);
        for (final Peer peer : context.peers())
        {
            lastEvaluated.put(peer.nodeId(), new long[] { Long.MIN_VALUE / 2 });
        }
        // Distinct across restarts on a real clock, reproducible on a test's manual one.
        nextSessionId = (int)(context.nanoClock().nanoTime() * 0x9E3779B97F4A7C15L >>> 32) ^ nodeId;
    }

    /** What takes the chunks' records; for tests. */
    SnapshotChunks chunks()
    {
        return chunks;
    }

    /** Sessions in progress. */
    int active()
    {
        return active;
    }

    /** A peer's HEARTBEAT: ask for a snapshot of each origin of its page this node is far and stuck behind on. */
    void onHeartbeat(final Peer peer, final HeartbeatFrameFlyweight heartbeat)
    {
        final long nowNanos = nanoClock.nanoTime();
        final long[] evaluated = lastEvaluated.get(peer.nodeId());
        if (!ASKS || null == evaluated || nowNanos - evaluated[0] < intervalNanos || window.batches() == 0)
        {
            return;
        }
        evaluated[0] = nowNanos;
        for (int e = 0, count = heartbeat.entryCount(); e < count; e++)
        {
            final int origin = heartbeat.entryOriginNodeId(e);
            final int i = highWater.indexOf(origin);
            if (i < 0 || origin == nodeId)
            {
                continue;
            }
            final long mine = highWater.highWaterAt(i);
            final long before = markSeen[i];
            markSeen[i] = mine;
            final long theirs = heartbeat.entryHighWater(e);
            final long gap = theirs - mine;
            emptyStreak[i] = mine == 0 && gap > 0 ? emptyStreak[i] + 1 : 0;
            // Far behind, and at the pace the mark moved since the last evaluation (stream, SYNC) more than
            // SLOW_INTERVALS intervals from catching up; holding nothing, only once SYNC had its turn (a fresh fleet's
            // empty epoch ranges come by one SYNC each).
            final boolean far = gap >= FAR_BEHIND && before >= 0 && mine - before <= gap / SLOW_INTERVALS &&
                (mine > 0 || emptyStreak[i] > EMPTY_EVALUATIONS);
            if (!far || sessionIds[i] != 0 || isBusy(peer) || (origin != peer.nodeId() && isUp(origin)) ||
                (avoided[i] == peer && nowNanos - avoidUntilNanos[i] < 0))
            {
                continue;
            }
            start(peer, i, mine, nowNanos);
        }
    }

    private void start(final Peer source, final int i, final long mark, final long nowNanos)
    {
        nextSessionId = nextSessionId + 1 == 0 ? 1 : nextSessionId + 1;
        sessionIds[i] = nextSessionId;
        sources[i] = source;
        after[i] = mark;
        nextChunk[i] = 0;
        held[i] = 0;
        lastChunk[i] = -1;
        timers.start(i, nowNanos);
        covers[i] = 0;
        chainThrough[i] = mark;
        active++;
        counters.snapshotsStarted.incrementRelease();
        sendRequest(i, 0, nowNanos);
    }

    /** An authentic SNAPSHOT_CHUNK: taken when it belongs to a session of ours with that peer, else counted. */
    void onChunk(final Peer peer, final SnapshotChunkFlyweight chunk, final long nowMillis)
    {
        final int i = highWater.indexOf(chunk.originNodeId());
        if (i < 0 || sessionIds[i] == 0 || sessionIds[i] != chunk.sessionId() || sources[i] != peer)
        {
            counters.snapshotChunksUnsolicited.incrementRelease();
            return;
        }
        final long nowNanos = nanoClock.nanoTime();
        final int offset = chunk.chunkIndex() - nextChunk[i];
        if (offset < 0 || (offset < RING && (held[i] & (1L << offset)) != 0))
        {
            // At an index taken already: nothing is decoded, and it is acknowledged again whatever it holds (a resend
            // that crossed our acknowledgement, or one the source sent again shorter; without the acknowledgement its
            // source would resend it until the session timed out). One whose range is not within the one taken
            // there is counted refused, the others copies.
            if (isRangeKnown(i, offset) && !isCopy(i, chunk))
            {
                counters.snapshotChunksRefused.incrementRelease();
            }
            else
            {
                counters.snapshotChunksCopies.incrementRelease();
            }
            ackDue[i] = true;
            return;
        }
        if (offset >= RING || !isBound(i, offset, chunk))
        {
            counters.snapshotChunksRefused.incrementRelease();
            return;
        }
        final int outcome = chunks.take(peer, chunk, lz4, nowMillis);
        if (outcome == SnapshotChunks.FORGED)
        {
            counters.snapshotChunksBadSignature.incrementRelease();
            avoid(i, nowNanos);
            finish(i, nowNanos);
            return;
        }
        if (outcome == SnapshotChunks.NOT_NOW)
        {
            // This node's firewall backlog, not the source's pace: the session's timers hold (see poll).
            timers.declined(i, nowNanos);
            return;
        }
        if (outcome == SnapshotChunks.DROPPED || outcome == SnapshotChunks.NO_ROOM)
        {
            return;
        }
        counters.snapshotChunksReceived.incrementRelease();
        timers.taken(i, nowNanos);
        covers[i] = chunk.coversThrough();
        final int slot = i * RING + (chunk.chunkIndex() & (RING - 1));
        ringAfter[slot] = chunk.after();
        ringThrough[slot] = chunk.through();
        held[i] |= 1L << offset;
        while ((held[i] & 1) != 0)
        {
            chainThrough[i] = ringThrough[i * RING + (nextChunk[i] & (RING - 1))];
            held[i] >>>= 1;
            nextChunk[i]++;
        }
        if (chunk.through() == chunk.coversThrough())
        {
            lastChunk[i] = chunk.chunkIndex();
        }
        ackDue[i] = true;
        // Done when every chunk is in, or sooner when the marks already hold all the snapshot covers (the origin's
        // stream or a SYNC brought the rest).
        if ((lastChunk[i] >= 0 && nextChunk[i] > lastChunk[i]) || highWater.highWaterAt(i) >= chunk.coversThrough())
        {
            counters.snapshotsCompleted.incrementRelease();
            finish(i, nowNanos);
        }
        else if (++takenSinceRequest[i] >= ACK_EVERY && lastChunk[i] < 0 && nextChunk[i] >= RING)
        {
            // Only while the source has chunks beyond the window to send: not once the last chunk is in, nor within
            // the session's first window (its first request invited all of it).
            sendRequest(i, 0, nowNanos);
        }
    }

    /** Acknowledge what arrived this cycle, repeat stalled requests, give up dead sessions. */
    int poll(final long nowNanos)
    {
        if (active == 0)
        {
            return 0;
        }
        int work = 0;
        final boolean windowClosed = window.batches() == 0;
        for (int i = 0, count = sessionIds.length; i < count; i++)
        {
            if (sessionIds[i] == 0)
            {
                continue;
            }
            if (timers.timedOut(i, nowNanos, windowClosed))
            {
                // No progress, or too slow to be worth more than SYNC: a stalling source pins nothing.
                counters.snapshotSessionsTimedOut.incrementRelease();
                avoid(i, nowNanos);
                finish(i, nowNanos);
                work++;
            }
            else if (ackDue[i] || timers.retryDue(i, nowNanos))
            {
                sendRequest(i, 0, nowNanos);
                work++;
            }
        }
        return work;
    }

    /** When the next repeated request may be due, for the idle strategy. */
    long nextDeadlineNanos(final long nowNanos)
    {
        return active == 0 ? Long.MAX_VALUE : nowNanos + timers.retryNanos;
    }

    /**
     * Whether a chunk at {@code offset} beyond {@code nextChunk} fits the session (see the class comment): the same
     * {@code covers_through} as the chunks before it, and a range that neither reaches back over chunks not yet held
     * nor overlaps a held neighbour.
     */
    private boolean isBound(final int i, final int offset, final SnapshotChunkFlyweight chunk)
    {
        final long chunkAfter = chunk.after();
        final long chunkThrough = chunk.through();
        if ((covers[i] != 0 && chunk.coversThrough() != covers[i]) || chunkAfter < after[i])
        {
            return false;
        }
        if (chunk.chunkIndex() == 0)
        {
            return chunkAfter == after[i] && fitsBelow(i, offset, chunkThrough);
        }
        long below = chainThrough[i];
        boolean adjacent = offset == 0;
        for (int b = offset - 1; b > 0; b--)
        {
            if ((held[i] & (1L << b)) != 0)
            {
                below = ringThrough[i * RING + ((nextChunk[i] + b) & (RING - 1))];
                adjacent = b == offset - 1;
                break;
            }
        }
        return (adjacent ? chunkAfter >= below : chunkAfter > below) && fitsBelow(i, offset, chunkThrough);
    }

    /**
     * Whether the ring still holds the range of the chunk taken at {@code offset} from {@code nextChunk}: one held
     * beyond it, or one of the 64 below it whose slot no chunk 64 later has taken since.
     */
    private boolean isRangeKnown(final int i, final int offset)
    {
        return offset >= 0 || (offset >= -RING && (held[i] & (1L << (offset + RING))) == 0);
    }

    /**
     * Whether a chunk at an index taken, its range known ({@link #isRangeKnown}), is a copy of the one taken there: its
     * {@code covers_through} and {@code after}, ending no later (a resend is encoded afresh and may hold fewer records).
     */
    private boolean isCopy(final int i, final SnapshotChunkFlyweight chunk)
    {
        final int slot = i * RING + (chunk.chunkIndex() & (RING - 1));
        return chunk.coversThrough() == covers[i] && chunk.after() == ringAfter[slot] &&
            chunk.through() > chunk.after() && chunk.through() <= ringThrough[slot];
    }

    /** Whether a chunk at {@code offset} ends at or before the start of the nearest held chunk above it. */
    private boolean fitsBelow(final int i, final int offset, final long chunkThrough)
    {
        final long above = held[i] >>> (offset + 1);
        if (above == 0 || offset + 1 >= RING)
        {
            return true;
        }
        final int next = nextChunk[i] + offset + 1 + Long.numberOfTrailingZeros(above);
        return chunkThrough <= ringAfter[i * RING + (next & (RING - 1))];
    }

    private void avoid(final int i, final long nowNanos)
    {
        avoided[i] = sources[i];
        avoidUntilNanos[i] = nowNanos + SLOW_INTERVALS * intervalNanos;
    }

    private void finish(final int i, final long nowNanos)
    {
        sendRequest(i, SnapshotRequestFlyweight.FLAG_DONE, nowNanos);
        sessionIds[i] = 0;
        sources[i] = null;
        active--;
    }

    private void sendRequest(final int i, final int flags, final long nowNanos)
    {
        final Peer source = sources[i];
        final int invited = Math.min(SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW, window.batches());
        request.begin(frame, 0, highWater.nodeIdAt(i), sessionIds[i], after[i])
            .acknowledge(nextChunk[i], held[i] >>> 1, invited, flags);
        final int length = sealer.stamp(frame, 0, SnapshotRequestFlyweight.UNSEALED_LENGTH);
        source.link().seal(frame, 0, length);
        transport.send(frameView, 0, length, source.address());
        counters.snapshotRequestsSent.incrementRelease();
        timers.sent(i, nowNanos);
        ackDue[i] = false;
        takenSinceRequest[i] = 0;
    }

    private boolean isBusy(final Peer source)
    {
        for (final Peer serving : sources)
        {
            if (serving == source)
            {
                return true;
            }
        }
        return false;
    }

    private boolean isUp(final int origin)
    {
        final Peer originPeer = peersById.get(origin);
        return null != originPeer && originPeer.liveness().state() == Peer.STATE_UP;
    }
}
