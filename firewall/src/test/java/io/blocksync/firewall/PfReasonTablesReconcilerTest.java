package io.blocksync.firewall;

import io.blocksync.codec.ReasonCode;
import io.blocksync.nativeio.CommandResult;
import io.blocksync.nativeio.CommandRunner;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * pf through the reconciler against a pfctl that keeps real table contents, stepped on
 * a manual clock: reason tables, two reasons on one address, unbans in every order, strays, and which addresses get
 * their states killed ({@code -k}).
 */
class PfReasonTablesReconcilerTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long AA = ReasonCode.of("aa").id();
    private static final long BB = ReasonCode.of("bb").id();
    private static final long SSH = ReasonCode.of("ssh").id();
    private static final long HTTP = ReasonCode.of("http").id();

    private final FakePf pf = new FakePf();
    private final long[] now = { 1_000 * SECOND };
    private final FirewallBatcher batcher = new FirewallBatcher(
        new PfBackend(new PfBackend.Settings().reasonTable("ssh", "brutessh").reasonTable("http", "bruteweb"), pf),
        new BatcherSettings().jitterPercent(0), () -> now[0]);

    @Test
    void twoReasonsInOneTableUnbanLongFirstThenTheShortOneEnds()
    {
        start();
        offer(ADD, "198.51.100.7", AA, 40);
        offer(ADD, "198.51.100.7", BB, 3_600);
        step(1);
        assertEquals("{blocksync=[198.51.100.7]}", pf.tables.toString());
        assertEquals(List.of("198.51.100.7"), pf.kills, "one kill for one new address");

        offer(REMOVE, "198.51.100.7", BB, 0);
        step(1);
        assertEquals("{blocksync=[198.51.100.7]}", pf.tables.toString(), "reason aa still bans it");
        step(45);
        assertEquals("{blocksync=[]}", pf.tables.toString(), "gone when aa ends");
        step(120);
        assertEquals("{blocksync=[]}", pf.tables.toString(), "never written back");
        assertEquals(List.of("198.51.100.7"), pf.kills);
    }

    @Test
    void twoReasonsInOneTableTheShortOneEndsThenTheLongOneIsLifted()
    {
        start();
        offer(ADD, "198.51.100.7", AA, 40);
        offer(ADD, "198.51.100.7", BB, 3_600);
        step(45);
        assertEquals("{blocksync=[198.51.100.7]}", pf.tables.toString());
        offer(REMOVE, "198.51.100.7", BB, 0);
        step(1);
        assertEquals("{blocksync=[]}", pf.tables.toString());
        step(120);
        assertEquals("{blocksync=[]}", pf.tables.toString());
        assertEquals(List.of("198.51.100.7"), pf.kills);
    }

    @Test
    void aLongerBanOfAnAddressAlreadyInTheTableKillsNoStatesAgain()
    {
        start();
        offer(ADD, "198.51.100.7", SSH, 60);
        step(1);
        offer(ADD, "198.51.100.7", SSH, 3_600);
        step(1);
        step(120);
        assertEquals("{brutessh=[198.51.100.7]}", pf.tables.toString(), "still banned after the first 60 s");
        assertEquals(List.of("198.51.100.7"), pf.kills);
    }

    @Test
    void oneAddressBannedForTwoReasonsWithTwoTablesIsInBothAndItsStatesAreKilledOnce()
    {
        start();
        offer(ADD, "198.51.100.7", SSH, 3_600);
        offer(ADD, "198.51.100.7", HTTP, 3_600);
        step(1);
        assertEquals("{bruteweb=[198.51.100.7], brutessh=[198.51.100.7]}", pf.tables.toString());
        offer(REMOVE, "198.51.100.7", SSH, 0);
        step(1);
        assertEquals("{bruteweb=[198.51.100.7], brutessh=[]}", pf.tables.toString());
        assertEquals(List.of("198.51.100.7"), pf.kills, "states of one new address are killed once per batch");
    }

    @Test
    void anEntryAddedByHandToAManagedTableIsRemovedWithoutAKill()
    {
        start();
        offer(ADD, "198.51.100.7", SSH, 3_600);
        step(1);
        pf.tables.get("brutessh").add("203.0.113.50");
        step(70);
        assertEquals("{brutessh=[198.51.100.7]}", pf.tables.toString());
        assertEquals(List.of("198.51.100.7"), pf.kills);
    }

    @Test
    void aTableFlushedByHandIsRefilledAndItsAddressesKilledAgain()
    {
        start();
        offer(ADD, "198.51.100.7", SSH, 3_600);
        offer(ADD, "198.51.100.0/24", HTTP, 3_600);
        step(1);
        pf.tables.get("brutessh").clear();
        step(70);
        assertEquals("{bruteweb=[198.51.100.0/24], brutessh=[198.51.100.7]}", pf.tables.toString());
        assertEquals(List.of("198.51.100.0/24", "198.51.100.7", "198.51.100.7").stream().sorted().toList(),
            pf.kills.stream().sorted().toList());
    }

    private void start()
    {
        batcher.open(List.of());
        batcher.doWork(now[0]);
        pf.kills.clear();
    }

    private void offer(final FirewallChange.Op op, final String prefix, final long reason, final long seconds)
    {
        batcher.offer(op, Bans.ban(prefix, reason), seconds);
    }

    /** Advance the clock a second at a time, working each second, completions drained. */
    private void step(final int seconds)
    {
        for (int i = 0; i < seconds; i++)
        {
            now[0] += SECOND;
            for (int j = 0; j < 5; j++)
            {
                batcher.doWork(now[0]);
            }
            batcher.pollCompletions((change) -> { });
        }
    }

    /** pfctl with tables held in memory: -s info, -t T -T add|delete|replace|show|flush, -k ADDR. */
    static final class FakePf implements CommandRunner
    {
        final TreeMap<String, TreeSet<String>> tables = new TreeMap<>((a, b) -> b.compareTo(a));
        final List<String> kills = new ArrayList<>();
        final List<String> argv = new ArrayList<>();

        @Override
        public CommandResult run(final List<String> argv)
        {
            return run(argv, new byte[0]);
        }

        @Override
        public CommandResult run(final List<String> command, final byte[] stdin)
        {
            argv.add(String.join(" ", command));
            if (command.contains("-k"))
            {
                kills.add(command.get(command.indexOf("-k") + 1));
                return new CommandResult(0, "", "");
            }
            if (!command.contains("-t"))
            {
                return new CommandResult(0, "", "");
            }
            final String table = command.get(command.indexOf("-t") + 1);
            final String verb = command.get(command.indexOf("-T") + 1);
            final List<String> lines = new String(stdin, StandardCharsets.US_ASCII).lines().toList();
            switch (verb)
            {
                case "show":
                {
                    final TreeSet<String> entries = tables.get(table);
                    if (null == entries)
                    {
                        return new CommandResult(1, "", "pfctl: Table does not exist.\n");
                    }
                    final StringBuilder out = new StringBuilder();
                    entries.forEach((entry) -> out.append("   ").append(entry).append('\n'));
                    return new CommandResult(0, out.toString(), "");
                }
                case "add":
                    tables.computeIfAbsent(table, (t) -> new TreeSet<>()).addAll(lines);
                    break;
                case "delete":
                    if (tables.containsKey(table))
                    {
                        lines.forEach(tables.get(table)::remove);
                    }
                    break;
                case "replace":
                    tables.put(table, new TreeSet<>(lines));
                    break;
                case "flush":
                    if (tables.containsKey(table))
                    {
                        tables.get(table).clear();
                    }
                    break;
                default:
                    return new CommandResult(1, "", "pfctl: unknown command " + verb + "\n");
            }
            return new CommandResult(0, "", "");
        }
    }

    @SuppressWarnings("unused")
    private static Map<String, TreeSet<String>> unused()
    {
        return null;
    }
}
