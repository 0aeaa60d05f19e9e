package io.blocksync.daemon.detect;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.ConfigException;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.RuleConfig;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.table.BanDecider;
import io.blocksync.daemon.table.BanOutcome;
import io.blocksync.daemon.table.BanPolicy;
import io.blocksync.nativeio.AttackEvent;
import io.blocksync.nativeio.LinkType;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetectorTest
{
    private static final long T0 = 1_764_000_000_000L;

    private final NodeCounters counters = new NodeCounters(new CountersManager(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.METADATA_LENGTH, 64)),
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(256 * CountersReader.COUNTER_LENGTH, 64))));
    private final AtomicCounter ignored = counters.eventsUnmatched;
    private final AtomicCounter protectedHits = counters.eventsFromProtectedSources;
    private final AtomicCounter bans = counters.detectorBans;
    private final List<String> decisions = new ArrayList<>();
    private final AttackEvent event = new AttackEvent();
    private final java.util.Set<String> banned = new java.util.HashSet<>();

    /** NFLOG group 5, tcp/22: 3 hits in 60 s ban for 10 min, doubling for repeat offenders. */
    private final DetectorRule ssh = new DetectorRule(sshRule(), DetectorRule.ANY);

    private static RuleConfig sshRule()
    {
        try
        {
            return ConfigReader.parse(Path.of("detector-test.conf"),
                "[node]\nid = 1\nlisten = 127.0.0.1:7701\nstate-dir = /tmp/unused\n" +
                "key = base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n" +
                "[rule ssh]\ngroup = 5\nlog-prefix = bs-ssh\nprotocol = tcp\nport = 22\nnfail = 3\nwindow = 60s\n" +
                "duration = 10m\nescalate = 2\nipv4-prefix = 32\nipv6-prefix = 64\n").rules().get(0);
        }
        catch (final ConfigException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private Detector detector(final int tableCapacity, final DetectorRule... rules)
    {
        final BanPolicy policy = new BanPolicy(List.of(prefix("192.0.2.0/24")), List.of("allow-list"), 16, 32, 86_400, 1000);
        return new Detector(rules, new OffenderTable(tableCapacity), policy, new BanDecider()
        {
            public int decide(final Ban request, final long now)
            {
                decisions.add(AddressText.format(request.prefix()) + " " + request.durationSeconds() + "s " +
                    ReasonCode.nameOf(request.reason()));
                return BanOutcome.APPLIED;
            }

            public boolean isBanned(final IpPrefix prefix, final long now)
            {
                return banned.contains(AddressText.format(prefix));
            }
        }, counters);
    }

    @Test
    void nfailHitsWithinTheWindowBanTheSourceAndRepeatOffendersEscalate()
    {
        final Detector detector = detector(1024, ssh);
        detector.onEvent(0, nflog("198.51.100.7", 5, "bs-ssh", 22), T0);
        detector.onEvent(0, nflog("198.51.100.7", 5, "bs-ssh", 22), T0 + 1_000);
        assertTrue(decisions.isEmpty());
        detector.onEvent(0, nflog("198.51.100.7", 5, "bs-ssh", 22), T0 + 2_000);
        assertEquals(List.of("198.51.100.7 600s ssh"), decisions);

        for (int i = 0; i < 3; i++)
        {
            detector.onEvent(0, nflog("198.51.100.7", 5, "bs-ssh", 22), T0 + 10_000 + i);
        }
        assertEquals(List.of("198.51.100.7 600s ssh", "198.51.100.7 1200s ssh"), decisions, "second offence lasts twice as long");
        assertEquals(2, bans.get());
    }

    @Test
    void aSourceThatIsStillBannedIsNotBannedAgainNorEscalated()
    {
        final Detector detector = detector(1024, ssh);
        banned.add("198.51.100.7");
        for (int i = 0; i < 9; i++)
        {
            detector.onEvent(0, nflog("198.51.100.7", 5, "bs-ssh", 22), T0 + i);
        }
        assertTrue(decisions.isEmpty());
        banned.clear();
        for (int i = 0; i < 3; i++)
        {
            detector.onEvent(0, nflog("198.51.100.7", 5, "bs-ssh", 22), T0 + 100 + i);
        }
        assertEquals(List.of("198.51.100.7 600s ssh"), decisions, "first offence: base duration");
    }

    @Test
    void hitsOutsideTheWindowDoNotAddUp()
    {
        final Detector detector = detector(1024, ssh);
        detector.onEvent(0, nflog("198.51.100.8", 5, "bs-ssh", 22), T0);
        detector.onEvent(0, nflog("198.51.100.8", 5, "bs-ssh", 22), T0 + 30_000);
        detector.onEvent(0, nflog("198.51.100.8", 5, "bs-ssh", 22), T0 + 61_000);
        assertTrue(decisions.isEmpty(), "the window restarted at the third hit");
    }

    @Test
    void eventsThatDoNotMatchOrComeFromProtectedSourcesNeverCount()
    {
        final Detector detector = detector(1024, ssh);
        for (int i = 0; i < 10; i++)
        {
            detector.onEvent(0, nflog("198.51.100.9", 6, "bs-ssh", 22), T0 + i);
            detector.onEvent(0, nflog("198.51.100.9", 5, "other", 22), T0 + i);
            detector.onEvent(0, nflog("198.51.100.9", 5, "bs-ssh", 80), T0 + i);
            detector.onEvent(0, nflog("192.0.2.50", 5, "bs-ssh", 22), T0 + i);
        }
        assertTrue(decisions.isEmpty());
        assertEquals(30, ignored.get());
        assertEquals(10, protectedHits.get());
    }

    @Test
    void ipv6SourcesAggregateToTheirSlash64()
    {
        final Detector detector = detector(1024, ssh);
        detector.onEvent(0, nflog("2001:db8:bad:1::1", 5, "bs-ssh", 22), T0);
        detector.onEvent(0, nflog("2001:db8:bad:1::2", 5, "bs-ssh", 22), T0);
        detector.onEvent(0, nflog("2001:db8:bad:1:ffff::3", 5, "bs-ssh", 22), T0);
        assertEquals(List.of("2001:db8:bad:1::/64 600s ssh"), decisions);
    }

    @Test
    void sprayingRandomSourcesCannotGrowTheTableBeyondItsCapacity()
    {
        final OffenderTable table = new OffenderTable(1024);
        final IpPrefix source = new IpPrefix();
        final byte[] address = new byte[16];
        address[0] = 0x20;
        address[1] = 0x01;
        address[2] = 0x0d;
        address[3] = (byte)0xb8;
        for (int i = 0; i < 100_000; i++)
        {
            address[4] = (byte)(i >>> 16);
            address[5] = (byte)(i >>> 8);
            address[6] = (byte)i;
            table.hit(0, source.set(6, address, 64), 60_000, T0 + i);
        }
        assertEquals(1024, table.capacity());
        assertTrue(table.size() <= 1024);
        assertTrue(table.evictions() >= 100_000 - 1024, "old sources were evicted, not kept");

        // A persistent attacker is still counted among the spray: it is seen recently, so it is not the one evicted.
        final IpPrefix attacker = prefix("2001:db8:ffff:1::/64");
        int slot = -1;
        for (int i = 0; i < 5; i++)
        {
            slot = table.hit(0, attacker, 60_000, T0 + 200_000 + i);
        }
        assertEquals(5, table.hits(slot));
    }

    private AttackEvent nflog(final String source, final int group, final String prefix, final int port)
    {
        event.reset().linkType(LinkType.NFLOG).group(group).logPrefix().set(prefix);
        event.packet().protocol(6).destinationPort(port).ipVersion(4);
        final IpPrefix parsed = prefix(source);
        event.packet().source().set(parsed);
        event.packet().ipVersion(parsed.family() == 4 ? 4 : 6);
        return event;
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
