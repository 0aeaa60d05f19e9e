package io.blocksync.nativeio;

import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pf cannot run on Linux, so pfctl is played by a runner that records each command line and answers with the
 * output pfctl prints ({@code print_addrx} in pfctl_table.c: a feedback column, '!' or ' ', the address, /LEN for
 * networks).
 */
class PfTableSourceTest
{
    /** {@code pfctl -t bruteforce -T show} with two hosts, a network, a negated entry and IPv6. */
    private static final String SHOW_1 =
        "   192.0.2.7\n" +
        "   198.51.100.0/24\n" +
        "  !203.0.113.5\n" +
        "   2001:db8::1\n" +
        "   2001:db8:1::/48\n";

    /** 192.0.2.7 was expired, 203.0.113.9 is new. */
    private static final String SHOW_2 =
        "   198.51.100.0/24\n" +
        "   203.0.113.9\n" +
        "   2001:db8::1\n" +
        "   2001:db8:1::/48\n";

    private final AttackEventRing ring = new AttackEventRing(64);
    private final RingCollector loop = new RingCollector(ring);
    private final LogLines log = new LogLines();
    private final ScriptedPfctl pfctl = new ScriptedPfctl();

    @Test
    void reportsTheTableThenOnlyNewEntriesAndExpiresAfterEachPoll()
    {
        final PfTableSource source =
            new PfTableSource(settings("/sbin/pfctl", "bruteforce", 60_000, 86_400, pfctl), ring, log);
        pfctl.answer(0, SHOW_1, "").answer(0, "", "2/2 addresses expired.\n");

        assertEquals(4, source.poll());

        assertEquals(List.of(
            List.of("/sbin/pfctl", "-t", "bruteforce", "-T", "show"),
            List.of("/sbin/pfctl", "-t", "bruteforce", "-T", "expire", "86400")), pfctl.commands);
        loop.drain();
        assertEquals(List.of(
            "pf-table prefix=\"bruteforce\" src=192.0.2.7 dst=0.0.0.0/0",
            "pf-table prefix=\"bruteforce\" src=198.51.100.0/24 dst=0.0.0.0/0",
            "pf-table prefix=\"bruteforce\" src=2001:db8::1 dst=::/0",
            "pf-table prefix=\"bruteforce\" src=2001:db8:1::/48 dst=::/0"), summaries());
        for (final SeenEvent event : loop.events)
        {
            assertEquals(LinkType.PF_TABLE, event.linkType());
            assertEquals(DecodeResult.OK, event.result());
            assertTrue(event.timeNanos() > 1_600_000_000_000_000_000L, event.summary());
        }

        pfctl.commands.clear();
        loop.events.clear();
        pfctl.answer(0, SHOW_2, "").answer(0, "", "");
        assertEquals(1, source.poll());
        loop.drain();
        assertEquals(List.of("pf-table prefix=\"bruteforce\" src=203.0.113.9 dst=0.0.0.0/0"), summaries());

        // 192.0.2.7 is back after it left the table: a new offence.
        loop.events.clear();
        pfctl.answer(0, "   192.0.2.7\n" + SHOW_2, "").answer(0, "", "");
        assertEquals(1, source.poll());
        loop.drain();
        assertEquals(List.of("pf-table prefix=\"bruteforce\" src=192.0.2.7 dst=0.0.0.0/0"), summaries());

        assertEquals(6, source.counters().events());
        assertEquals(0, source.counters().malformed());
        assertEquals(0, source.counters().failures());
    }

    @Test
    void withoutExpireOnlyShowRuns()
    {
        final PfTableSource source = new PfTableSource(settings("pfctl", "scanners", 60_000, 0, pfctl), ring, log);
        pfctl.answer(0, "   192.0.2.1\n", "");

        assertEquals(1, source.poll());

        assertEquals(List.of(List.of("pfctl", "-t", "scanners", "-T", "show")), pfctl.commands);
        assertEquals(List.of("pfctl", "-t", "scanners", "-T", "expire", "0"), source.expireCommand());
    }

