package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.blocksync.firewall.Bans.add;
import static io.blocksync.firewall.Bans.remove;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * pf cannot run on Linux: these golden tests pin the exact pfctl argv and stdin.
 */
class PfBackendTest
{
    private final CapturingRunner runner = new CapturingRunner();
    private final PfBackend backend = new PfBackend(
        new PfBackend.Settings().reasonTable("ssh", "brutessh").reasonTable("http", "bruteweb"), runner);

    @Test
    void addsGoToTheReasonsTableInOneCallThenKillStatesPerAddress()
    {
        backend.apply(List.of(
            add("192.0.2.7", 3600, "ssh"),
            add("2001:db8::/64", 3600, "ssh"),
            add("198.51.100.0/24", 60, "http"),
            add("203.0.113.9", 60, "scan")));

        assertCalls(
            "pfctl -t brutessh -T add -f - <<< 192.0.2.7\\n2001:db8::/64\\n",
            "pfctl -k 192.0.2.7",
            "pfctl -k 2001:db8::/64",
            "pfctl -t bruteweb -T add -f - <<< 198.51.100.0/24\\n",
            "pfctl -k 198.51.100.0/24",
            "pfctl -t blocksync -T add -f - <<< 203.0.113.9\\n",
            "pfctl -k 203.0.113.9");
    }

    @Test
    void aReasonAsOperatorsNameItFindsItsTable()
    {
        // Issue 14: fail2ban jails and CrowdSec scenarios are reasons; pf table names stay the operator's (<= 31).
        final PfBackend named = new PfBackend(new PfBackend.Settings()
            .reasonTable("nginx-http-auth", "f2b_nginx").reasonTable("crowdsecurity/http-bad-user-agent", "crowdsec"), runner);
        named.apply(List.of(add("192.0.2.7", 3600, "nginx-http-auth"), add("192.0.2.8", 3600, "crowdsecurity/http-bad-user-agent")));

        assertCalls(
            "pfctl -t f2b_nginx -T add -f - <<< 192.0.2.7\\n",
            "pfctl -k 192.0.2.7",
            "pfctl -t crowdsec -T add -f - <<< 192.0.2.8\\n",
            "pfctl -k 192.0.2.8");
    }

    @Test
    void deletesComeFirstAndTheLastChangeOfAnAddressWins()
    {
        backend.apply(List.of(
            add("192.0.2.7", 60, "ssh"),
            remove("192.0.2.8", "ssh"),
            remove("192.0.2.7", "ssh"),
            add("192.0.2.9", 60, "ssh")));

        assertCalls(
            "pfctl -t brutessh -T delete -f - <<< 192.0.2.7\\n192.0.2.8\\n",
            "pfctl -t brutessh -T add -f - <<< 192.0.2.9\\n",
            "pfctl -k 192.0.2.9");
    }

    @Test
    void theBatcherDeletesExpiredEntriesSincePfHasNoTimeouts()
    {
        final long[] now = { 0 };
        final FirewallBatcher batcher = new FirewallBatcher(backend, new BatcherSettings(), () -> now[0]);
        batcher.open(List.of());
        batcher.doWork(now[0]);
        runner.calls.clear();

        batcher.offer(FirewallChange.Op.ADD, Bans.ban("192.0.2.7", Bans.SSH), 60);
        now[0] += 1_000_000L;
        batcher.doWork(now[0]);
        assertCalls("pfctl -t brutessh -T add -f - <<< 192.0.2.7\\n", "pfctl -k 192.0.2.7");

        runner.calls.clear();
        now[0] += 60_000_000_000L;
        batcher.doWork(now[0]);
        runner.calls.removeIf((call) -> call.toString().contains("-T show"));
        assertCalls("pfctl -t brutessh -T delete -f - <<< 192.0.2.7\\n");
    }

    @Test
    void flushEmptiesEveryTable()
    {
        backend.flush();

        assertCalls("pfctl -t blocksync -T flush", "pfctl -t brutessh -T flush", "pfctl -t bruteweb -T flush");
    }

    @Test
    void managedReconcileReplacesEveryTableIncludingEmptyOnes()
    {
        backend.reconcile(List.of(add("192.0.2.7", 60, "ssh"), add("192.0.2.8", 60, "ssh")));

        assertCalls(
            "pfctl -t blocksync -T replace -f -",
            "pfctl -t brutessh -T replace -f - <<< 192.0.2.7\\n192.0.2.8\\n",
            "pfctl -t bruteweb -T replace -f -");
    }

    @Test
    void sharedReconcileOnlyAdds()
    {
        new PfBackend(new PfBackend.Settings().managed(false).killStates(false).commandPrefix(List.of("doas")), runner)
            .reconcile(List.of(add("192.0.2.7", 60)));

        assertCalls("doas pfctl -t blocksync -T add -f - <<< 192.0.2.7\\n");
    }

    @Test
    void failuresAreOneLineWithAHint()
    {
        runner.thenReturn(1, "", "pfctl: /dev/pf: Permission denied\n");

        final FirewallException ex = assertThrows(FirewallException.class, backend::start);

        assertEquals("pfctl: /dev/pf: Permission denied (run as root)", ex.getMessage());
        assertCalls("pfctl -s info");
    }

    private void assertCalls(final String... expected)
    {
        assertEquals(List.of(expected), runner.calls.stream().map(CapturingRunner.Call::toString).toList());
    }
}
