package io.blocksync.daemon.node;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.FrameHeaderFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.Lz4Block;
import io.blocksync.codec.SnapshotChunkFlyweight;
import io.blocksync.codec.SnapshotRequestFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanTable;
import org.agrona.BufferUtil;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The sending side of snapshots (docs/PROTOCOL.md, "Snapshots"): serves a peer's SNAPSHOT_REQUEST for one origin
 * with SNAPSHOT_CHUNK frames of the records this node holds of it, from the request's {@code after} up to this
 * node's high water for the origin when the session started ({@code covers_through}).
 * <p>
 * Work and memory are bounded per peer: one session per peer (a request with another session id replaces it), a
 * ring of {@link SnapshotRequestFlyweight#MAX_RECEIVE_WINDOW} chunk ranges, and a cursor: the snapshot is encoded
 * chunk by chunk from the {@link OriginSequenceIndex} and the table as the requester's acknowledgements open its
 * window, never held whole. Chunks go out only in answer to a request (ACK clocking): new ones while the chunk index
 * is below {@code next_chunk + receive_window}, and again those the request shows missing below a later chunk it
 * holds, or not acknowledged {@link #resendNanos} after their last send. A resent chunk is encoded again from the
 * table for its range.
 * <p>
 * Work is bounded per peer per heartbeat interval, whatever the peer sends: at most {@link #chunksPerInterval}
 * chunks ({@code [protocol] snapshot-chunk-budget}), new and resent together (those due beyond it wait for the requester's next request in a later interval,
 * {@code snapshot_chunk_budget_exhausted}), and at most one new session (a request with another session id or
 * origin in the same interval is ignored, {@code snapshot_sessions_refused}). No chunk is resent sooner than
 * {@link #MIN_LOSS_NANOS} after its last send. A snapshot of this node's own origin covers only what its BATCH stream
 * no longer owes the peer ({@link OwnCatchUpLimit}, {@code snapshot_ranges_in_stream}). Loop thread only; allocation-free after construction when liblz4 is available
 * ({@link Lz4Block}).
 */
final class SnapshotServer
{
    private static final int RING = SnapshotRequestFlyweight.MAX_RECEIVE_WINDOW;
    private static final int FIRST_TARGET = 12;
    private static final long MIN_LOSS_NANOS = 1_000_000;

    private final int nodeId;
    private final HighWaterMarks highWater;
    private final OwnCatchUpLimit own;
    private final BanTable table;
    private final OriginSequenceIndex index;
    private final Transport transport;
    private final PacketSealer sealer;
    private final NodeCounters counters;
    private final long resendNanos;
    private final long idleNanos;
    private final long intervalNanos;
    // SNAPSHOT_CHUNK frames (new and resent) one peer may be sent per heartbeat interval.
    private final int chunksPerInterval;
    private final Int2ObjectHashMap<Session> sessions = new Int2ObjectHashMap<>();
    private final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH, 64));
    private final ByteBuffer frameView = frame.byteBuffer().duplicate();
    private final SnapshotChunkFlyweight chunk = new SnapshotChunkFlyweight();
    private final BanRecordFlyweight rawRecord = new BanRecordFlyweight();
    private final Lz4Block lz4 = new Lz4Block();
    private final int[] slots = new int[SnapshotChunkFlyweight.MAX_RECORDS + 1];
    // The origin sequence of each record written to the raw block.
    private final long[] rawSequences = new long[SnapshotChunkFlyweight.MAX_RECORDS];
    private final IpPrefix prefix = new IpPrefix();
    private final Ban record = new Ban();

    /**
     * @param own how far a snapshot of our own origin may go: not what the BATCH stream brings the peer anyway.
     */
    SnapshotServer(final NodeContext context, final BanTable table, final OriginSequenceIndex index, final OwnCatchUpLimit own)
    {
        this.nodeId = context.nodeId();
        this.own = own;
        this.highWater = context.highWater();
        this.table = table;
        this.index = index;
        this.transport = context.transport();
        this.sealer = context.sealer();
        this.counters = context.counters();
        this.resendNanos = context.retransmitMinNanos();
        this.intervalNanos = context.heartbeatIntervalNanos();
        this.idleNanos = 5 * intervalNanos;
        this.chunksPerInterval = context.snapshotChunkBudget();
        for (final Peer peer : context.peers())
        {
            sessions.put(peer.nodeId(), new Session());
        }
    }

    /**
     * Whether a snapshot of this origin (by dense index) is being sent to the peer: catch-up sends that peer no SYNC
     * of it meanwhile.
     */
    boolean isServing(final int peerId, final int originIndex, final long nowNanos)
    {
        final Session session = sessions.get(peerId);
        return null != session && session.originIndex == originIndex && nowNanos - session.lastRequestNanos < idleNanos;
    }

    /** An authentic SNAPSHOT_REQUEST from the peer: start, acknowledge or close its session, and send what is due. */
    void onRequest(final Peer peer, final SnapshotRequestFlyweight request, final long nowNanos)
    {
        final Session session = sessions.get(peer.nodeId());
        final int origin = request.originNodeId();
        final int originIndex = highWater.indexOf(origin);
        if (null == session || originIndex < 0 || origin == peer.nodeId())
        {
            // An origin not configured here, or the requester's own (it holds its own decisions): nothing to serve.
            counters.snapshotRequestsIgnored.incrementRelease();
            return;
        }
        final boolean done = (request.flags() & SnapshotRequestFlyweight.FLAG_DONE) != 0;
        session.refill(nowNanos, intervalNanos, chunksPerInterval);
        if (session.sessionId != request.sessionId() || session.originIndex != originIndex)
        {
            if (done)
            {
                return;
            }
            if (session.startedThisInterval)
            {
                counters.snapshotSessionsRefused.incrementRelease();
                return;
            }
            if (!start(peer, session, request, originIndex))
            {
                // Nothing held beyond the requester's after: no session; its catch-up goes on by SYNC.
                counters.snapshotRequestsIgnored.incrementRelease();
                return;
            }
            session.startedThisInterval = true;
        }
        if (done)
        {
            session.originIndex = -1;
            session.sessionId = 0;
            return;
        }
        session.lastRequestNanos = nowNanos;
        final int acked = request.nextChunk();
        if (acked > session.acked && acked <= session.nextChunk)
        {
            session.acked = acked;
        }
        final long bitmap = acked == session.acked ? request.selectiveBitmap() : 0;
        // A request that shows nothing new is the requester's repeat after silence: the chunks it lacks are lost.
        final boolean repeat = session.acked == session.lastAcked && bitmap == session.lastBitmap;
        session.lastAcked = session.acked;
        session.lastBitmap = bitmap;
        resend(peer, session, bitmap, repeat, nowNanos);
        final int limit = session.acked + Math.min(RING, request.receiveWindow());
        while (session.nextChunk < limit && session.cursor < session.coversThrough)
        {
            if (session.chunksLeft == 0)
            {
                session.exhausted = true;
                break;
            }
            session.chunksLeft--;
            final int slot = session.nextChunk % RING;
            session.ringAfter[slot] = session.cursor;
            session.cursor = send(peer, session, session.nextChunk, session.cursor, session.coversThrough, true);
            session.ringThrough[slot] = session.cursor;
            session.ringSentNanos[slot] = nowNanos;
            session.nextChunk++;
        }
        if (session.exhausted)
        {
            session.exhausted = false;
            counters.snapshotChunkBudgetExhausted.incrementRelease();
        }
    }

    private boolean start(final Peer peer, final Session session, final SnapshotRequestFlyweight request, final int originIndex)
    {
        final int origin = highWater.nodeIdAt(originIndex);
        long covers = Math.min(highWater.highWaterAt(originIndex), index.indexedThrough(originIndex));
        if (origin == nodeId)
        {
            // Our own decisions the stream still owes the peer come by it (resent until acknowledged), and those of
            // batches it acknowledged it holds: only what the stream gave up on, or never carried, is served.
            final long servable = own.snapshotThrough(peer, request.after());
            if (servable < covers)
            {
                covers = servable;
                counters.snapshotRangesInStream.incrementRelease();
            }
        }
        if (covers <= request.after())
        {
            return false;
        }
        session.sessionId = request.sessionId();
        session.originIndex = originIndex;
        session.origin = origin;
        session.coversThrough = covers;
        session.cursor = request.after();
        session.nextChunk = 0;
        session.acked = 0;
        session.lastAcked = -1;
        session.target = FIRST_TARGET;
        return true;
    }

    /**
     * Send again the chunks the request shows missing below one it holds (after a round trip and a quarter: RACK,
     * RFC 8985, by chunk order), all it lacks when the request is a repeat (after two round trips), and any
     * unacknowledged for {@link #resendNanos}. Round trips are the peer's stream SRTT; before a sample,
     * {@link #resendNanos} / 4.
     */
    private void resend(final Peer peer, final Session session, final long bitmap, final boolean repeat, final long nowNanos)
    {
        final long srtt = peer.timer().smoothedRttNanos();
        final long lossNanos = Math.max(MIN_LOSS_NANOS, srtt > 0 ? srtt + srtt / 4 : resendNanos / 4);
        final long repeatNanos = Math.max(MIN_LOSS_NANOS, srtt > 0 ? 2 * srtt : resendNanos / 4);
        final int highestHeld = bitmap == 0 ? -1 : session.acked + 64 - Long.numberOfLeadingZeros(bitmap);
        for (int chunkIndex = session.acked; chunkIndex < session.nextChunk; chunkIndex++)
        {
            final int bit = chunkIndex - session.acked - 1;
            if (bit >= 0 && bit < 64 && (bitmap & (1L << bit)) != 0)
            {
                continue;
            }
            final int slot = chunkIndex % RING;
            final long sinceSent = nowNanos - session.ringSentNanos[slot];
            if ((chunkIndex < highestHeld && sinceSent >= lossNanos) || (repeat && sinceSent >= repeatNanos) ||
                sinceSent >= resendNanos)
            {
                if (session.chunksLeft == 0)
                {
                    // Not lost: still due, so the requester's next request in a later interval has it sent.
                    session.exhausted = true;
                    return;
                }
                session.chunksLeft--;
                session.ringThrough[slot] = send(peer, session, chunkIndex, session.ringAfter[slot], session.ringThrough[slot], false);
                session.ringSentNanos[slot] = nowNanos;
                counters.snapshotChunksResent.incrementRelease();
            }
        }
    }

    /**
     * Encode and send one chunk: the origin's records in {@code (after, limit]}, as many as compress into one
     * datagram.
     *
     * @return the chunk's {@code through}: {@code limit} when every record up to it fitted.
     */
    private long send(final Peer peer, final Session session, final int chunkIndex, final long after, final long limit, final boolean adapt)
    {
        final int want = adapt ? session.target : SnapshotChunkFlyweight.MAX_RECORDS;
        final int found = index.collect(session.originIndex, after, limit, slots, want + 1);
        final int taken = Math.min(found, want);
        int count = 0;
        for (int i = 0; i < taken; i++)
        {
            counters.catchUpRecordsRead.incrementRelease();
            if (table.get(index.prefix(slots[i], prefix), record) &&
                record.originNodeId() == session.origin && record.originSequence() == index.sequence(slots[i]))
            {
                rawRecord.wrap(lz4.raw(), count * BanRecordFlyweight.LENGTH).set(record);
                rawSequences[count++] = record.originSequence();
            }
        }
        long through = found > want ? index.sequence(slots[taken - 1]) : limit;
        chunk.begin(frame, 0, session.origin, session.sessionId);
        while (!chunk.encode(lz4, count))
        {
            if (count <= 1)
            {
                throw new IllegalStateException("one record does not fit a chunk");
            }
            // Compressed less well than the last ones: fewer records, and the chunk ends at the last one it holds.
            count = Math.max(1, count * 3 / 4);
            through = rawSequences[count - 1];
            if (adapt)
            {
                session.target = Math.max(1, count);
            }
        }
        if (adapt && found > want && chunk.blockLength() < SnapshotChunkFlyweight.MAX_BLOCK_LENGTH * 7 / 8)
        {
            session.target = Math.min(SnapshotChunkFlyweight.MAX_RECORDS, session.target + 1);
        }
        chunk.range(chunkIndex, session.coversThrough, after, through);
        final int length = sealer.stamp(frame, 0, chunk.unsealedLength());
        peer.link().seal(frame, 0, length);
        transport.send(frameView, 0, length, peer.address());
        counters.snapshotChunksSent.incrementRelease();
        return through;
    }

    /** One peer's session: what it asked for, how far we sent, and the ranges of the chunks it may still lack. */
    private static final class Session
    {
        private int sessionId;
        private int originIndex = -1;
        private int origin;
        private long coversThrough;
        private long cursor;
        private int nextChunk;
        private int acked;
        private int target;
        private long lastRequestNanos;
        private int lastAcked = -1;
        private long lastBitmap;
        // The peer's budget for the current heartbeat interval (started at intervalStartNanos).
        private boolean intervalOpen;
        private long intervalStartNanos;
        private int chunksLeft;
        private boolean startedThisInterval;
        private boolean exhausted;
        private final long[] ringAfter = new long[RING];
        private final long[] ringThrough = new long[RING];
        private final long[] ringSentNanos = new long[RING];

        /** Open a new interval with a full budget once the last one has passed. */
        private void refill(final long nowNanos, final long intervalNanos, final int chunksPerInterval)
        {
            if (!intervalOpen || nowNanos - intervalStartNanos >= intervalNanos)
            {
                intervalOpen = true;
                intervalStartNanos = nowNanos;
                chunksLeft = chunksPerInterval;
                startedThisInterval = false;
            }
        }
    }
}
