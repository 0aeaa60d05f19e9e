package io.blocksync.daemon.status;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EnforcementLatencyTest
{
    @Test
    void samplesLandInTheFirstBucketWhoseBoundHoldsThemAndNegativeCountsAsZero()
    {
        final EnforcementLatency latency = new EnforcementLatency();
        latency.record(-5);
        latency.record(1);
        latency.record(2);
        latency.record(3);
        latency.record(300_000);
        latency.record(300_001);

        assertEquals(2, latency.bucket(0), "-5 -> 0 and 1 are <= 1 ms");
        assertEquals(1, latency.bucket(1), "2 ms");
        assertEquals(1, latency.bucket(2), "3 ms <= 5 ms");
        assertEquals(1, latency.bucket(EnforcementLatency.bucketCount() - 2), "300 s is the last finite bound");
        assertEquals(1, latency.bucket(EnforcementLatency.bucketCount() - 1), "+Inf");
        assertEquals(Double.POSITIVE_INFINITY, EnforcementLatency.upperBoundSeconds(EnforcementLatency.bucketCount() - 1));
        assertEquals(0.001, EnforcementLatency.upperBoundSeconds(0));
        assertEquals(6, latency.count());
        assertEquals(1 + 2 + 3 + 300_000 + 300_001, latency.sumMillis());
    }
}
