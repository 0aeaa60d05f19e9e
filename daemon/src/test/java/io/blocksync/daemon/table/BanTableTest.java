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
    private static final long SSH = ReasonCode.of("ssh").packed();
    private static final long RETENTION = 30L * 86_400_000;

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
        table = new BanTable(store, policy, counters, RETENTION).addListener(new BanTableListener()
        {
            public void onStored(final Ban decision, final Ban replaced, final boolean local)
            {
                heard.add((local ? "local " : "") + decision.action() + " " + AddressText.format(decision.prefix()) + " " +
                    ReasonCode.unpack(decision.reason()) + (null == replaced ? "" : " replacing " + replaced.action()));
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
            "same time, higher origin id wins");
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
        assertEquals(86_400, entry.durationSeconds(), "clamped to max-duration");
        assertEquals(NOW + 86_400_000L, entry.expiresAtMillis());
        assertEquals(NOW, entry.appliedAtMillis());
    }

    @Test
    void expiredBansAreDroppedOnArrival()
    {
        assertEquals(BanOutcome.EXPIRED, remote(BanAction.BAN, "198.51.100.9", 2, NOW - 120_000, 60));
        assertFalse(table.isBanned(prefix("198.51.100.9"), NOW));
    }

    @Test
    void aLocalUnbanWinsOverABanStampedInTheFutureAndCarriesItsReason()
    {
        assertEquals(BanOutcome.APPLIED, remote(BanAction.BAN, "198.51.100.8", 9, NOW + 60_000, 3600));
        final Ban request = new Ban().action(BanAction.UNBAN).prefix(prefix("198.51.100.8")).originNodeId(1).originSequence(1);
        assertEquals(BanOutcome.APPLIED, table.decideLocal(request, NOW));
        assertEquals(NOW + 60_001, request.originTimeMillis(), "the request receives the decision as applied");
        assertEquals(SSH, request.reason());
        assertFalse(table.isBanned(prefix("198.51.100.8"), NOW));
        assertEquals("local UNBAN 198.51.100.8 ssh replacing BAN", heard.get(heard.size() - 1));

        final Ban tombstone = new Ban();
        assertTrue(table.get(prefix("198.51.100.8"), tombstone) && tombstone.isUnban());
        assertEquals(NOW + 60_001 + RETENTION, tombstone.expiresAtMillis(),
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

    private int remote(final BanAction action, final String text, final int origin, final long time, final long seconds)
    {
        final Ban record = new Ban().action(action).prefix(prefix(text)).originNodeId(origin).originSequence(1)
            .originTimeMillis(time).durationSeconds(seconds).reason(SSH);
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
