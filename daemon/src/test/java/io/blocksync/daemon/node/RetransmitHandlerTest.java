package io.blocksync.daemon.node;

import io.blocksync.codec.AckFrameFlyweight;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.codec.BatchFrameFlyweight;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.status.EventLog;
import io.blocksync.daemon.status.NodeCounters;
import org.agrona.BufferUtil;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sending half of the protocol engine alone ({@link StreamSender} driving {@link RetransmitHandler}) on a
 * manual clock and the in-memory network: exactly when each batch goes out and comes back out, for RFC 6298
 * timeouts and backoff, Karn's rule, time-ordered loss detection on a selective-ACK hole and the flight window.
 */
class RetransmitHandlerTest
{
    private static final long MS = 1_000_000L;
    private static final long START_NANOS = 1_000 * MS;
    private static final long NOW_MILLIS = 1_764_000_000_000L;

    @TempDir
    Path dir;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final UnsafeBuffer ackBuffer = new UnsafeBuffer(new byte[AckFrameFlyweight.FRAME_LENGTH]);
    private final AckFrameFlyweight ack = new AckFrameFlyweight();
    private final Ban decided = new Ban().reason(io.blocksync.codec.ReasonCode.of("ssh").id());
    private final IpPrefix prefix = new IpPrefix().set(4, new byte[] { (byte)198, 51, 100, 7 }, 32);
    private ProgressFile progress;
    private EventLog log;
    private InMemoryNetwork network;
    private InetSocketAddress self;
    private InetSocketAddress other;
    private Peer peer;
    private NodeCounters counters;
    private RetransmitHandler handler;
    private StreamSender sender;
    private RetainedBatches retained;

    @AfterEach
    void close()
    {
        if (null != progress)
        {
            progress.close();
            log.close();
        }
    }

    @Test
    void beforeAnyRttSampleTheTimeoutIsTheMinimumAndDoublesUpToTheMaximum() throws Exception
    {
        start(64, 200 * MS, 1_600 * MS);
        final long sequence = publish();
        runUntil(START_NANOS + 5_000 * MS);

        assertEquals(
            List.of(START_NANOS, START_NANOS + 200 * MS, START_NANOS + 600 * MS, START_NANOS + 1_400 * MS,
                START_NANOS + 3_000 * MS, START_NANOS + 4_600 * MS),
            network.batchSendTimes(self, other, sequence),
            "first send, then after 200, 400, 800, 1600 (the maximum) and 1600 ms");
        assertEquals(5, counters.retransmits.get());
    }

    @Test
    void rttSamplesSetTheTimeoutPerRfc6298() throws Exception
    {
        start(64, 20 * MS, 60_000 * MS);
        publish();
        runUntil(START_NANOS + 10 * MS);
        ackAt(1, 0);
        assertEquals(10 * MS, peer.timer().smoothedRttNanos(), "first sample: SRTT = R");
        assertEquals(5 * MS, peer.timer().rttVarianceNanos(), "first sample: RTTVAR = R/2");

        final long sentAt = clock.nanoTime();
        final long second = publish();
        runUntil(sentAt + 200 * MS);
        assertEquals(List.of(sentAt, sentAt + 30 * MS, sentAt + 90 * MS), network.batchSendTimes(self, other, second),
            "RTO = SRTT + 4 RTTVAR = 30 ms, then doubled to 60 ms");

        final long thirdSentAt = clock.nanoTime();
        ackAt(2, 0);
        final long third = publish();
        runUntil(thirdSentAt + 20 * MS);
        ackAt(3, 0);
        assertEquals(11_250_000L, peer.timer().smoothedRttNanos(), "SRTT = 7/8 10 ms + 1/8 20 ms");
        assertEquals(6_250_000L, peer.timer().rttVarianceNanos(), "RTTVAR = 3/4 5 ms + 1/4 |10 - 20| ms");
        assertEquals(1, network.batchSendTimes(self, other, third).size());

        final long fourthSentAt = clock.nanoTime();
        final long fourth = publish();
        runUntil(fourthSentAt + 40 * MS);
        assertEquals(List.of(fourthSentAt, fourthSentAt + 36_250_000L), network.batchSendTimes(self, other, fourth),
            "RTO = 11.25 ms + 4 x 6.25 ms");
    }

