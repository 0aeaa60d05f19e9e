package io.blocksync.daemon;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.BanAction;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.store.BanStore;
import io.blocksync.daemon.table.BanPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live bans the firewall gets at start are streamed from the store, one segment at a time: a store of any size
 * fits the launcher's 64 MiB heap (issue 12: collecting them took over 150 MB at 1,000,000 bans).
 */
class StartBansTest
{
    private static final int STORED = 50_000;
    private static final long NOW = 1_764_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void handsOutEveryLiveBanButTheEndedAndOwnAddressOnesInTheMemoryOfOneSegment() throws Exception
    {
        try (BanStore store = BanStore.openForDaemon(dir.resolve("state"), STORED))
        {
            final Ban ban = new Ban().action(BanAction.BAN).originNodeId(2).originTimeMillis(NOW).durationSeconds(3600);
            final IpPrefix prefix = new IpPrefix();
            final byte[] address = { 0x20, 0x01, 0x0d, (byte)0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
            for (int n = 0; n < STORED; n++)
            {
                address[4] = (byte)(n >>> 8);
                address[5] = (byte)n;
                // Every tenth has ended: the firewall must not get it.
                store.put(ban.prefix(prefix.set(AddressFamily.IPV6, address, 64)).originSequence(n + 1)
                    .expiresAtMillis(n % 10 == 0 ? NOW - 1000 : NOW + 3_600_000L));
            }
            final BanPolicy policy = new BanPolicy(List.of(), List.of(), 8, 32, 86_400, 1000);
            final IpPrefix own = new IpPrefix();
            AddressText.parse("2001:db8:101::7", own, 32, 128);
            policy.ownAddresses(List.of(own), List.of("test"));

            final StartBans live = new StartBans(store, policy, NOW);
            final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long before = threads.getCurrentThreadAllocatedBytes();
            int handedOut = 0;
            int ended = 0;
            for (final Ban entry : live)
            {
                ended += entry.isActiveAt(NOW) ? 0 : 1;
                handedOut++;
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(0, ended, "ended bans handed out");

            // 45,000 live, less 2001:db8:101::/64 (n = 257), which covers an address of this host.
            assertEquals(STORED - STORED / 10 - 1, handedOut);
            assertEquals(handedOut, live.count());
            assertTrue(live.read());
            // Copies of 45,000 bans (about 280 bytes each with their buffers) would take over 12 MB, all kept until the
            // firewall started; the pass allocates one segment's holders and Chronicle's short-lived garbage (about
            // 40 bytes an entry here, none of it kept).
            assertTrue(allocated < 4_000_000, "the pass over " + STORED + " entries allocated " + allocated + " bytes");
        }
    }
}
