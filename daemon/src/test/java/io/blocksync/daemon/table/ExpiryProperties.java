package io.blocksync.daemon.table;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.store.BanStore;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Expiry through the index ({@link ExpirySweep}, {@link ExpiryIndex}) against a model: random bans, re-bans of held
 * prefixes with longer and shorter durations, unbans (tombstones), restarts (a new table over the same store, its
 * index rebuilt by the start-up scan) and clock steps from a millisecond to two days (more than a revolution of the
 * wheel), on a manual steady clock. After every sweep the store holds exactly what the model holds: each decision until
 * the second after its end has begun (bans and tombstones alike; no sooner than its end), and listeners heard of
 * exactly the bans that expired. The
 * sweeps' stale entries are counted, and every sample must leave the index empty once everything is gone.
 * <p>
 * Seeded; see {@link PropertyRuns}.
 */
class ExpiryProperties
{
    private static final long SEED = 20260112L;
    private static final int EXAMPLES = 150;
    private static final long START = 1_764_000_000_123L;
    private static final long MAX_DURATION_SECONDS = 3600;
    private static final long RETENTION = BanTable.tombstoneRetentionMillis(MAX_DURATION_SECONDS);
    private static final int PREFIXES = 12;

    private static Path dir;
    private static BanStore store;

    @BeforeAll
    static void open() throws IOException
    {
        dir = Files.createTempDirectory("expiry-properties");
        store = BanStore.openForDaemon(dir.resolve("state"), 100);
    }

