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
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.api.Pair.of;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * The ban table's merge rules for peers' records, whatever arrives: several origins, overlapping and equal prefixes,
 * BANs and UNBANs, origin times from weeks ago to the edge of the clock skew and beyond it, versions (hybrid logical
 * clock values) unrelated to those times, from weeks behind to the refusal bound (twice the skew and a second) and
 * beyond it. The final table does not depend on the order of arrival (commutative), a second delivery changes nothing (idempotent), each prefix holds
 * the highest decision by (version, origin id) among those the table accepts on their own, and every ban lasts its
 * duration from when this node takes it, never beyond its now plus {@code max-duration}; a local decision always wins,
 * with a version above the entry it replaces.
 * <p>
 * The generators name the edges that matter here (a time exactly at the skew limit, a version exactly at the refusal
 * bound, equal versions from different origins, durations 0 and 2^32 - 1).
 * Coverage is counted during a run and asserted after it, so a generator that stops reaching full tables fails.
 * <p>
 * Seeded with {@link #SEED}; a failure prints the seed and the shrunk sample, and rerunning replays it. To explore
 * other samples see {@link PropertyRuns}. Examples are kept modest: every one writes Chronicle Map stores.
 */
class BanTableProperties
{
    private static final long SEED = 20250914L;
    private static final int EXAMPLES = 200;
    private static final long NOW = 1_764_000_000_000L;
    private static final long MAX_SKEW = 300_000;
    /** How far ahead a peer's version may be: twice the skew and the margin. */
    private static final long REFUSAL = HybridLogicalClock.refusalLeadMillis(MAX_SKEW);
    private static final long DAY = 86_400_000L;
    private static final long TEN_YEARS = 10L * 365 * DAY;
    private static final int LOCAL_NODE_ID = 1;
    private static final int MAX_RECORDS = 40;
    private static final IpPrefix PROTECTED = prefix("192.0.2.0/28");

    private static Path dir;
    private static BanStore first;
    private static BanStore second;
    private static BanStore alone;
    private static NodeCounters counters;

    @BeforeAll
    static void openStores() throws IOException
    {
        dir = Files.createTempDirectory("ban-table-properties");
        first = BanStore.openForDaemon(dir.resolve("first"), 4 * MAX_RECORDS);
        second = BanStore.openForDaemon(dir.resolve("second"), 4 * MAX_RECORDS);
        alone = BanStore.openForDaemon(dir.resolve("alone"), 4 * MAX_RECORDS);
        counters = new NodeCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64))));
    }

    @AfterAll
    static void closeStores() throws IOException
    {
        for (final BanStore store : new BanStore[]{ first, second, alone })
        {
            if (null != store)
            {
                store.close();
            }
        }
        if (null != dir)
        {
            try (Stream<Path> paths = Files.walk(dir))
            {
                for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.delete(path);
                }
            }
        }
    }

    @Test
    void theOrderOfArrivalDoesNotMatter()
    {
        final int[] tablesWithFiveOrMore = new int[2];
        PropertyRuns.qt(SEED, EXAMPLES).forAll(recordsInTwoOrders(), maxDurations())
            .checkAssert((records, maxDurationSeconds) ->
            {
                applyAll(table(first, maxDurationSeconds), records.inOrder());
                applyAll(table(second, maxDurationSeconds), records.shuffled());

                assertEquals(snapshot(first), snapshot(second));
                tablesWithFiveOrMore[first.size() >= 5 ? 0 : 1]++;
            });

        assertTrue(tablesWithFiveOrMore[0] * 100 > 30 * (tablesWithFiveOrMore[0] + tablesWithFiveOrMore[1]),
            () -> "tables with 5+ entries, fewer: " + Arrays.toString(tablesWithFiveOrMore));
    }

    @Test
    void aSecondDeliveryChangesNothing()
    {
        PropertyRuns.qt(SEED, EXAMPLES).forAll(recordsInTwoOrders(), maxDurations())
            .checkAssert((records, maxDurationSeconds) ->
            {
                final List<String> stored = new ArrayList<>();
                final BanTable table = table(first, maxDurationSeconds).addListener(new BanTableListener()
                {
                    public void onStored(final Ban decision, final Ban replaced, final boolean local)
                    {
                        stored.add(decision.toString());
                    }

                    public void onExpired(final Ban ban)
                    {
                        stored.add("expired " + ban);
                    }
                });
                applyAll(table, records.inOrder());
                final Map<String, String> once = snapshot(first);
                stored.clear();

                for (final Ban record : records.shuffled())
                {
                    assertNotEquals(BanOutcome.APPLIED, table.applyRemote(new Ban().set(record), NOW), record::toString);
                }
                assertEquals(List.of(), stored, "listeners hear of no change");
                assertEquals(once, snapshot(first));
            });
    }

    @Test
    void eachPrefixHoldsTheLatestAcceptableDecision()
    {
        final int[] runsHoldingEightOrMore = new int[2];
        PropertyRuns.qt(SEED, EXAMPLES).forAll(recordsInTwoOrders(), maxDurations())
            .checkAssert((records, maxDurationSeconds) ->
            {
                final List<Ban> decisions = records.inOrder();
                final Map<IpPrefix, Ban> latest = new LinkedHashMap<>();
                for (final Ban record : decisions)
                {
                    if (acceptedOnItsOwn(record, maxDurationSeconds))
                    {
                        latest.merge(record.prefix(), record, (held, other) -> isLater(other, held) ? other : held);
                    }
                }
                applyAll(table(first, maxDurationSeconds), records.shuffled());

                final Ban entry = new Ban();
                for (final Ban record : decisions)
                {
                    final Ban winner = latest.get(record.prefix());
                    if (null == winner)
                    {
                        assertFalse(first.get(record.prefix(), entry),
                            () -> "nothing acceptable for " + record.prefix() + ": " + entry);
                        continue;
                    }
                    assertTrue(first.get(record.prefix(), entry), () -> "nothing held for " + record.prefix());
                    assertEquals(List.of(winner.action(), winner.originNodeId(), winner.originSequence(), winner.version()),
                        List.of(entry.action(), entry.originNodeId(), entry.originSequence(), entry.version()),
                        () -> "held " + entry + ", latest " + winner);
                }
                assertEquals(latest.size(), first.size(), "one entry per prefix with an acceptable decision, no other");
                runsHoldingEightOrMore[latest.size() >= 8 ? 0 : 1]++;
            });

        assertTrue(runsHoldingEightOrMore[0] * 100 > 20 * (runsHoldingEightOrMore[0] + runsHoldingEightOrMore[1]),
            () -> "runs holding 8+ prefixes, fewer: " + Arrays.toString(runsHoldingEightOrMore));
    }

    /**
     * Every entry is bounded by this node's clock: a BAN ends exactly its (clamped) duration after now, whatever its
     * origin time, and no later than now + max-duration; nothing is stamped beyond the skew or versioned beyond the
     * refusal bound; a tombstone lasts its retention from now. Then local decisions on the same prefixes win, with a
     * version above the entry they replace, and expire their duration after the local now, however far ahead the
     * entry they replace was versioned (at least 20 such replacements over the run).
     */
    @Test
    void everyExpiryIsBoundedByThisNodesNowAndMaxDuration()
    {
        final int[] localBansOverEntriesStampedAhead = new int[1];
        PropertyRuns.qt(SEED, EXAMPLES).forAll(recordsInTwoOrders(), maxDurations(), localRequests())
            .checkAssert((records, maxDurationSeconds, localRequests) ->
            {
                final BanTable table = table(first, maxDurationSeconds);
                applyAll(table, records.shuffled());
                assertBoundedByNow(maxDurationSeconds);

                long sequence = 0;
                final Ban entry = new Ban();
                for (final Ban request : localRequests)
                {
                    final boolean wasBanned = table.isBanned(request.prefix(), NOW);
                    final boolean held = first.get(request.prefix(), entry);
                    final long heldVersion = held ? entry.version() : -1;
                    final Ban decision = new Ban().set(request).originSequence(++sequence);
                    final int outcome = table.decideLocal(decision, NOW);
                    if (request.isUnban())
                    {
                        assertEquals(wasBanned ? BanOutcome.APPLIED : BanOutcome.NOT_BANNED, outcome, request::toString);
                        assertFalse(table.isBanned(request.prefix(), NOW));
                        continue;
                    }
                    final int verdict = policy(maxDurationSeconds).checkPrefix(request.prefix());
                    if (verdict != BanPolicy.ACCEPT)
                    {
                        assertEquals(verdict == BanPolicy.PROTECTED ? BanOutcome.PROTECTED : BanOutcome.TOO_BROAD, outcome);
                        continue;
                    }
                    assertEquals(BanOutcome.APPLIED, outcome, () -> "a local ban always wins: " + request);
                    assertTrue(first.get(request.prefix(), entry));
                    final long seconds = request.durationSeconds() == 0 ? maxDurationSeconds :
                        Math.min(request.durationSeconds(), maxDurationSeconds);
                    assertEquals(NOW + seconds * 1000, entry.expiresAtMillis(), () -> "counted from now: " + entry);
                    assertTrue(entry.version() > heldVersion, () -> "versioned above " + heldVersion + ": " + entry);
                    assertEquals(NOW, entry.originTimeMillis(), "stamped with this node's own clock");
                    if (heldVersion > HybridLogicalClock.of(NOW))
                    {
                        localBansOverEntriesStampedAhead[0]++;
                    }
                }
            });

        assertTrue(localBansOverEntriesStampedAhead[0] >= 20, () -> "local bans over entries stamped ahead: " +
            localBansOverEntriesStampedAhead[0]);
    }

    /** Every entry of {@code first} as remote records left it: bounded by now, the skew and max-duration. */
    private static void assertBoundedByNow(final long maxDurationSeconds)
    {
        first.forEach(entry ->
        {
            assertTrue(entry.originTimeMillis() <= NOW + MAX_SKEW, entry::toString);
            assertTrue(entry.version() >= 0 && entry.version() <= HybridLogicalClock.of(NOW + REFUSAL), entry::toString);
            if (entry.isBan())
            {
                final long seconds = entry.durationSeconds() == 0 ? maxDurationSeconds :
                    Math.min(entry.durationSeconds(), maxDurationSeconds);
                assertEquals(NOW + seconds * 1000, entry.expiresAtMillis(), () -> "its duration from now: " + entry);
                assertEquals(BanPolicy.ACCEPT, policy(maxDurationSeconds).checkPrefix(entry.prefix()), entry::toString);
            }
            else
            {
                assertEquals(NOW + BanTable.tombstoneRetentionMillis(maxDurationSeconds), entry.expiresAtMillis(),
                    entry::toString);
            }
        });
    }

    /** The same distinct decisions in the order generated and in another. */
    record Deliveries(List<Ban> inOrder, List<Ban> shuffled)
    {
    }

    private static Gen<Long> maxDurations()
    {
        return Generate.pick(List.of(60L, 3_600L, 86_400L, 30 * 86_400L));
    }

    /**
     * Distinct decisions (no two share prefix, version and origin), 1 to {@link #MAX_RECORDS} drawn (uniform
     * size), in the order generated and shuffled by a Fisher-Yates draw (which shrinks toward the same order).
     */
    private static Gen<Deliveries> recordsInTwoOrders()
    {
        final Gen<List<Ban>> records = lists().of(remoteRecords()).ofSizes(Generate.range(1, MAX_RECORDS))
            .map(BanTableProperties::distinct);
        return in ->
        {
            final List<Ban> inOrder = records.generate(in);
            final List<Ban> shuffled = new ArrayList<>(inOrder);
            for (int i = shuffled.size() - 1; i > 0; i--)
            {
                Collections.swap(shuffled, i, i - Generate.range(0, i).generate(in));
            }
            return new Deliveries(inOrder, shuffled);
        };
    }

    private static Gen<List<Ban>> localRequests()
    {
        final Gen<BanAction> actions = Generate.pick(List.of(BanAction.BAN, BanAction.BAN, BanAction.UNBAN));
        final Gen<Ban> requests = actions.zip(prefixes(), durations(), (action, prefix, seconds) -> new Ban()
            .action(action).prefix(prefix).originNodeId(LOCAL_NODE_ID)
            .durationSeconds(action == BanAction.BAN ? seconds : 0).reason(ReasonCode.of("manual").id()));
        return lists().of(requests).ofSizeBetween(0, 8);
    }

    private static Gen<Ban> remoteRecords()
    {
        final Gen<Long> times = Generate.frequency(
            of(4, Generate.longRange(NOW - 40 * DAY, NOW + MAX_SKEW)),
            of(3, Generate.range(-5, 5).map(minutes -> NOW + minutes * 60_000L)),
            of(1, Generate.constant(NOW + MAX_SKEW)),
            of(1, Generate.longRange(NOW + MAX_SKEW + 1, NOW + TEN_YEARS)));
        final Gen<BanAction> actions = Generate.pick(List.of(BanAction.BAN, BanAction.BAN, BanAction.UNBAN));
        final Gen<IpPrefix> prefixes = prefixes();
        final Gen<Integer> origins = Generate.range(LOCAL_NODE_ID + 1, LOCAL_NODE_ID + 4);
        final Gen<Long> durations = durations();
        final Gen<Long> reasons = Generate.pick(List.of("ssh", "http", "smtp")).map(text -> ReasonCode.of(text).id());
        final Gen<Long> sequences = Generate.longRange(1, 1_000_000);
        // Versions apart from times: a peer's clock may have been pushed ahead of its wall clock by others'.
        final Gen<Long> versions = Generate.frequency(
            of(4, Generate.range(-5, 5).zip(Generate.range(0, 2),
                (minutes, counter) -> HybridLogicalClock.of(NOW + minutes * 60_000L) + counter)),
            of(3, Generate.longRange(HybridLogicalClock.of(NOW - 40 * DAY), HybridLogicalClock.of(NOW + REFUSAL))),
            of(1, Generate.constant(HybridLogicalClock.of(NOW + REFUSAL))),
            of(1, Generate.longRange(HybridLogicalClock.of(NOW + REFUSAL) + 1, HybridLogicalClock.of(NOW + TEN_YEARS))));
        return in ->
        {
            final BanAction action = actions.generate(in);
            final Ban record = new Ban().action(action).prefix(prefixes.generate(in)).originNodeId(origins.generate(in))
                .originTimeMillis(times.generate(in)).version(versions.generate(in));
            final long seconds = durations.generate(in);
            return record.durationSeconds(action == BanAction.BAN ? seconds : 0).reason(reasons.generate(in))
                .originSequence(sequences.generate(in));
        };
    }

    /**
     * Few distinct prefixes, so records meet on the same one often: nested IPv4 prefixes in 198.51.100.0/24, IPv6 in
     * 2001:db8::/48, now and then a protected address or a prefix broader than the minimum.
     */
    private static Gen<IpPrefix> prefixes()
    {
        final Gen<IpPrefix> ipv4 = Generate.range(0, 7).zip(Generate.pick(List.of(24, 29, 30, 32)),
            (host, length) -> prefix("198.51.100." + host).maskTo(length));
        final Gen<IpPrefix> ipv6 = Generate.range(0, 3).zip(Generate.pick(List.of(48, 64, 128)),
            (net, length) -> prefix("2001:db8:0:" + net + "::1").maskTo(length));
        return Generate.frequency(
            of(6, ipv4),
            of(3, ipv6),
            of(1, Generate.range(0, 3).map(host -> prefix("192.0.2." + host))),
            of(1, Generate.constant(() -> prefix("203.0.0.0/8"))));
    }

    /** Seconds: permanent, ordinary, and the largest the wire carries. */
    private static Gen<Long> durations()
    {
        return Generate.frequency(
            of(2, Generate.constant(Ban.PERMANENT)),
            of(5, Generate.longRange(1, 100 * 86_400L)),
            of(1, Generate.constant(0xFFFF_FFFFL)));
    }

    /**
     * An origin never makes two decisions for one prefix with the same time (a local decision is stamped past what
     * the table holds), so same (prefix, time, origin) is one decision: keep the first.
     */
    private static List<Ban> distinct(final List<Ban> records)
    {
        final Map<List<Object>, Ban> byKey = new LinkedHashMap<>();
        for (final Ban record : records)
        {
            byKey.putIfAbsent(List.of(AddressText.format(record.prefix()), record.prefix().family(),
                record.version(), record.originNodeId()), record);
        }
        return new ArrayList<>(byKey.values());
    }

    /** Whether an empty table takes the record: its own time, version and prefix allow it. */
    private static boolean acceptedOnItsOwn(final Ban record, final long maxDurationSeconds)
    {
        final BanTable empty = new BanTable(alone, policy(maxDurationSeconds), counters,
            BanTable.tombstoneRetentionMillis(maxDurationSeconds), MAX_SKEW, clock());
        final boolean accepted = empty.applyRemote(new Ban().set(record), NOW) == BanOutcome.APPLIED;
        alone.remove(record.prefix());
        return accepted;
    }

    /** The merge order: the higher version, on a tie the higher origin id; origin times play no part. */
    private static boolean isLater(final Ban a, final Ban b)
    {
        return a.version() != b.version() ? a.version() > b.version() : a.originNodeId() > b.originNodeId();
    }

    /** A fresh hybrid logical clock of this node, whose wall clock reads {@link #NOW}. */
    private static HybridLogicalClock clock()
    {
        return new HybridLogicalClock(() -> NOW, MAX_SKEW, counters.clockRefusedFutureHlc);
    }

    private static void applyAll(final BanTable table, final List<Ban> records)
    {
        for (final Ban record : records)
        {
            table.applyRemote(new Ban().set(record), NOW);
        }
    }

    /** A fresh table over an emptied store: this node is 1, its peers 2 to 5, no origin quota. */
    private static BanTable table(final BanStore store, final long maxDurationSeconds)
    {
        clear(store);
        return new BanTable(store, policy(maxDurationSeconds), counters,
            BanTable.tombstoneRetentionMillis(maxDurationSeconds), MAX_SKEW, clock());
    }

    private static BanPolicy policy(final long maxDurationSeconds)
    {
        return new BanPolicy(List.of(PROTECTED), List.of("allow-list"), 16, 32, maxDurationSeconds, 1000);
    }

    private static void clear(final BanStore store)
    {
        final List<IpPrefix> keys = new ArrayList<>();
        store.forEach(entry -> keys.add(new IpPrefix().set(entry.prefix())));
        keys.forEach(store::remove);
    }

    /** Every entry with its local fields, by prefix. */
    private static Map<String, String> snapshot(final BanStore store)
    {
        final Map<String, String> entries = new TreeMap<>();
        store.forEach(entry -> entries.put(AddressText.format(entry.prefix()) + " v" + entry.prefix().family(),
            entry + " applied " + entry.appliedAtMillis() + " hits " + entry.hitCount()));
        return entries;
    }

    private static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return prefix;
    }
}