    @Test
    void aLineThatIsNotAnAddressIsCountedAndNamedByItsLineNumber()
    {
        final PfTableSource source = new PfTableSource(settings("pfctl", "bruteforce", 60_000, 0, pfctl), ring, log);
        pfctl.answer(0, "   192.0.2.1\n   192.0.2.300\n\n   198.51.100.1\n", "");

        assertEquals(2, source.poll());

        assertEquals(1, source.counters().malformed());
        assertEquals(1, log.lines.size(), log::toString);
        final String line = log.lines.get(0);
        assertTrue(line.startsWith("pf-table: pfctl -t bruteforce -T show line 2: "), line);
        assertTrue(line.contains("192.0.2.300"), line);
        assertTrue(line.endsWith("; expected an address or ADDRESS/LEN"), line);
    }

    @Test
    void aFailingPfctlIsCountedAndItsErrorLogged()
    {
        final PfTableSource source = new PfTableSource(settings("pfctl", "nosuch", 60_000, 3600, pfctl), ring, log);
        pfctl.answer(1, "", "pfctl: Table does not exist.\n");

        assertEquals(0, source.poll());

        assertEquals(List.of(List.of("pfctl", "-t", "nosuch", "-T", "show")), pfctl.commands, "no expire after a failure");
        assertEquals(1, source.counters().failures());
        assertEquals(List.of("pf-table: pfctl -t nosuch -T show exited with status 1: pfctl: Table does not exist. " +
            "(1 failures so far)"), log.lines);
        assertEquals(0, ring.size());
    }

    @Test
    void tableNamesPfctlWouldMisreadAreRefused()
    {
        assertEquals(null, PfTableSource.checkTableName("bruteforce"));
        assertEquals(null, PfTableSource.checkTableName("ssh_abuse-v6.1"));
        assertTrue(PfTableSource.checkTableName("-T").contains("must not start with '-'"));
        assertTrue(PfTableSource.checkTableName("a b").contains("has ' ' at 2"));
        assertTrue(PfTableSource.checkTableName("x".repeat(32)).contains("1 to 31 characters"));
        assertThrows(IllegalArgumentException.class,
            () -> new PfTableSource(settings("pfctl", "", 60_000, 0, pfctl), ring, log));
    }

    @Test
    void theSourceThreadPollsEveryInterval()
    {
        final PfTableSource source = new PfTableSource(settings("pfctl", "bruteforce", 5, 0,
            command ->
            {
                final int polls = pfctl.commands.size();
                pfctl.commands.add(command);
                return new CommandResult(0, "   192.0.2." + Math.min(polls + 1, 3) + "\n", "");
            }),
            ring, log);
        source.start();
        try
        {
            loop.awaitAtLeast(3, source, log);
            Poll.until("more polls", () -> pfctl.commands.size() >= 6);
        }
        finally
        {
            source.close();
        }
        loop.drain();

        assertEquals(List.of("192.0.2.1", "192.0.2.2", "192.0.2.3"),
            loop.events.stream().map(SeenEvent::source).toList());
    }

    @Test
    void theProcessRunnerReturnsStatusOutputAndError() throws IOException
    {
        final CommandResult result = new ProcessCommandRunner(10_000)
            .run(List.of("sh", "-c", "echo '   192.0.2.1'; echo 'pfctl: warning' >&2; exit 4"));

        assertEquals(new CommandResult(4, "   192.0.2.1\n", "pfctl: warning\n"), result);
        assertEquals("pfctl: warning", result.firstErrorLine());
    }

    private List<String> summaries()
    {
        final List<String> out = new ArrayList<>();
        for (final SeenEvent event : loop.events)
        {
            out.add(event.summary());
        }
        return out;
    }

    /**
     * Answers queued in order; records each command line.
     */
    private static final class ScriptedPfctl implements CommandRunner
    {
        final List<List<String>> commands = new CopyOnWriteArrayList<>();
        private final Deque<CommandResult> answers = new ArrayDeque<>();

        ScriptedPfctl answer(final int status, final String output, final String error)
        {
            answers.add(new CommandResult(status, output, error));
            return this;
        }

        @Override
        public CommandResult run(final List<String> command) throws IOException
        {
            commands.add(command);
            final CommandResult answer = answers.poll();
            if (null == answer)
            {
                throw new IOException("unexpected command " + command);
            }
            return answer;
        }
    }

    private static PfTableSourceSettings settings(
        final String pfctl, final String table, final long pollIntervalMillis, final long expireSeconds,
        final CommandRunner runner)
    {
        return new PfTableSourceSettings().name("pf-table").pfctl(pfctl).table(table)
            .pollIntervalMillis(pollIntervalMillis).expireSeconds(expireSeconds).runner(runner);
    }
}
