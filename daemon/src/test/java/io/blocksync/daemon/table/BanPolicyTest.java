package io.blocksync.daemon.table;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BanPolicyTest
{
    @Test
    void permanentOnlyWhenTheMaximumIsPermanent()
    {
        assertEquals(0, new BanPolicy(List.of(), List.of(), 16, 32, 0, 100).clampDuration(0));
        assertEquals(3600, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(0));
        assertEquals(3600, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(7200));
        assertEquals(60, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(60));
    }
}