    @Test
    void karnsRuleTakesNoRttSampleFromARetransmittedBatch() throws Exception
    {
        start(64, 200 * MS, 60_000 * MS);
        publish();
        runUntil(START_NANOS + 250 * MS);
        assertEquals(2, network.batchSendTimes(self, other, 1).size(), "sent, then retransmitted at 200 ms");

        ackAt(1, 0);
        assertEquals(0, peer.timer().smoothedRttNanos(), "an ack of a batch sent twice is no sample");
        assertEquals(1, peer.timer().backoffShift(), "nor, before the first sample, the end of the backoff (Karn's algorithm)");

        final long sentAt = clock.nanoTime();
        publish();
        runUntil(sentAt + 10 * MS);
        ackAt(2, 0);
        assertEquals(10 * MS, peer.timer().smoothedRttNanos(), "a batch sent once is sampled again");
        assertEquals(0, peer.timer().backoffShift(), "which ends the backoff");
    }

    /**
     * Issue 13 (flow13): 10 peers CPU-starved by an import answered the first window 310-1,800 ms after it was sent; the
     * 200 ms initial timeout resent 64 batches to each, the late ACK of the originals gave no sample (Karn's rule: the
     * lowest batch was resent) and ended the backoff, so the next window timed out at 200 ms again: ~20 % of the
     * datagrams of a loss-free 10,000-ban import were resends. Before the first sample a timeout resends the oldest
     * batch alone, keeps its backoff until a sample, and the late ACK of the originals resends nothing.
     */
    @Test
    void beforeTheFirstSampleATimeoutResendsTheOldestBatchAloneAndALateAckResendsNothing() throws Exception
    {
        start(64, 200 * MS, 60_000 * MS);
        for (int i = 0; i < 10; i++)
        {
            publish();
        }
        runUntil(START_NANOS + 500 * MS);
        assertEquals(List.of(START_NANOS, START_NANOS + 200 * MS), network.batchSendTimes(self, other, 1), "one probe at 200 ms");
        for (long sequence = 2; sequence <= 10; sequence++)
        {
            assertEquals(1, network.batchSendTimes(self, other, sequence).size(), "batch " + sequence + " not resent");
        }
        assertEquals(1, peer.timer().backoffShift(), "the next timeout is at 400 ms");

        // The receiver, slow, reports the first five (batch 1 twice): batches 6 to 10, sent before the probe, are not
        // called lost by it; then the rest, which times batch 6, sent once.
        ackAt(5, 0);
        assertEquals(1, peer.timer().backoffShift(), "no sample yet: the backoff stays");
        runUntil(START_NANOS + 550 * MS);
        ackAt(10, 0);
        assertEquals(11, network.sent().stream().filter(sent -> sent.streamSequence() > 0).count(), "ten batches and one probe");
        assertEquals(550 * MS, peer.timer().smoothedRttNanos(), "the first sample");
        assertEquals(0, peer.timer().backoffShift(), "ends the backoff");
    }

