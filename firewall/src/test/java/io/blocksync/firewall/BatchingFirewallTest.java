package io.blocksync.firewall;

import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hand-over from the loop: the batcher stepped on a manual clock, the epoch clock manual too.
 */
class BatchingFirewallTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long EPOCH = 1_700_000_000_000L;

    private final RecordingBackend backend = new RecordingBackend();
    private final List<String> events = new ArrayList<>();
    private final FirewallListener listener = new FirewallListener()
    {
        public void onApplied(final IpPrefix prefix, final boolean ban)
        {
            events.add("applied " + (ban ? "ban " : "unban ") + prefix);
        }

        public void onFailed(final IpPrefix prefix, final boolean ban, final CharSequence error)
        {
            events.add("failed " + (ban ? "ban " : "unban ") + prefix + ": " + error);
        }

        public void onDropped(final IpPrefix prefix, final boolean ban)
        {
            events.add("dropped " + (ban ? "ban " : "unban ") + prefix);
        }
    };
    private final Ban ban = new Ban();
    private long nanos = 1_000 * SECOND;
    private long epochMillis = EPOCH;

    @Test
    void changesBeyondTheBatcherWaitInOrderAndNoneIsLost()
    {
        final FirewallBatcher batcher = batcher(new BatcherSettings().capacity(2).flushDelayMs(0));
        final BatchingFirewall firewall = new BatchingFirewall(batcher, () -> epochMillis, 16);
        for (int i = 1; i <= 6; i++)
        {
            assertTrue(firewall.ban(ban("192.0.2." + i, EPOCH + 60_000)), "queued " + i);
        }
        assertTrue(firewall.unban(ban("192.0.2.1", 0).action(BanAction.UNBAN)));
        assertEquals(5, firewall.overflowSize(), "two in the batcher, the rest waiting");

        for (int round = 0; round < 10 && (firewall.overflowSize() > 0 || batcher.inFlight() > 0); round++)
        {
            batcher.doWork(nanos);
            firewall.poll(listener);
        }

        assertEquals(List.of(
            "applied ban 192.0.2.1", "applied ban 192.0.2.2", "applied ban 192.0.2.3",
            "applied ban 192.0.2.4", "applied ban 192.0.2.5", "applied ban 192.0.2.6",
            "applied unban 192.0.2.1"), events);
        assertEquals(List.of("ADD 192.0.2.1 timeout=70s reason=ssh", "ADD 192.0.2.2 timeout=70s reason=ssh",
            "ADD 192.0.2.3 timeout=70s reason=ssh", "ADD 192.0.2.4 timeout=70s reason=ssh",
            "ADD 192.0.2.5 timeout=70s reason=ssh", "ADD 192.0.2.6 timeout=70s reason=ssh",
            "REMOVE 192.0.2.1 reason=ssh"), flatten(backend.applied), "in the order the loop gave them");
    }

    @Test
    void timeWaitedInTheOverflowRingCountsAgainstTheBan()
    {
        final FirewallBatcher batcher = batcher(new BatcherSettings().capacity(1).flushDelayMs(0));
        final BatchingFirewall firewall = new BatchingFirewall(batcher, () -> epochMillis, 16);
        firewall.ban(ban("192.0.2.1", EPOCH + 60_000));
        firewall.ban(ban("192.0.2.2", EPOCH + 60_000));

        epochMillis += 20_000;
        batcher.doWork(nanos);
        firewall.poll(listener);
        batcher.doWork(nanos);

        assertEquals(List.of("ADD 192.0.2.1 timeout=70s reason=ssh", "ADD 192.0.2.2 timeout=50s reason=ssh"),
            flatten(backend.applied), "40 s left when it left the ring, plus the 10 s grace");
    }

    @Test
    void aFullRingDropsTheChangeAndReportsIt()
    {
        final FirewallBatcher batcher = batcher(new BatcherSettings().capacity(1));
        final BatchingFirewall firewall = new BatchingFirewall(batcher, () -> epochMillis, 1);
        assertTrue(firewall.ban(ban("192.0.2.1", EPOCH + 60_000)));
        assertTrue(firewall.ban(ban("192.0.2.2", EPOCH + 60_000)));
        assertFalse(firewall.ban(ban("192.0.2.3", EPOCH + 60_000)));

        firewall.poll(listener);
        assertEquals(List.of("dropped ban 192.0.2.3"), events);
    }

    @Test
    void aFailureReachesTheListenerWithTheToolsMessage()
    {
        backend.rejects = (batch) -> true;
        final FirewallBatcher batcher = batcher(new BatcherSettings().maxAttempts(1).flushDelayMs(0));
        final BatchingFirewall firewall = new BatchingFirewall(batcher, () -> epochMillis, 16);
        firewall.ban(ban("198.51.100.0/24", Ban.PERMANENT));

        batcher.doWork(nanos);
        firewall.poll(listener);

        assertEquals(List.of("failed ban 198.51.100.0/24: backend rejects this batch"), events);
    }

    @Test
    void startReconcilesTheLiveBansWithTheirTimeLeft()
    {
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings(), () -> nanos);
        final Ban permanent = new Ban().set(ban("203.0.113.0/24", Ban.PERMANENT));
        final Ban temporary = new Ban().set(ban("192.0.2.9", EPOCH + 90_500));
        final BatchingFirewall firewall = BatchingFirewall.start(batcher, () -> epochMillis, List.of(temporary, permanent));
        try
        {
            Poll.until("the start-up reconcile", java.time.Duration.ofSeconds(10), () -> !backend.reconciled.isEmpty());
            assertEquals(List.of(List.of("ADD 192.0.2.9 timeout=101s reason=ssh", "ADD 203.0.113.0/24 timeout=0s reason=ssh")),
                backend.reconciled, "91 s left (rounded up) plus 10 s grace; the permanent one with 0 (none)");
        }
        finally
        {
            firewall.close();
        }
    }

    private FirewallBatcher batcher(final BatcherSettings settings)
    {
        final FirewallBatcher batcher = new FirewallBatcher(backend, settings.jitterSeed(7), () -> nanos);
        batcher.open(List.of());
        batcher.doWork(nanos);
        backend.reconciled.clear();
        return batcher;
    }

    private Ban ban(final String prefix, final long expiresAtMillis)
    {
        return ban.reset().prefix(Bans.prefix(prefix)).reason(Bans.SSH).expiresAtMillis(expiresAtMillis);
    }

    private static List<String> flatten(final List<List<String>> batches)
    {
        final List<String> all = new ArrayList<>();
        batches.forEach(all::addAll);
        return all;
    }
}
