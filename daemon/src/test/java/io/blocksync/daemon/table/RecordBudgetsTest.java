package io.blocksync.daemon.table;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordBudgetsTest
{
    private static final long T0 = 1_000_000;

    @Test
    void rateLimitAdmitsOneSecondOfBurstThenRefillsOverTime()
    {
        final RecordBudgets budgets = new RecordBudgets(4, 100);
        // A peer's own BATCH stream: it is both sender and origin.
        assertTrue(budgets.admit(2, 2, 60, T0));
        assertTrue(budgets.admit(2, 2, 40, T0));
        assertFalse(budgets.admit(2, 2, 1, T0), "the burst is spent");
        assertTrue(budgets.admit(3, 3, 20, T0), "each origin has its own budget");
        assertFalse(budgets.admit(2, 2, 20, T0 + 100), "100 ms earns 10 records, not 20");
        assertTrue(budgets.admit(2, 2, 20, T0 + 200));
        assertTrue(budgets.admit(2, 2, 100, T0 + 60_000), "refills to the burst, no further");
        assertFalse(budgets.admit(2, 2, 1, T0 + 60_000));
    }

    @Test
    void aPeerClaimingManyOriginsGetsOneBudgetNotOnePerOrigin()
    {
        final RecordBudgets budgets = new RecordBudgets(8, 100);
        int admitted = 0;
        for (int origin = 0; origin < 8; origin++)
        {
            // Peer 1 relays SYNC in every origin's name, 20 records a frame, five frames each.
            for (int frame = 0; frame < 5; frame++)
            {
                admitted += budgets.admit(1, origin, 20, T0) ? 20 : 0;
            }
        }
        assertTrue(admitted == 100, "one second's burst in all, whatever origins it claims: " + admitted);
        assertTrue(budgets.admit(2, 7, 20, T0), "another peer still has its own budget, and origin 7 was untouched");
        assertFalse(budgets.admit(1, 7, 1, T0), "peer 1's budget is spent");
    }

    @Test
    void anOriginSpokenForByManyPeersGetsOneBudget()
    {
        final RecordBudgets budgets = new RecordBudgets(8, 100);
        for (int sender = 1; sender <= 5; sender++)
        {
            assertTrue(budgets.admit(sender, 0, 20, T0));
        }
        assertFalse(budgets.admit(6, 0, 20, T0), "origin 0's second is spent, whoever relays it");
        assertTrue(budgets.admit(6, 6, 20, T0), "peer 6's own stream is not held back by origin 0's");
    }
}