    @Test
    void aSelectiveAckHoleIsResentAtOnceAndAgainOnlyOnceALaterSendIsReported() throws Exception
    {
        start(64, 200 * MS, 60_000 * MS);
        for (int i = 0; i < 4; i++)
        {
            publish();
        }
        runUntil(START_NANOS + 10 * MS);
        assertEquals(List.of(1L, 2L, 3L, 4L), network.batchesSent(self, other));

        // Received 1, 3 and 4: cumulative 1, bits for 3 (bit 1) and 4 (bit 2), 2 is the hole.
        ackAt(1, 0b110);
        assertEquals(List.of(1L, 2L, 3L, 4L, 2L), network.batchesSent(self, other), "the hole went out with the ack");
        assertEquals(START_NANOS + 10 * MS, network.batchSendTimes(self, other, 2).get(1));
        ackAt(1, 0b110);
        assertEquals(5, network.batchesSent(self, other).size(), "the same ack again resends nothing");
        assertEquals(1, counters.retransmits.get());

        // The resent 2 is lost too; 5, sent after it, arrives: that is new evidence, so 2 goes again at once.
        runUntil(START_NANOS + 20 * MS);
        publish();
        runUntil(START_NANOS + 30 * MS);
        ackAt(1, 0b1110);
        assertEquals(List.of(1L, 2L, 3L, 4L, 2L, 5L, 2L), network.batchesSent(self, other),
            "a hole lost again is resent per later send reported received, not after a timeout");
        assertEquals(2, counters.retransmits.get());

        runUntil(START_NANOS + 30 * MS + 200 * MS);
        assertEquals(List.of(1L, 2L, 3L, 4L, 2L, 5L, 2L, 2L), network.batchesSent(self, other),
            "on the timeout only the hole is resent, not what the bitmap reported received");
    }

    @Test
    void aCumulativeJumpOverBatchesReceivedLongAgoIsNoRttSample() throws Exception
    {
        start(64, 200 * MS, 60_000 * MS);
        publish();
        publish();
        runUntil(START_NANOS + 10 * MS);
        ackAt(0, 0b10);
        assertEquals(10 * MS, peer.timer().smoothedRttNanos(), "2 reported received: sampled");

        // 1 is lost (resent at once, 2 being sent with it), resent again on the timeout, and the ACK of that covers 2,
        // received 200 ms before.
        runUntil(START_NANOS + 220 * MS);
        assertEquals(List.of(START_NANOS, START_NANOS + 10 * MS, START_NANOS + 200 * MS), network.batchSendTimes(self, other, 1));
        ackAt(2, 0);
        assertEquals(10 * MS, peer.timer().smoothedRttNanos(), "neither 1 (sent twice) nor 2 (reported before) is sampled");
    }

    @Test
    void theTimeoutDoublesWhenThePeerAnswersNothingAndAfterAGraceWhenItsAnswersReportNothingNew() throws Exception
    {
        start(64, 200 * MS, 60_000 * MS);
        publish();
        publish();
        runUntil(START_NANOS + 10 * MS);
        ackAt(0, 0b10);
        // Every resend of 1 is lost, but the peer keeps answering (its ACK at our heartbeats) with nothing new.
        for (int i = 1; i <= 3; i++)
        {
            runUntil(START_NANOS + i * 200 * MS + 5 * MS);
            ackAt(0, 0b10);
        }
        assertEquals(List.of(START_NANOS, START_NANOS + 10 * MS, START_NANOS + 200 * MS, START_NANOS + 400 * MS, START_NANOS + 600 * MS),
            network.batchSendTimes(self, other, 1),
            "resent at once (2, sent with it, arrived), at 200 ms (2 was news), at 400 ms (one timeout's grace), then backed off");
        assertEquals(1, peer.timer().backoffShift());
        assertEquals(1, counters.retransmitBackoffsAnswered.get());

        // The answer at 605 ms reports nothing new either: 400 ms to 1000; then it falls silent: 800 ms, 1600 ms.
        runUntil(START_NANOS + 3_500 * MS);
        assertEquals(List.of(START_NANOS, START_NANOS + 10 * MS, START_NANOS + 200 * MS, START_NANOS + 400 * MS, START_NANOS + 600 * MS,
            START_NANOS + 1_000 * MS, START_NANOS + 1_800 * MS, START_NANOS + 3_400 * MS),
            network.batchSendTimes(self, other, 1),
            "a peer whose answers report nothing new is backed off from, as is one that answers nothing");
        assertEquals(2, counters.retransmitBackoffsAnswered.get(), "counted only while it answered");

        // An ACK reporting a batch not reported before ends the backoff.
        ackAt(1, 0);
        assertEquals(0, peer.timer().backoffShift());
    }

