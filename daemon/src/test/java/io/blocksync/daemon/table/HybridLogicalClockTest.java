package io.blocksync.daemon.table;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HybridLogicalClockTest
{
    private static final long NOW = 1_764_000_000_000L;
    /** {@code max-clock-skew}: above every lead the randomized test below uses. */
    private static final long SKEW = 2_000_000L;

    private final AtomicCounter refused = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(4 * CountersReader.METADATA_LENGTH)),
        new UnsafeBuffer(ByteBuffer.allocateDirect(4 * CountersReader.COUNTER_LENGTH))).newCounter("refused");
    private long wallMillis = NOW;
    private final HybridLogicalClock clock = new HybridLogicalClock(() -> wallMillis, SKEW, refused);

    @Test
    void aTickFollowsTheWallClockAndCountsWithinOneMillisecond()
    {
        assertEquals(HybridLogicalClock.of(NOW), clock.tick());
        assertEquals(HybridLogicalClock.of(NOW) + 1, clock.tick(), "same millisecond: the counter");
        assertEquals(HybridLogicalClock.of(NOW) + 2, clock.tick());
        wallMillis = NOW + 5;
        assertEquals(HybridLogicalClock.of(NOW + 5), clock.tick(), "a later millisecond resets the counter");
        assertEquals(NOW + 5, HybridLogicalClock.wallMillis(clock.read(NOW + 5)));
    }

    @Test
    void aWallClockGoingBackNeverMakesTheClockGoBack()
    {
        wallMillis = NOW + 60_000;
        final long before = clock.tick();
        wallMillis = NOW;
        final long after = clock.tick();
        assertEquals(before + 1, after, "the clock holds its value and counts on");
    }

    @Test
    void aTickAfterObservingAValueIsAboveIt()
    {
        final long fromFastPeer = HybridLogicalClock.of(NOW + 600_000) + 7;
        assertTrue(clock.observe(fromFastPeer));
        assertEquals(fromFastPeer, clock.read(NOW), "a heartbeat carries what was observed");
        assertEquals(fromFastPeer + 1, clock.tick(), "the next local decision orders after what the peer had");
        assertTrue(clock.observe(HybridLogicalClock.of(NOW - 600_000)), "an older value is taken and changes nothing");
        assertEquals(fromFastPeer + 2, clock.tick());
        assertEquals(0, refused.get());
    }

    @Test
    void aValueMoreThanTheSkewAheadIsNotTakenAndIsCounted()
    {
        assertTrue(clock.observe(HybridLogicalClock.of(NOW + SKEW)), "exactly max-clock-skew ahead is the limit");
        assertFalse(clock.observe(HybridLogicalClock.of(NOW + SKEW) + 1));
        assertFalse(clock.observe(Long.MAX_VALUE), "a hostile peer cannot push the clock towards overflow");
        assertFalse(clock.observe(-1), "nor wrap it");
        assertEquals(3, refused.get());
        assertEquals(HybridLogicalClock.of(NOW + SKEW) + 1, clock.tick());
    }

    /**
     * What a peer pushes into an honest node's clock is passed on in that node's versions: the refusal bound must
     * leave room for the push (at most the skew) on top of the two clocks' own difference (at most the skew too).
     */
    @Test
    void aVersionFromAPushedHonestClockIsWithinEveryHonestReceiversRefusalBound()
    {
        final long pushedFrom = HybridLogicalClock.of(NOW + SKEW);
        assertTrue(clock.observe(pushedFrom), "a hostile peer pushes this clock to the bound");
        final long version = clock.tick();
        final long slowestHonestReceiver = NOW - SKEW;
        assertTrue(version <= HybridLogicalClock.of(slowestHonestReceiver + HybridLogicalClock.refusalLeadMillis(SKEW)),
            "a receiver " + SKEW + " ms behind still takes " + version);
        assertTrue(HybridLogicalClock.wallMillis(version) - NOW <= SKEW, "and this clock leads by at most the skew");
        assertEquals(2 * SKEW + HybridLogicalClock.REFUSAL_MARGIN_MILLIS, HybridLogicalClock.refusalLeadMillis(SKEW));
    }

    @Test
    void valuesTickedAndObservedInAnyOrderStayStrictlyIncreasing()
    {
        final Random random = new Random(20_261_201L);
        long last = -1;
        for (int i = 0; i < 100_000; i++)
        {
            wallMillis = NOW + random.nextInt(1_000_000) - 500_000;
            if (random.nextBoolean())
            {
                final long received = HybridLogicalClock.of(NOW + random.nextInt(2_000_000) - 1_000_000) + random.nextInt(8);
                clock.observe(received);
                final long next = clock.tick();
                assertTrue(next > received && next > last, "tick " + next + " after " + received + " and " + last);
                last = next;
            }
            else
            {
                final long next = clock.tick();
                assertTrue(next > last && next >= HybridLogicalClock.of(wallMillis));
                last = next;
            }
        }
        assertEquals(0, refused.get());
    }
}
