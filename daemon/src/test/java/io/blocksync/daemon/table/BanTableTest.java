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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BanTableTest
{
    private static final long NOW = 1_764_000_000_000L;
    private static final long SSH = ReasonCode.of("ssh").id();
    private static final long RETENTION = 30L * 86_400_000;
    private static final long MAX_SKEW = 300_000;
    private static final long DAY = 86_400_000L;
    private static final long TEN_YEARS = 10L * 365 * DAY;

    @TempDir
    Path dir;

    private BanStore store;
    private BanTable table;
    private NodeCounters counters;
    private final List<String> heard = new ArrayList<>();

    @BeforeEach
    void open() throws Exception
    {
        store = BanStore.openForDaemon(dir.resolve("state"), 1000);
        counters = new NodeCounters(new CountersManager(
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64))));
        final BanPolicy policy = new BanPolicy(
            List.of(prefix("192.0.2.0/28"), prefix("2001:db8:ffff::1/128")), List.of("allow-list", "peer node2"),
            16, 32, 86_400, 1000);
        table = new BanTable(store, policy, counters, RETENTION, MAX_SKEW, clock()).addListener(new BanTableListener()
        {
            public void onStored(final Ban decision, final Ban replaced, final boolean local)
            {
                heard.add((local ? "local " : "") + decision.action() + " " + AddressText.format(decision.prefix()) + " " +
                    ReasonCode.nameOf(decision.reason()) + (null == replaced ? "" : " replacing " + replaced.action()));
            }

            public void onExpired(final Ban ban)
            {
                heard.add("expired " + AddressText.format(ban.prefix()));
            }
        });
    }

    @AfterEach
    void close() throws Exception
    {
        store.close();
    }

    /** A fresh clock of this node, its wall clock reading {@link #NOW}; each test passes its own now to the table. */
    private HybridLogicalClock clock()
    {
        return new HybridLogicalClock(() -> NOW, MAX_SKEW, counters.clockRefusedFutureHlc);
    }

    @Test
    void theLaterDecisionWinsWhateverOrderTheyArriveIn()
    {
        assertEquals(BanOutcome.APPLIED, remote(BanAction.UNBAN, "198.51.100.7", 2, NOW + 10, 0));
        assertEquals(BanOutcome.STALE, remote(BanAction.BAN, "198.51.100.7", 3, NOW + 5, 3600),
            "an older ban arriving after the unban cannot resurrect it");
        assertFalse(table.isBanned(prefix("198.51.100.7"), NOW));

        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.7", 3, NOW + 20, 3600));
        assertTrue(table.isBanned(prefix("198.51.100.7"), NOW));
        assertEquals(BanOutcome.DUPLICATE, remote(BanAction.BAN, "198.51.100.7", 3, NOW + 20, 3600));
        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.7", 4, NOW + 20, 3600),
            "same version, higher origin id wins");
        assertEquals(List.of(
            "UNBAN 198.51.100.7 ssh",
            "BAN 198.51.100.7 ssh replacing UNBAN",
            "BAN 198.51.100.7 ssh replacing BAN"), heard, "listeners hear each stored change once, after it is stored");
        assertEquals(1, counters.recordsDuplicate.get());
        assertEquals(1, counters.recordsStale.get());
    }

    @Test
    void guardRailsRefuseProtectedAndBroadPrefixesAndClampDurations()
    {
        assertEquals(BanOutcome.PROTECTED, remote(BanAction.BAN, "192.0.2.5", 2, NOW, 60));
        assertEquals(BanOutcome.PROTECTED, remote(BanAction.BAN, "192.0.2.0/24", 2, NOW, 60),
            "a prefix covering a protected address");
        assertEquals(BanOutcome.PROTECTED, remote(BanAction.BAN, "2001:db8:ffff::/64", 2, NOW, 60));
        assertEquals(BanOutcome.TOO_BROAD, remote(BanAction.BAN, "203.0.0.0/8", 2, NOW, 60));
        assertTrue(heard.isEmpty());
        assertEquals(3, counters.refusedProtected.get());
        assertEquals(1, counters.refusedTooBroad.get());

        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "203.0.113.0/24", 2, NOW, 10 * 86_400));
        final Ban entry = new Ban();
        assertTrue(table.get(prefix("203.0.113.0/24"), entry));
        assertEquals(10 * 86_400, entry.durationSeconds(), "the origin's duration kept as it signed it, for relaying");
        assertEquals(NOW + 86_400_000L, entry.expiresAtMillis(), "the expiry clamped to max-duration");
        assertEquals(NOW, entry.appliedAtMillis());
    }

    @Test
    void theHigherVersionWinsWhateverTheOriginTimes()
    {
        // Node 2's clock runs ten minutes fast, node 3's ten minutes slow; node 3 decided later, as its version says.
        final long unbanVersion = HybridLogicalClock.of(NOW + 600_000);
        assertEquals(BanOutcome.APPLIED, remote(BanAction.UNBAN, "198.51.100.60", 2, NOW + 240_000, unbanVersion, 0));
        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.60", 3, NOW - 600_000, unbanVersion + 1, 3600),
            "stamped fourteen minutes before the unban by its origin's clock, and still later by version");
        assertTrue(table.isBanned(prefix("198.51.100.60"), NOW));
        assertEquals(BanOutcome.STALE, remote(BanAction.UNBAN, "198.51.100.60", 2, NOW + 240_000, unbanVersion, 0),
            "the unban arriving again loses");
        assertTrue(table.isBanned(prefix("198.51.100.60"), NOW));
    }

    @Test
    void aRemoteBanLastsItsDurationFromWhenItArrives()
    {
        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.9", 2, NOW - 600_000, 300),
            "a five-minute ban from a node whose clock is ten minutes slow is not 'already expired'");
        final Ban entry = new Ban();
        assertTrue(table.get(prefix("198.51.100.9"), entry));
        assertEquals(NOW + 300_000, entry.expiresAtMillis(), "five minutes from our now");
        assertEquals(NOW - 600_000, entry.originTimeMillis(), "its origin time kept for display");
        assertEquals(0, table.expire(NOW + 299_999));
        assertTrue(table.isBanned(prefix("198.51.100.9"), NOW + 299_999));
        assertEquals(1, table.expire(NOW + 300_000));
        assertFalse(table.isBanned(prefix("198.51.100.9"), NOW + 300_000));
    }

    @Test
    void aLocalUnbanWinsOverABanStampedInTheFutureAndCarriesItsReason()
    {
        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.8", 9, NOW + 60_000, 3600));
        final Ban request = new Ban().action(BanAction.UNBAN).prefix(prefix("198.51.100.8")).originNodeId(1).originSequence(1);
        assertEquals(BanOutcome.APPLIED, table.decideLocal(request, NOW));
        assertEquals(NOW, request.originTimeMillis(), "the request receives the decision as applied, stamped by our clock");
        assertTrue(request.version() > HybridLogicalClock.of(NOW + 60_000), "versioned above the ban: " + request.version());
        assertEquals(SSH, request.reason());
        assertFalse(table.isBanned(prefix("198.51.100.8"), NOW));
        assertEquals("local UNBAN 198.51.100.8 ssh replacing BAN", heard.get(heard.size() - 1));

        final Ban tombstone = new Ban();
        assertTrue(table.get(prefix("198.51.100.8"), tombstone) && tombstone.isUnban());
        assertEquals(NOW + RETENTION, tombstone.expiresAtMillis(),
            "the tombstone carries its retention, so the store's purge at start keeps it as long as the sweep does");

        final Ban other = new Ban().action(BanAction.UNBAN).prefix(prefix("198.51.100.99")).originNodeId(1).originSequence(2);
        assertEquals(BanOutcome.NOT_BANNED, table.decideLocal(other, NOW));
    }

    @Test
    void expiryRemovesBansWhenDueAndTombstonesAfterTheirRetention()
    {
        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.10", 2, NOW, 60));
        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.11", 2, NOW, 0));
        assertEquals(BanOutcome.APPLIED, remote(BanAction.UNBAN, "198.51.100.12", 2, NOW, 0));
        heard.clear();

        assertEquals(0, table.expire(NOW + 59_999), "nothing is due before the earliest expiry: no sweep");
        assertEquals(1, table.expire(NOW + 60_000));
        assertEquals(List.of("expired 198.51.100.10"), heard);
        assertEquals(1, counters.bansExpired.get());
        assertEquals(2, table.size(), "the clamped 'permanent' ban (max-duration one day) and the tombstone stay");

        assertEquals(1, table.expire(NOW + 86_400_000L), "the one-day ban goes");
        assertEquals(1, table.expire(NOW + RETENTION), "the tombstone goes after its retention, unheard");
        assertEquals(0, table.size());
        assertEquals(List.of("expired 198.51.100.10", "expired 198.51.100.11"), heard);
    }

    @Test
    void retentionOutlivesTheLongestBan()
    {
        assertEquals(86_400_000L, BanTable.tombstoneRetentionMillis(3600));
        assertEquals(30L * 86_400_000, BanTable.tombstoneRetentionMillis(30L * 86_400));
        assertEquals(10L * 365 * 86_400_000, BanTable.tombstoneRetentionMillis(0), "permanent bans allowed: ten years");
    }

    @Test
    void aPeersRecordStampedFurtherAheadThanTheSkewIsRefusedAndCounted()
    {
        assertEquals(BanOutcome.FUTURE_TIME, remote(BanAction.BAN, "198.51.100.20", 2, NOW + TEN_YEARS, 3600),
            "a far-future ban would outlive max-duration by years");
        assertEquals(BanOutcome.FUTURE_TIME, remote(BanAction.UNBAN, "198.51.100.21", 2, NOW + TEN_YEARS, 0),
            "a far-future unban would outvote every later ban of the address");
        assertEquals(BanOutcome.FUTURE_TIME, remote(BanAction.BAN, "198.51.100.22", 2, NOW + MAX_SKEW + 1, 3600));
        assertEquals(3, counters.refusedFutureTime.get());
        assertEquals(0, table.size());
        assertTrue(heard.isEmpty());

        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.22", 2, NOW + MAX_SKEW, 3600),
            "a clock just within the skew is accepted");
        assertEquals(3, counters.refusedFutureTime.get());
        assertEquals("future time", BanOutcome.name(BanOutcome.FUTURE_TIME));
    }

    @Test
    void aPeersRecordVersionedBeyondTwiceTheSkewIsRefusedAndOneBeyondTheSkewIsTakenWithoutMovingTheClock()
    {
        final HybridLogicalClock clock = clock();
        final BanTable versioned = new BanTable(store, new BanPolicy(List.of(), List.of(), 16, 32, 86_400, 1000),
            counters, RETENTION, MAX_SKEW, clock);
        final long refusal = HybridLogicalClock.refusalLeadMillis(MAX_SKEW);
        final Ban record = new Ban().action(BanAction.UNBAN).prefix(prefix("198.51.100.23")).originNodeId(2)
            .originSequence(1).originTimeMillis(NOW).version(HybridLogicalClock.of(NOW + refusal) + 1).reason(SSH);
        assertTrue(versioned.isTooFarAhead(record, NOW));
        assertEquals(BanOutcome.FUTURE_TIME, versioned.applyRemote(record, NOW),
            "a sane origin time does not let a version near overflow through");
        assertEquals(1, counters.refusedFutureTime.get());
        assertEquals(HybridLogicalClock.of(NOW), clock.read(NOW), "the clock was not dragged along");
        assertFalse(versioned.isTooFarAhead(record, NOW + 1), "a refusal this node's clock lifts as it advances");

        assertEquals(BanOutcome.APPLIED, versioned.applyRemote(record.version(HybridLogicalClock.of(NOW + refusal)), NOW),
            "twice the skew and the margin is the limit");
        assertEquals(1, counters.clockRefusedFutureHlc.get(), "taken, but not into the clock: beyond the skew");
        assertEquals(HybridLogicalClock.of(NOW), clock.read(NOW), "a peer pushes this clock no further than the skew");

        final Ban ban = new Ban().action(BanAction.BAN).prefix(prefix("198.51.100.23")).originNodeId(1).originSequence(1)
            .durationSeconds(3600).reason(SSH);
        assertEquals(BanOutcome.APPLIED, versioned.decideLocal(ban, NOW));
        assertEquals(HybridLogicalClock.of(NOW + refusal) + 1, ban.version(),
            "a local decision still orders after the entry it replaces, by one count, so it wins at every peer");
        assertEquals(HybridLogicalClock.of(NOW) + 1, clock.tick(NOW), "without the clock moving to it");

        assertTrue(versioned.applyRemote(record.prefix(prefix("198.51.100.24")).version(HybridLogicalClock.of(NOW + MAX_SKEW)), NOW)
            == BanOutcome.APPLIED);
        assertEquals(HybridLogicalClock.of(NOW + MAX_SKEW), clock.read(NOW), "within the skew it is taken");
    }

    @Test
    void noBanExpiresLaterThanMaxDurationFromTheReceiversNow()
    {
        // Policy: max-duration one day. A record stamped ahead within the skew still expires a day from our now.
        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.30", 2, NOW + MAX_SKEW, 10 * 86_400));
        final Ban entry = new Ban();
        assertTrue(table.get(prefix("198.51.100.30"), entry));
        assertEquals(NOW + DAY, entry.expiresAtMillis());
        assertEquals(NOW + MAX_SKEW, entry.originTimeMillis(), "the record itself is kept as the origin stamped it");

        // Seeded origin times from two years back to twenty ahead, any duration: every stored ban obeys the bound.
        final java.util.Random random = new java.util.Random(20_261_130L);
        for (int i = 0; i < 2_000; i++)
        {
            final long time = NOW - 2 * 365 * DAY + (long)(random.nextDouble() * 22 * 365 * DAY);
            final long seconds = 1 + random.nextInt(Integer.MAX_VALUE);
            final String address = "2001:db8:" + Integer.toHexString(i) + "::/64";
            final int outcome = remote(BanAction.BAN, address, 2 + random.nextInt(5), time, seconds);
            if (table.get(prefix(address), entry))
            {
                assertEquals(BanOutcome.APPLIED, outcome);
                assertTrue(entry.expiresAtMillis() <= NOW + DAY, "expiry " + entry.expiresAtMillis() + " for time " + time);
                assertTrue(entry.originTimeMillis() <= NOW + MAX_SKEW);
            }
            else
            {
                assertEquals(BanOutcome.FUTURE_TIME, outcome);
            }
        }
    }

    @Test
    void aLocalBanCountsFromTheLocalNowAfterAnUnbanStampedAhead()
    {
        assertEquals(BanOutcome.APPLIED, remote(BanAction.UNBAN, "198.51.100.40", 2, NOW + 200_000, 0), "within the skew");
        final Ban ban = new Ban().action(BanAction.BAN).prefix(prefix("198.51.100.40")).originNodeId(1).originSequence(1)
            .durationSeconds(3600).reason(SSH);
        assertEquals(BanOutcome.APPLIED, table.decideLocal(ban, NOW));
        assertEquals(NOW, ban.originTimeMillis(), "stamped by our clock");
        assertTrue(ban.version() > HybridLogicalClock.of(NOW + 200_000), "versioned after the unban, so it wins everywhere");
        assertEquals(NOW + 3_600_000, ban.expiresAtMillis(), "an hour from our now, not from the stamp");
        assertTrue(table.isBanned(prefix("198.51.100.40"), NOW));
    }

    @Test
    void aBogusFutureEntryAlreadyStoredNeitherOutvotesNorStretchesALaterOperatorBan()
    {
        // Stored when this node's clock was ten years ahead (or by a version that took any time), before a restart:
        // stamped and versioned far ahead.
        final Ban bogus = new Ban().action(BanAction.UNBAN).prefix(prefix("198.51.100.50")).originNodeId(2).originSequence(1)
            .originTimeMillis(NOW + TEN_YEARS).version(HybridLogicalClock.of(NOW + TEN_YEARS)).reason(SSH)
            .expiresAtMillis(NOW + TEN_YEARS + RETENTION);
        store.put(bogus);

        final Ban ban = new Ban().action(BanAction.BAN).prefix(prefix("198.51.100.50")).originNodeId(1).originSequence(1)
            .durationSeconds(3600).reason(SSH);
        assertEquals(BanOutcome.APPLIED, table.decideLocal(ban, NOW), "the operator's ban is not outvoted");
        assertEquals(NOW, ban.originTimeMillis());
        assertTrue(ban.version() < HybridLogicalClock.of(NOW + 1), "its version is not pushed ten years ahead: " + ban.version());
        assertEquals(0, counters.clockRefusedFutureHlc.get(), "the entry was never taken into the clock");
        assertEquals(NOW + 3_600_000, ban.expiresAtMillis(), "it lasts its hour, not ten years");
        assertTrue(table.isBanned(prefix("198.51.100.50"), NOW));
        assertEquals(1, table.expire(NOW + 3_600_000));
        assertFalse(table.isBanned(prefix("198.51.100.50"), NOW + 3_600_000));

        // A peer's copy of the bogus unban arriving now is refused: it cannot lift the ban either.
        assertEquals(BanOutcome.APPLIED, table.decideLocal(ban.originSequence(2), NOW + 3_700_000));
        assertEquals(BanOutcome.FUTURE_TIME, table.applyRemote(bogus, NOW + 3_700_000));
        assertTrue(table.isBanned(prefix("198.51.100.50"), NOW + 3_700_000));
    }

    @Test
    void aPeerFillingItsQuotaIsRefusedAndCountedWhileAnotherOriginsBansStillApply() throws Exception
    {
        try (BanStore tiny = BanStore.openForDaemon(dir.resolve("tiny"), 10))
        {
            final OriginQuota quota = new OriginQuota(10, 50, 1, new int[] {2, 3});
            final BanTable small = tinyTable(tiny).limitOrigins(quota);
            assertEquals(5, quota.perOriginLimit());
            for (int i = 0; i < 5; i++)
            {
                assertEquals(BanOutcome.APPLIED, remoteTo(small, BanAction.BAN, "198.51.100." + i, 2, NOW, i == 0 ? 60 : 3600));
            }
            assertEquals(BanOutcome.ORIGIN_QUOTA, remoteTo(small, BanAction.BAN, "198.51.100.5", 2, NOW, 3600),
                "node 2 holds its quota: a sixth entry is refused");
            assertFalse(small.isBanned(prefix("198.51.100.5"), NOW));
            assertEquals(1, counters.refusedOriginQuota.get());
            assertEquals(BanOutcome.APPLIED, remoteTo(small, BanAction.UNBAN, "198.51.100.4", 2, NOW + 1, 0),
                "an origin at its quota may still change what it holds: no new slot");

            assertEquals(BanOutcome.APPLIED, remoteTo(small, BanAction.BAN, "203.0.113.1", 3, NOW, 3600),
                "another origin's bans still apply");
            assertTrue(small.isBanned(prefix("203.0.113.1"), NOW));
            assertEquals(BanOutcome.ORIGIN_QUOTA, remoteTo(small, BanAction.BAN, "203.0.113.2", 9, NOW, 3600),
                "an origin not configured has no room at all");
            assertEquals(2, counters.refusedOriginQuota.get());

            assertEquals(BanOutcome.APPLIED, remoteTo(small, BanAction.BAN, "198.51.100.3", 3, NOW + 1, 3600),
                "node 3 supersedes one of node 2's entries: the slot moves to node 3");
            assertEquals(4, quota.held(2));
            assertEquals(2, quota.held(3));
            assertEquals(BanOutcome.APPLIED, remoteTo(small, BanAction.BAN, "198.51.100.5", 2, NOW, 3600));
            assertEquals(BanOutcome.ORIGIN_QUOTA, remoteTo(small, BanAction.BAN, "198.51.100.6", 2, NOW, 3600));

            assertEquals(1, small.expire(NOW + 60_000), "node 2's one-minute ban expires");
            assertEquals(4, quota.held(2), "expiry gives the origin its slot back");
            assertEquals(BanOutcome.APPLIED, remoteTo(small, BanAction.BAN, "198.51.100.6", 2, NOW, 3600));

            final OriginQuota rebuilt = new OriginQuota(10, 50, 1, new int[] {2, 3});
            tinyTable(tiny).limitOrigins(rebuilt);
            assertEquals(5, rebuilt.held(2), "a table opened on the store counts each origin's entries by one scan");
            assertEquals(2, rebuilt.held(3));
        }
    }

    @Test
    void withTheStoreFullOfPeersBansALocalBanStillApplies() throws Exception
    {
        try (BanStore tiny = BanStore.openForDaemon(dir.resolve("tiny"), 10))
        {
            final OriginQuota quota = new OriginQuota(10, 50, 1, new int[] {2, 3});
            final BanTable small = tinyTable(tiny).limitOrigins(quota);
            assertEquals(9, quota.remoteLimit());
            for (int i = 0; i < 5; i++)
            {
                assertEquals(BanOutcome.APPLIED, remoteTo(small, BanAction.BAN, "198.51.100." + i, 2, NOW, 3600));
            }
            for (int i = 0; i < 4; i++)
            {
                assertEquals(BanOutcome.APPLIED, remoteTo(small, BanAction.BAN, "203.0.113." + i, 3, NOW, i == 0 ? 60 : 3600));
            }
            assertFalse(small.hasRemoteRoom(1));
            assertEquals(BanOutcome.STORE_FULL, remoteTo(small, BanAction.BAN, "203.0.113.9", 3, NOW, 3600),
                "peers may not take the room kept for this node's own decisions");
            assertEquals(1, counters.refusedStoreFull.get());

            final Ban request = new Ban().action(BanAction.BAN).prefix(prefix("198.51.100.200")).originNodeId(1)
                .originSequence(1).durationSeconds(3600).reason(SSH);
            assertEquals(BanOutcome.APPLIED, small.decideLocal(request, NOW), "the operator's ban still applies");
            assertTrue(small.isBanned(prefix("198.51.100.200"), NOW));
            assertEquals(10, small.size());
            assertEquals(1, quota.held(1));

            small.expire(NOW + 60_000);
            assertFalse(small.hasRemoteRoom(1), "the local ban holds reserved room; nine peer entries are the most");
            small.decideLocal(new Ban().action(BanAction.UNBAN).prefix(prefix("198.51.100.200")).originNodeId(1)
                .originSequence(2), NOW + 60_000);
            assertEquals(9, small.size());
        }
    }

    private BanTable tinyTable(final BanStore tiny)
    {
        final BanPolicy policy = new BanPolicy(List.of(), List.of(), 16, 32, 86_400, 1000);
        return new BanTable(tiny, policy, counters, RETENTION, MAX_SKEW, clock());
    }

    /** A peer's record whose origin's clock was its wall clock: version = origin time with counter 0. */
    private static int remoteTo(
        final BanTable target, final BanAction action, final String text, final int origin, final long time, final long seconds)
    {
        final Ban record = new Ban().action(action).prefix(prefix(text)).originNodeId(origin).originSequence(1)
            .originTimeMillis(time).version(HybridLogicalClock.of(time)).durationSeconds(seconds).reason(SSH);
        return target.applyRemote(record, NOW);
    }

    private int remote(final BanAction action, final String text, final int origin, final long time, final long seconds)
    {
        return remoteTo(table, action, text, origin, time, seconds);
    }

    private int remote(
        final BanAction action, final String text, final int origin, final long time, final long version, final long seconds)
    {
        final Ban record = new Ban().action(action).prefix(prefix(text)).originNodeId(origin).originSequence(1)
            .originTimeMillis(time).version(version).durationSeconds(seconds).reason(SSH);
        return table.applyRemote(record, NOW);
    }

    private static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 64);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        return prefix;
    }
}