    @Test
    void theStagingRingGrowsOnlyAsABurstNeedsItAndKeepsTheDecisionsInOrder() throws Exception
    {
        start(4_096, 200 * MS, 60_000 * MS);
        assertEquals(StreamSender.INITIAL_STAGING_RECORDS, sender.stagingSize(), "an idle node holds the small ring");
        final long[] next = { 1, 1 };
        // 1,000 staged and flushed: the ring's head moves, so the burst after it wraps around the small ring.
        for (int i = 0; i < 1_000; i++)
        {
            sender.stage(decided.prefix(prefix).originSequence(next[0]++));
        }
        flushAndCheckOrder(next);
        assertEquals(StreamSender.INITIAL_STAGING_RECORDS, sender.stagingSize(), "1,000 at a time fit");
        // 3,000 staged before any flush: two doublings, the staged records moved each time.
        for (int i = 0; i < 3_000; i++)
        {
            assertTrue(sender.hasRoom());
            sender.stage(decided.prefix(prefix).originSequence(next[0]++));
        }
        assertEquals(3_000, sender.staged());
        assertEquals(4 * StreamSender.INITIAL_STAGING_RECORDS, sender.stagingSize(), "grown twice");
        flushAndCheckOrder(next);
        assertEquals(0, sender.staged());
        assertEquals(4_001, next[1], "every decision staged came out once");
    }

    /** Flush everything staged; the batches must hold origin sequences next[1], next[1] + 1, ... */
    private void flushAndCheckOrder(final long[] next)
    {
        final long from = progress.streamNext();
        sender.flush(clock.nanoTime());
        final BatchFrameFlyweight batch = new BatchFrameFlyweight();
        for (long s = from; s < progress.streamNext(); s++)
        {
            batch.wrap(retained.buffer(), retained.offsetOf(s));
            for (int r = 0; r < batch.recordCount(); r++)
            {
                assertEquals(next[1]++, batch.record(r).originSequence(), "record " + r + " of batch " + s);
            }
        }
        assertEquals(next[0], next[1], "all staged records flushed");
    }

