package io.blocksync.daemon.table;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BanPolicyTest
{
    @Test
    void rateLimitAdmitsOneSecondOfBurstThenRefillsOverTime()
    {
        final BanPolicy policy = new BanPolicy(List.of(), List.of(), 16, 32, 0, 100);
        final long t0 = 1_000_000;
        assertTrue(policy.admitRecords(2, 60, t0));
        assertTrue(policy.admitRecords(2, 40, t0));
        assertFalse(policy.admitRecords(2, 1, t0), "the burst is spent");
        assertTrue(policy.admitRecords(3, 20, t0), "each origin has its own budget");
        assertFalse(policy.admitRecords(2, 20, t0 + 100), "100 ms earns 10 records, not 20");
        assertTrue(policy.admitRecords(2, 20, t0 + 200));
        assertTrue(policy.admitRecords(2, 100, t0 + 60_000), "refills to the burst, no further");
        assertFalse(policy.admitRecords(2, 1, t0 + 60_000));
    }

    @Test
    void permanentOnlyWhenTheMaximumIsPermanent()
    {
        assertEquals(0, new BanPolicy(List.of(), List.of(), 16, 32, 0, 100).clampDuration(0));
        assertEquals(3600, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(0));
        assertEquals(3600, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(7200));
        assertEquals(60, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(60));
    }
}
