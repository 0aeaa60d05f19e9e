package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KernelTimeoutTest
{
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void roundsUpSoABanNeverEndsEarly()
    {
        assertEquals(60, KernelTimeout.secondsLeft(NOW + 60_000, NOW));
        assertEquals(60, KernelTimeout.secondsLeft(NOW + 59_001, NOW));
        assertEquals(61, KernelTimeout.secondsLeft(NOW + 60_001, NOW));
    }

    @Test
    void aDueOrOverdueBanGetsOneSecondBecauseZeroMeansNoTimeout()
    {
        assertEquals(1, KernelTimeout.secondsLeft(NOW + 1, NOW));
        assertEquals(1, KernelTimeout.secondsLeft(NOW, NOW));
        assertEquals(1, KernelTimeout.secondsLeft(NOW - 3_600_000, NOW));
    }

    @Test
    void aPermanentBanHasNoTimeout()
    {
        assertEquals(0, KernelTimeout.secondsLeft(Ban.PERMANENT, NOW));
    }

    @Test
    void theMonotonicFormFollowsTheSameRule()
    {
        assertEquals(60, KernelTimeout.secondsLeft(60_000_000_000L, TimeUnit.NANOSECONDS));
        assertEquals(61, KernelTimeout.secondsLeft(60_000_000_001L, TimeUnit.NANOSECONDS));
        assertEquals(1, KernelTimeout.secondsLeft(-5, TimeUnit.NANOSECONDS));
        assertEquals(2, KernelTimeout.secondsLeft(1_500, TimeUnit.MILLISECONDS));
        assertEquals(1, KernelTimeout.secondsLeft(0, TimeUnit.MILLISECONDS), "zero would read as no timeout");
    }
}
