package io.blocksync.daemon.node;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanRecordFlyweight;
import io.blocksync.firewall.Firewall;
import io.blocksync.firewall.FirewallListener;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.store.BanEntry;
import io.blocksync.daemon.store.BanStore;
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

class BanLedgerTest
{
    private static final long NOW = 1_764_000_000_000L;
    private static final long SSH = ReasonCode.of("ssh").packed();

    @TempDir
    Path dir;

    private BanStore store;
    private BanLedger ledger;
    private final List<String> firewall = new ArrayList<>();
    private final UnsafeBuffer recordBuffer = new UnsafeBuffer(new byte[BanRecordFlyweight.LENGTH]);
    private final BanRecordFlyweight record = new BanRecordFlyweight();

    @BeforeEach
    void open() throws Exception
    {
        store = BanStore.openForDaemon(dir.resolve("state"), 1000);
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(new byte[256 * CountersReader.METADATA_LENGTH]), new UnsafeBuffer(new byte[256 * CountersReader.COUNTER_LENGTH]));
        final BanPolicy policy = new BanPolicy(
            List.of(prefix("192.0.2.0/28"), prefix("2001:db8:ffff::1/128")), List.of("allow-list", "peer node2"),
            16, 32, 86_400, 1000);
        ledger = new BanLedger(store, policy, new Firewall()
        {
            public boolean ban(final Ban ban)
            {
                return firewall.add("add " + AddressText.format(ban.prefix()) + " " + ReasonCode.unpack(ban.reason()));
            }

            public boolean unban(final Ban ban)
            {
                return firewall.add("remove " + AddressText.format(ban.prefix()) + " " + ReasonCode.unpack(ban.reason()));
            }

            public int poll(final FirewallListener listener)
            {
                return 0;
            }

            public void close()
            {
            }
        }, new NodeCounters(counters), 30L * 86_400_000);
    }

    @AfterEach
    void close() throws Exception
    {
        store.close();
    }

    @Test
    void theLaterDecisionWinsWhateverOrderTheyArriveIn()
    {
        assertEquals(BanLedger.APPLIED, remote(BanRecordFlyweight.ACTION_UNBAN, "198.51.100.7", 2, NOW + 10, 0));
        assertEquals(BanLedger.STALE, remote(BanRecordFlyweight.ACTION_BAN, "198.51.100.7", 3, NOW + 5, 3600),
            "an older ban arriving after the unban cannot resurrect it");
        assertFalse(isBanned("198.51.100.7"));

        assertEquals(BanLedger.APPLIED, remote(BanRecordFlyweight.ACTION_BAN, "198.51.100.7", 3, NOW + 20, 3600));
        assertTrue(isBanned("198.51.100.7"));
        assertEquals(BanLedger.DUPLICATE, remote(BanRecordFlyweight.ACTION_BAN, "198.51.100.7", 3, NOW + 20, 3600));
        assertEquals(BanLedger.APPLIED, remote(BanRecordFlyweight.ACTION_BAN, "198.51.100.7", 4, NOW + 20, 3600),
            "same time, higher origin id wins");
        assertEquals(List.of("add 198.51.100.7 ssh", "add 198.51.100.7 ssh"), firewall);
    }

    @Test
    void guardRailsRefuseProtectedAndBroadPrefixesAndClampDurations()
    {
        assertEquals(BanLedger.PROTECTED, remote(BanRecordFlyweight.ACTION_BAN, "192.0.2.5", 2, NOW, 60));
        assertEquals(BanLedger.PROTECTED, remote(BanRecordFlyweight.ACTION_BAN, "192.0.2.0/24", 2, NOW, 60),
            "a prefix covering a protected address");
        assertEquals(BanLedger.PROTECTED, remote(BanRecordFlyweight.ACTION_BAN, "2001:db8:ffff::/64", 2, NOW, 60));
        assertEquals(BanLedger.TOO_BROAD, remote(BanRecordFlyweight.ACTION_BAN, "203.0.0.0/8", 2, NOW, 60));
        assertTrue(firewall.isEmpty());

        assertEquals(BanLedger.APPLIED, remote(BanRecordFlyweight.ACTION_BAN, "203.0.113.0/24", 2, NOW, 10 * 86_400));
        final BanEntry entry = new BanEntry();
        assertTrue(store.get(prefix("203.0.113.0/24"), entry));
        assertEquals(86_400, entry.durationSeconds(), "clamped to max-duration");
        assertEquals(NOW + 86_400_000L, entry.expiresAtMillis());
    }

    @Test
    void expiredBansAreDroppedOnArrival()
    {
        assertEquals(BanLedger.EXPIRED, remote(BanRecordFlyweight.ACTION_BAN, "198.51.100.9", 2, NOW - 120_000, 60));
        assertFalse(isBanned("198.51.100.9"));
    }

    @Test
    void aLocalUnbanWinsOverABanStampedInTheFutureAndCarriesItsReason()
    {
        assertEquals(BanLedger.APPLIED, remote(BanRecordFlyweight.ACTION_BAN, "198.51.100.8", 9, NOW + 60_000, 3600));
        final BanEntry decided = new BanEntry();
        assertEquals(BanLedger.APPLIED, ledger.decideLocal(
            BanRecordFlyweight.ACTION_UNBAN, prefix("198.51.100.8"), 0, 0, 0, 0, 1, 1, NOW, decided));
        assertEquals(NOW + 60_001, decided.originTimeMillis());
        assertEquals(SSH, decided.reason());
        assertFalse(isBanned("198.51.100.8"));
        assertEquals("remove 198.51.100.8 ssh", firewall.get(firewall.size() - 1));

        final BanEntry tombstone = new BanEntry();
        assertTrue(store.get(prefix("198.51.100.8"), tombstone) && tombstone.isUnban());
        assertEquals(NOW + 60_001 + 30L * 86_400_000, tombstone.expiresAtMillis(),
            "the tombstone carries its retention, so the store's purge at start keeps it as long as the sweeper does");
        assertFalse(tombstone.isPurgeable(NOW + 2L * 86_400_000), "not purged after a day");

        assertEquals(BanLedger.NOT_BANNED, ledger.decideLocal(
            BanRecordFlyweight.ACTION_UNBAN, prefix("198.51.100.99"), 0, 0, 0, 0, 1, 2, NOW, decided));
    }

    private int remote(final int action, final String text, final int origin, final long time, final long seconds)
    {
        recordBuffer.setMemory(0, BanRecordFlyweight.LENGTH, (byte)0);
        record.wrap(recordBuffer, 0).action(action).prefix(prefix(text)).originNodeId(origin).originSequence(1)
            .originTimeMillis(time).durationSeconds(seconds).reason(ReasonCode.of("ssh"));
        return ledger.applyRemote(record, new IpPrefix(), NOW);
    }

    private boolean isBanned(final String text)
    {
        final BanEntry entry = new BanEntry();
        return store.get(prefix(text), entry) && BanLedger.isActiveBan(entry, NOW);
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