    @Test
    void noMoreThanTheFlightWindowIsUnacknowledged() throws Exception
    {
        start(8, 200 * MS, 60_000 * MS);
        assertEquals(4, new NodeContext().retained(new RetainedBatches(8, 1)).flightWindow());
        for (int i = 0; i < 10; i++)
        {
            stage();
            sender.flush(clock.nanoTime());
        }
        assertEquals(9, progress.streamNext(), "the retained ring holds 8 unacknowledged batches; 2 decisions wait");

        runUntil(START_NANOS + 10 * MS);
        assertEquals(List.of(1L, 2L, 3L, 4L), network.batchesSent(self, other), "a window of 4");

        ackAt(2, 0);
        runUntil(START_NANOS + 11 * MS);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), network.batchesSent(self, other), "two acked, two more sent");
        assertEquals(1, sender.flush(clock.nanoTime()), "room for the 2 waiting decisions, sealed together");
        assertEquals(10, progress.streamNext());
    }

    /** The other case of the probe: the first window was lost, the ACK reports the probe alone, and the rest goes at once. */
    @Test
    void beforeTheFirstSampleAnAckOfTheProbeAloneResendsTheRestOfALostWindow() throws Exception
    {
        start(64, 200 * MS, 60_000 * MS);
        for (int i = 0; i < 10; i++)
        {
            publish();
        }
        runUntil(START_NANOS + 250 * MS);
        assertEquals(2, network.batchSendTimes(self, other, 1).size(), "one probe at 200 ms");
        ackAt(1, 0);
        for (long sequence = 2; sequence <= 10; sequence++)
        {
            assertEquals(2, network.batchSendTimes(self, other, sequence).size(), "batch " + sequence + " resent once the probe was reported");
        }
    }

    private void start(final int sendWindow, final long minNanos, final long maxNanos) throws Exception
    {
        clock.update(START_NANOS);
        final CachedEpochClock epochClock = new CachedEpochClock();
        epochClock.update(NOW_MILLIS);
        progress = ProgressFile.open(dir, 1, 0);
        log = new EventLog(OutputStream.nullOutputStream());
        final CountersManager countersManager = new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64)));
        counters = new NodeCounters(countersManager);
        self = new InetSocketAddress(InetAddress.getByAddress(new byte[] { (byte)192, 0, 2, 1 }), 7000);
        other = new InetSocketAddress(InetAddress.getByAddress(new byte[] { (byte)192, 0, 2, 2 }), 7000);
        network = new InMemoryNetwork(clock, 1);
        network.endpoint(other);
        peer = new Peer(2, "node2", other, TestKeys.link(1, 2), countersManager);
        final NodeContext context = new NodeContext()
            .nodeId(1)
            .epochClock(epochClock)
            .nanoClock(clock)
            .transport(network.endpoint(self))
            .sealer(new PacketSealer(1, TestKeys.KEY_ID, progress, NOW_MILLIS))
            .counters(counters)
            .log(log)
            .peers(new Peer[] { peer })
            .highWater(new HighWaterMarks(progress, new int[] { 2 }))
            .progress(progress)
            .retained(retained = new RetainedBatches(sendWindow, progress.streamNext()))
            .jitter(new RetransmitJitter(1, 0))
            .retransmitMinNanos(minNanos)
            .retransmitMaxNanos(maxNanos)
            .heartbeatIntervalNanos(100 * MS)
            .suspectAfterNanos(300 * MS)
            .downAfterNanos(1_000 * MS)
            .conclude();
        handler = new RetransmitHandler(context);
        sender = new StreamSender(context, handler);
    }

    private void stage()
    {
        sender.stage(decided.prefix(prefix));
    }

    /** One decision sealed alone into the next batch, sent at the next pump. */
    private long publish()
    {
        final long sequence = progress.streamNext();
        stage();
        assertEquals(1, sender.flush(clock.nanoTime()));
        sender.pump(clock.nanoTime());
        return sequence;
    }

    /** Pump every millisecond, and at each retransmission deadline exactly, up to and including {@code endNanos}. */
    private void runUntil(final long endNanos)
    {
        while (clock.nanoTime() < endNanos)
        {
            clock.update(Math.min(Math.min(clock.nanoTime() + MS, handler.nextDeadlineNanos()), endNanos));
            sender.pump(clock.nanoTime());
        }
    }

    private void ackAt(final long cumulative, final long selective)
    {
        ack.begin(ackBuffer, 0).streamSenderId(1).cumulative(cumulative).selectiveBitmap(selective);
        sender.onAck(peer, ack, clock.nanoTime());
        sender.pump(clock.nanoTime());
    }

    @Test
    void theSameSeedGivesTheSameJitterWithinTheSpread()
    {
        final RetransmitJitter a = new RetransmitJitter(42, RetransmitJitter.DEFAULT_SPREAD_PER_MILLE);
        final RetransmitJitter b = new RetransmitJitter(42, RetransmitJitter.DEFAULT_SPREAD_PER_MILLE);
        final List<Long> seen = new ArrayList<>();
        for (int i = 0; i < 1000; i++)
        {
            final long timeout = a.apply(1_000 * MS);
            assertEquals(timeout, b.apply(1_000 * MS), "seed 42, draw " + i);
            assertTrue(timeout >= 750 * MS && timeout <= 1_250 * MS, "seed 42, draw " + i + ": " + timeout);
            seen.add(timeout);
        }
        assertTrue(seen.stream().distinct().count() > 100, "the timeouts are spread");
        assertEquals(1_000 * MS, new RetransmitJitter(42, 0).apply(1_000 * MS));
    }
}