    @AfterAll
    static void close() throws IOException
    {
        store.close();
        try (java.util.stream.Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }

    /** One step: 0 ban, 1 unban, 2 advance the clock and sweep, 3 restart; a prefix index; a duration or a step. */
    record Op(int kind, int prefix, long amount)
    {
        public String toString()
        {
            return switch (kind)
            {
                case 0 -> "ban " + prefix + " for " + amount + " s";
                case 1 -> "unban " + prefix;
                case 2 -> "advance " + amount + " ms and sweep";
                default -> "restart";
            };
        }
    }

    @Test
    void afterEverySweepTheTableHoldsWhatTheModelHolds()
    {
        PropertyRuns.qt(SEED, EXAMPLES).forAll(lists().of(ops()).ofSizeBetween(1, 80)).checkAssert(ops ->
        {
            clear();
            final NodeCounters counters = counters();
            final List<String> heard = new ArrayList<>();
            final Map<String, long[]> model = new TreeMap<>();
            final List<String> expected = new ArrayList<>();
            long now = START;
            int sequence = 0;
            BanTable table = table(counters, heard);
            for (final Op op : ops)
            {
                final IpPrefix prefix = prefix(op.prefix);
                final String key = AddressText.format(prefix);
                switch (op.kind)
                {
                    case 0 ->
                    {
                        final Ban request = new Ban().action(BanAction.BAN).prefix(prefix).originNodeId(1)
                            .originSequence(++sequence).durationSeconds(op.amount).reason(ReasonCode.of("ssh").id());
                        assertEquals(BanOutcome.APPLIED, table.decideLocal(request, now), op::toString);
                        model.put(key, new long[] {1, now + op.amount * 1000});
                    }
                    case 1 ->
                    {
                        final long[] held = model.get(key);
                        final boolean active = null != held && held[0] == 1 && held[1] > now;
                        final Ban request = new Ban().action(BanAction.UNBAN).prefix(prefix).originNodeId(1)
                            .originSequence(++sequence);
                        assertEquals(active ? BanOutcome.APPLIED : BanOutcome.NOT_BANNED, table.decideLocal(request, now), op::toString);
                        if (active)
                        {
                            model.put(key, new long[] {0, now + RETENTION});
                        }
                    }
                    case 2 ->
                    {
                        now += op.amount;
                        final int work = table.expire(now);
                        assertTrue(work >= 0 && work <= ExpirySweep.MAX_ENTRIES_PER_SWEEP, "work " + work);
                        final long nowSecond = Math.floorDiv(now, 1000);
                        final java.util.Set<String> held = held();
                        final var due = model.entrySet().iterator();
                        while (due.hasNext())
                        {
                            // Gone once the second after its end has begun; may go as soon as its end has passed, when
                            // the sweep reads the prefix for an older index entry.
                            final Map.Entry<String, long[]> entry = due.next();
                            final long end = entry.getValue()[1];
                            if (ExpiryIndex.secondOf(end) <= nowSecond || (end <= now && !held.contains(entry.getKey())))
                            {
                                if (entry.getValue()[0] == 1)
                                {
                                    expected.add("expired " + entry.getKey());
                                }
                                due.remove();
                            }
                        }
                    }
                    default -> table = table(counters, heard);
                }
                final long at = now - START;
                assertEquals(model.keySet(), held(), () -> "after " + op + " at +" + at + " ms");
            }
            heard.sort(null);
            expected.sort(null);
            assertEquals(expected, heard, "the bans heard to expire");

            table.expire(now + 2 * RETENTION);
            assertEquals(0, store.size(), "everything goes in the end");
            assertEquals(0, counters.expiryFullScans.get(), "the index never overflowed");
            assertEquals(0, counters.expiryIndexEntries.get(), "no entry, stale or not, is left in the index");
        });
    }

    private static Gen<Op> ops()
    {
        final Gen<Op> ban = integers().between(0, PREFIXES - 1).zip(integers().between(1, (int)MAX_DURATION_SECONDS),
            (p, seconds) -> new Op(0, p, seconds));
        final Gen<Op> unban = integers().between(0, PREFIXES - 1).map(p -> new Op(1, p, 0));
        final Gen<Op> shortStep = integers().between(0, 3000).map(ms -> new Op(2, 0, ms));
        final Gen<Op> longStep = Generate.pick(List.of(999L, 1000L, 1001L, 60_000L, 3_600_000L, RETENTION - 1,
            RETENTION, 2 * RETENTION)).map(ms -> new Op(2, 0, ms));
        final Gen<Op> restart = Generate.constant(new Op(3, 0, 0));
        return Generate.frequency(List.of(
            org.quicktheories.api.Pair.of(6, ban), org.quicktheories.api.Pair.of(3, unban),
            org.quicktheories.api.Pair.of(5, shortStep), org.quicktheories.api.Pair.of(2, longStep),
            org.quicktheories.api.Pair.of(1, restart)));
    }

    /** A new table over the store, its index built by the start-up scan, as a node's start does. */
    private static BanTable table(final NodeCounters counters, final List<String> heard)
    {
        final BanPolicy policy = new BanPolicy(List.of(), List.of(), 8, 32, MAX_DURATION_SECONDS, 1_000_000);
        return new BanTable(store, policy, counters, RETENTION, 300_000,
            new HybridLogicalClock(() -> START, 300_000, counters.clockRefusedFutureHlc))
            .limitOrigins(new OriginQuota(100, 50, 1, new int[] {2}))
            .addListener(new BanTableListener()
            {
                public void onStored(final Ban decision, final Ban replaced, final boolean local)
                {
                }

                public void onExpired(final Ban ban)
                {
                    heard.add("expired " + AddressText.format(ban.prefix()));
                }
            });
    }

    private static java.util.Set<String> held()
    {
        final java.util.Set<String> held = new java.util.TreeSet<>();
        store.forEach(ban -> held.add(AddressText.format(ban.prefix())));
        return held;
    }

    private static void clear()
    {
        final List<IpPrefix> all = new ArrayList<>();
        store.forEach(ban -> all.add(new IpPrefix().set(ban.prefix())));
        all.forEach(store::remove);
    }

    private static NodeCounters counters()
    {
        return new NodeCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64))));
    }

    /** Half IPv4 hosts, half IPv6 /64s and /128s: both families and several lengths go through the index. */
    private static IpPrefix prefix(final int index)
    {
        final String text = switch (index % 3)
        {
            case 0 -> "198.51.100." + index + "/32";
            case 1 -> "2001:db8:" + index + "::/64";
            default -> "2001:db8::" + index + "/128";
        };
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return prefix;
    }
}
