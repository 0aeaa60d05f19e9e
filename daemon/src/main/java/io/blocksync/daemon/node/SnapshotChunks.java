package io.blocksync.daemon.node;

import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.FrameVerifier;
import io.blocksync.codec.Lz4Block;
import io.blocksync.codec.PeerLink;
import io.blocksync.codec.RecordFrame;
import io.blocksync.codec.SnapshotChunkFlyweight;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanTable;

/**
 * Takes the records of one SNAPSHOT_CHUNK as a SYNC of its range is taken (docs/PROTOCOL.md, "Snapshots"): a record
 * held already ({@link HeldRecords}: the same origin's decision at that sequence or later in the table, or, relayed, at
 * or below the origin's high water) is skipped unchecked, the others
 * are applied by the table's version rules (the newer wins); a chunk relayed for another origin is taken only when
 * every record it would apply carries that origin's signature. Not taken for now, so not acknowledged and sent again,
 * when the firewall's backlog closed the receive window or the records new to the table would not fit. Its range is
 * then marked held like a SYNC's: the whole of it for the origin's own chunk, up to its highest record whose signature was checked
 * for a relayed one. Snapshot records are not charged to the flood guard's budgets: the requester asked for them and paces them
 * by its window, and the origin quota and room bound what they can store. Loop thread only.
 */
final class SnapshotChunks
{
    static final int TAKEN = 0;
    /** Not now: the firewall's backlog closed this node's receive window (a pause that ends by itself). */
    static final int NOT_NOW = 1;
    static final int FORGED = 2;
    /** Dropped and counted here, the source not to blame for a forgery: this node's own origin, or a bad LZ4 block. */
    static final int DROPPED = 3;
    /**
     * Not now: the records new to the table would not fit (a full store may last: unlike {@link #NOT_NOW}, the
     * session's timers are not held, so a session that cannot fit ends, and a relayer sending new prefixes into a
     * nearly full store cannot pin one; review 8 finding 2).
     */
    static final int NO_ROOM = 4;

    private final int nodeId;
    private final BanTable table;
    private final HighWaterMarks highWater;
    private final FrameVerifier verifier;
    private final ReceiveWindow window;
    private final NodeCounters counters;
    private final HeldRanges heldRanges;
    private final ScannedFrame scanned;
    private final ChunkRecords records = new ChunkRecords();

    SnapshotChunks(final NodeContext context, final BanTable table, final ReceiveWindow window)
    {
        this.nodeId = context.nodeId();
        this.table = table;
        this.highWater = context.highWater();
        this.verifier = context.verifier();
        this.window = window;
        this.counters = context.counters();
        this.heldRanges = new HeldRanges(highWater, SnapshotChunkFlyweight.MAX_RECORDS);
        this.scanned = new ScannedFrame(new HeldRecords(highWater, table), SnapshotChunkFlyweight.MAX_RECORDS);
    }

    /**
     * @param lz4 scratch for the chunk's decompressed records.
     * @return {@link #TAKEN}, {@link #NOT_NOW}, {@link #NO_ROOM}, {@link #FORGED} (a relayed record its origin did not
     *         sign) or {@link #DROPPED}.
     */
    int take(final Peer peer, final SnapshotChunkFlyweight chunk, final Lz4Block lz4, final long nowMillis)
    {
        final int origin = chunk.originNodeId();
        if (origin == nodeId)
        {
            counters.framesOwnOrigin.incrementRelease();
            return DROPPED;
        }
        if (window.batches() == 0)
        {
            counters.syncFramesDeferredBacklog.incrementRelease();
            return NOT_NOW;
        }
        final int count = chunk.decode(lz4);
        if (count < 0)
        {
            counters.snapshotChunksRefused.incrementRelease();
            return DROPPED;
        }
        final boolean relayed = origin != peer.nodeId();
        records.count = count;
        records.lz4 = lz4;
        scanned.scan(records, relayed ? HeldRecords.RELAYED : HeldRecords.OWN);
        if (!table.hasRemoteRoom(scanned.newEntries()))
        {
            counters.framesDeferredNoRoom.incrementRelease();
            return NO_ROOM;
        }
        if (relayed && !signedByOrigin(origin))
        {
            return FORGED;
        }
        heldRanges.clear();
        for (int i = 0; i < count; i++)
        {
            scanned.applyUnlessHeld(i, table, heldRanges, counters, nowMillis);
        }
        // Only records whose signature is checked (not held) may extend what a relayed chunk marks held.
        final long highest = scanned.highestNotHeld(count);
        if (!relayed)
        {
            heldRanges.mark(origin, chunk.after(), chunk.through());
        }
        else if (highest > chunk.after())
        {
            heldRanges.mark(origin, chunk.after(), Math.min(chunk.through(), highest));
        }
        else
        {
            heldRanges.clear();
        }
        return TAKEN;
    }

    private boolean signedByOrigin(final int origin)
    {
        final PeerLink originLink = verifier.link(origin);
        return null != originLink && scanned.signedByOrigin(records, originLink);
    }

    /** A chunk's decompressed records (protocol 3's 160-byte records, back to back) seen as a frame. */
    private static final class ChunkRecords implements RecordFrame
    {
        private final BanRecordFlyweight record = new BanRecordFlyweight();
        private Lz4Block lz4;
        private int count;

        @Override
        public int recordCount()
        {
            return count;
        }

        @Override
        public BanRecordFlyweight record(final int index)
        {
            return record.wrap(lz4.raw(), index * BanRecordFlyweight.LENGTH);
        }
    }
}
