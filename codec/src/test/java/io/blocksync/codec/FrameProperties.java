package io.blocksync.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.api.Pair.of;
import static org.quicktheories.generators.SourceDSL.doubles;

/**
 * Sealed frames of every type: built with the flyweights, sealed by {@link FrameSigner}, they verify and read back
 * as built; one flipped bit anywhere and {@link FrameVerifier} refuses the datagram.
 * <p>
 * Sealing and verifying happen only in {@link #seal} and {@link #freshVerifier}, so a change to the sealing API is
 * made there. Seeded with {@link #SEED}; a failure prints the seed and the shrunk sample, and a rerun replays it. To
 * explore other samples see {@link PropertyRuns}.
 */
class FrameProperties
{
    private static final long SEED = 20250914L;
    private static final int EXAMPLES = 300;
    private static final int SENDER_ID = TestFrames.SENDER_ID;

    /** Counted afterwards: every frame type is sealed in a fair share of the samples. */
    @Test
    void everySealedFrameVerifiesAndReadsBackAsBuilt()
    {
        final Map<String, Integer> types = new TreeMap<>();
        PropertyRuns.qt(SEED, EXAMPLES).forAll(frames()).checkAssert(frame ->
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH]);
            final int length = seal(buffer, frame.write(buffer));

            types.merge(frame.getClass().getSimpleName(), 1, Integer::sum);
            assertEquals(RejectReason.NONE, freshVerifier().verify(buffer, 0, length), frame::toString);
            assertEquals(SENDER_ID, new FrameHeaderFlyweight().wrap(buffer, 0).senderId());
            assertEquals(frame.fields(), frame.readBack(buffer));
        });

        assertEquals(List.of("Ack", "Batch", "Heartbeat", "Sync"), List.copyOf(types.keySet()));
        types.values().forEach(count -> assertTrue(count * 10 > EXAMPLES, types::toString));
    }

    @Test
    void anySingleBitFlipIsRefused()
    {
        final Gen<List<Integer>> bitChoices = CodecGens.listsOf(CodecGens.edgyInts(0, Integer.MAX_VALUE), 1, 8);
        PropertyRuns.qt(SEED, EXAMPLES).forAll(frames(), bitChoices).checkAssert((frame, choices) ->
        {
            final UnsafeBuffer sealed = new UnsafeBuffer(new byte[FrameHeaderFlyweight.MAX_DATAGRAM_LENGTH]);
            final int length = seal(sealed, frame.write(sealed));
            final UnsafeBuffer flipped = new UnsafeBuffer(new byte[length]);

            for (final int choice : choices)
            {
                final int bit = choice % (length * 8);
                flipped.putBytes(0, sealed, 0, length);
                flipped.putByte(bit / 8, (byte)(flipped.getByte(bit / 8) ^ (1 << (bit % 8))));
                final int result = freshVerifier().verify(flipped, 0, length);
                assertNotEquals(RejectReason.NONE, result, () -> "bit " + bit + " of " + length + " flipped in " + frame);
            }
        });
    }

    /** Seal the frame built at offset 0 of {@code buffer}; the one place that knows the sealing API. */
    private static int seal(final MutableDirectBuffer buffer, final int unsealedLength)
    {
        return TestFrames.seal(buffer, TestFrames.signer(1), unsealedLength);
    }

    /** A receiver that knows the sender of {@link #seal} and has seen nothing from it yet. */
    private static FrameVerifier freshVerifier()
    {
        return TestFrames.verifier();
    }

    private static Gen<Frame> frames()
    {
        return Generate.oneOf(batches(), syncs(), heartbeats(), acks());
    }

    private static Gen<Frame> batches()
    {
        return CodecGens.edgy(1, Long.MAX_VALUE).zip(
            CodecGens.listsOf(CodecGens.bans(Generate.constant(SENDER_ID)), 1, BatchFrameFlyweight.MAX_RECORDS),
            Batch::new);
    }

    private static Gen<Frame> syncs()
    {
        return CodecGens.originNodeIds().flatMap(origin -> CodecGens.edgy(0, Long.MAX_VALUE / 2).zip(
            CodecGens.listsOf(CodecGens.bans(Generate.constant(origin)), 0, SyncFrameFlyweight.MAX_RECORDS),
            CodecGens.edgy(1, 1_000_000),
            (after, bans, span) -> Sync.of(origin, after, bans, span)));
    }

    private static Gen<Frame> heartbeats()
    {
        final Gen<Entry> entries = CodecGens.edgyInts(Integer.MIN_VALUE, Integer.MAX_VALUE)
            .zip(CodecGens.edgy(0, Long.MAX_VALUE), Entry::new);
        // The oldest retained as a share of the next: 1 and the next itself are the edges.
        final Gen<Double> oldestShares = Generate.frequency(
            of(7, doubles().between(0, 1)), of(1, Generate.pick(List.of(0.0, 1.0))));
        return CodecGens.edgy(1, Long.MAX_VALUE).zip(
            oldestShares,
            CodecGens.edgy(Long.MIN_VALUE, Long.MAX_VALUE).zip(CodecGens.edgy(Long.MIN_VALUE, Long.MAX_VALUE), (t, h) -> new long[]{ t, h }),
            CodecGens.listsOf(entries, 0, HeartbeatFrameFlyweight.MAX_ENTRIES),
            (next, oldestShare, clocks, list) ->
                new Heartbeat(next, Math.min(next, Math.max(1, (long)(next * oldestShare))), clocks[0], clocks[1], asPage(list)));
    }

    /** A page lists each origin once, in ascending unsigned id order, never id 0 (the first page starts after 0). */
    private static List<Entry> asPage(final List<Entry> entries)
    {
        final java.util.TreeMap<Integer, Entry> byId = new java.util.TreeMap<>(Integer::compareUnsigned);
        entries.stream().filter(entry -> entry.originNodeId() != 0).forEach(entry -> byId.putIfAbsent(entry.originNodeId(), entry));
        return List.copyOf(byId.values());
    }

    private static Gen<Frame> acks()
    {
        return CodecGens.edgyInts(Integer.MIN_VALUE, Integer.MAX_VALUE).zip(
            CodecGens.edgy(0, Long.MAX_VALUE),
            CodecGens.edgy(Long.MIN_VALUE, Long.MAX_VALUE),
            (streamSender, cumulative, bitmap) -> new Ack(streamSender, cumulative, bitmap & ~1L));
    }

    /** A frame's content: written with its flyweight, then read back with it and compared as a list of values. */
    interface Frame
    {
        /** @return the unsealed length. */
        int write(MutableDirectBuffer buffer);

        /** What was written, field by field. */
        List<Object> fields();

        /** What a receiver reads from a verified datagram, in the order of {@link #fields()}. */
        List<Object> readBack(DirectBuffer buffer);
    }

    record Batch(long streamSequence, List<Ban> records) implements Frame
    {
        public int write(final MutableDirectBuffer buffer)
        {
            final BatchFrameFlyweight batch = new BatchFrameFlyweight().begin(buffer, 0, streamSequence);
            records.forEach(ban -> batch.appendRecord(ban.action().code()).set(ban));
            return batch.unsealedLength();
        }

        public List<Object> fields()
        {
            return List.of(FrameType.BATCH, streamSequence, records.stream().map(CodecGens::wireFields).toList());
        }

        public List<Object> readBack(final DirectBuffer buffer)
        {
            final BatchFrameFlyweight batch = new BatchFrameFlyweight().wrap(buffer, 0);
            final List<List<Object>> read = new ArrayList<>();
            for (int i = 0; i < batch.recordCount(); i++)
            {
                read.add(CodecGens.wireFields(batch.record(i).get(new Ban())));
            }
            return List.of(batch.header().type(), batch.streamSequence(), read);
        }
    }

    /** Records numbered after + 1, after + 2, ...; through is past the last by {@code span} - 1. */
    record Sync(int originNodeId, long after, long through, List<Ban> records) implements Frame
    {
        static Sync of(final int originNodeId, final long after, final List<Ban> bans, final long span)
        {
            final List<Ban> numbered = new ArrayList<>();
            for (int i = 0; i < bans.size(); i++)
            {
                numbered.add(new Ban().set(bans.get(i)).originSequence(after + 1 + i));
            }
            return new Sync(originNodeId, after, after + bans.size() + span, numbered);
        }

        public int write(final MutableDirectBuffer buffer)
        {
            final SyncFrameFlyweight sync = new SyncFrameFlyweight().begin(buffer, 0, originNodeId, after);
            records.forEach(ban -> sync.appendRecord(ban.action().code()).set(ban));
            sync.through(through);
            return sync.unsealedLength();
        }

        public List<Object> fields()
        {
            return List.of(FrameType.SYNC, originNodeId, after, through,
                records.stream().map(CodecGens::wireFields).toList());
        }

        public List<Object> readBack(final DirectBuffer buffer)
        {
            final SyncFrameFlyweight sync = new SyncFrameFlyweight().wrap(buffer, 0);
            final List<List<Object>> read = new ArrayList<>();
            for (int i = 0; i < sync.recordCount(); i++)
            {
                read.add(CodecGens.wireFields(sync.record(i).get(new Ban())));
            }
            return List.of(sync.header().type(), sync.originNodeId(), sync.after(), sync.through(), read);
        }
    }

    record Entry(int originNodeId, long highWater)
    {
    }

    record Heartbeat(long streamNextSequence, long streamOldestRetained, long senderTimeMillis, long senderHlc, List<Entry> entries)
        implements Frame
    {
        public int write(final MutableDirectBuffer buffer)
        {
            final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight()
                .begin(buffer, 0, streamNextSequence, streamOldestRetained, senderTimeMillis, senderHlc);
            entries.forEach(entry -> heartbeat.appendEntry(entry.originNodeId(), entry.highWater()));
            return heartbeat.unsealedLength();
        }

        public List<Object> fields()
        {
            return List.of(FrameType.HEARTBEAT, streamNextSequence, streamOldestRetained, senderTimeMillis, senderHlc, entries);
        }

        public List<Object> readBack(final DirectBuffer buffer)
        {
            final HeartbeatFrameFlyweight heartbeat = new HeartbeatFrameFlyweight().wrap(buffer, 0);
            final List<Entry> read = new ArrayList<>();
            for (int i = 0; i < heartbeat.entryCount(); i++)
            {
                read.add(new Entry(heartbeat.entryOriginNodeId(i), heartbeat.entryHighWater(i)));
            }
            return List.of(heartbeat.header().type(), heartbeat.streamNextSequence(), heartbeat.streamOldestRetained(),
                heartbeat.senderTimeMillis(), heartbeat.senderHlc(), read);
        }
    }

    record Ack(int streamSenderId, long cumulative, long selectiveBitmap) implements Frame
    {
        public int write(final MutableDirectBuffer buffer)
        {
            new AckFrameFlyweight().begin(buffer, 0).streamSenderId(streamSenderId).cumulative(cumulative)
                .selectiveBitmap(selectiveBitmap);
            return AckFrameFlyweight.UNSEALED_LENGTH;
        }

        public List<Object> fields()
        {
            return List.of(FrameType.ACK, streamSenderId, cumulative, selectiveBitmap);
        }

        public List<Object> readBack(final DirectBuffer buffer)
        {
            final AckFrameFlyweight ack = new AckFrameFlyweight().wrap(buffer, 0);
            return List.of(ack.header().type(), ack.streamSenderId(), ack.cumulative(), ack.selectiveBitmap());
        }
    }
}
