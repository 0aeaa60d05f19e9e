package io.blocksync.daemon.node;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.IpPrefix;
import io.blocksync.daemon.config.ConfigException;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.detect.DetectorRule;
import io.blocksync.daemon.table.HybridLogicalClock;
import io.blocksync.nativeio.AttackEvent;
import io.blocksync.nativeio.AttackEventRing;
import io.blocksync.nativeio.LinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, failure 7: a wall-clock step leaves the ban list, the detector's windows and the kernel's timeouts as they
 * were. Node 1's wall clock is a day wrong while it bans (behind: a board without a real-time clock booting in the
 * past; ahead: a clock set wrongly) and is then stepped right by a day, forward or back, while it runs (each node's
 * clock injected on the manual-clock engine; nothing touches the real clock). Node 2's clock is right throughout.
 * Local timers run on the node's steady clock; what crosses the wire keeps the wall clock.
 */
class WallClockStepTest
{
    private static final long SEED = 20_261_107L;
    private static final long SECOND = 1_000;
    private static final long HOUR = 3_600_000;
    private static final long DAY = 86_400_000;
    private static final Pattern TIMEOUT = Pattern.compile("timeout (\\d+)s");

    @TempDir
    Path dir;

    /**
     * @param step how far node 1's wall clock is stepped, ms: +1 day (it was a day behind) or -1 day (a day ahead).
     */
    @ParameterizedTest(name = "wall clock stepped by {0} ms")
    @ValueSource(longs = { DAY, -DAY })
    void aOneHourBanKeepsItsHourInTheTableAndTheKernelAcrossTheStepAndARestart(final long step) throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings().clockOffset(1, -step)))
        {
            final String address = "198.51.100.7";
            EngineNode one = cluster.node(1);
            assertTrue(one.ban(address, 3600));
            final long bannedAt = one.steadyMillis();
            assertEquals(bannedAt + HOUR, one.stored(address).expiresAtMillis());
            cluster.runForMillis(10 * SECOND, 10);

            cluster.settings().clockOffset(1, 0);
            cluster.runForMillis(5 * SECOND, 10);

            assertEquals(1, one.counters.clockSteps.get(), "the step is seen once");
            assertEquals(-step, one.counters.clockFrameOffsetMs.get(), "the steady clock is where the wall clock was");
            assertEquals(-step, one.progress().frameOffsetMillis(), "and the offset is recorded for the next start");
            assertTrue(one.isBanned(address), "not expired by a step forward");
            assertEquals(0, one.counters.bansExpired.get());
            assertEquals(HOUR - 15 * SECOND, one.stored(address).expiresAtMillis() - one.steadyMillis(), "remaining time");

            // A firewall told of the ban now (a re-assert, or the start-up reconcile) gets the hour less 15 s.
            assertTrue(one.ban(address, 3600), "banned again, as the detector and an operator may");
            assertEquals(3600, kernelTimeoutSeconds(one, address), "the new ban's full hour in the kernel");
            final long reBannedAt = one.steadyMillis();

            // Restart after the step: the frame continues, so the stored expiry keeps its meaning.
            cluster.runForMillis(SECOND + 10, 10);
            one = cluster.restart(1, false);
            assertEquals(0, one.counters.clockSteps.get(), "the recorded offset is the wall clock's now: no step at start");
            final long remaining = one.stored(address).expiresAtMillis() - one.steadyMillis();
            assertEquals(HOUR - (one.steadyMillis() - reBannedAt), remaining, "the restart keeps the remaining time");
            assertTrue(remaining > HOUR - 2 * SECOND && remaining <= HOUR, "remaining " + remaining);

            cluster.runForMillis(HOUR - (one.steadyMillis() - reBannedAt) - 200, 50);
            assertTrue(one.isBanned(address), "still banned 0.2 s before its hour is up (not extended by a step back)");
            cluster.runForMillis(1_400, 10);
            assertFalse(one.isBanned(address), "expired after its hour");
            assertEquals(1, one.counters.bansExpired.get());
            assertTrue(one.lastFirewallLine("remove " + address).contains("remove"), "and taken out of the kernel");
        }
    }

    @Test
    void aWallClockSetBackWhileTheNodeWasStoppedCountsNoDowntimeAndIsReportedAtStart() throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings()))
        {
            final String address = "198.51.100.8";
            assertTrue(cluster.node(1).ban(address, 3600));
            final long expiresAt = cluster.node(1).stored(address).expiresAtMillis();
            cluster.runForMillis(10 * SECOND + 10, 10);

            cluster.settings().clockOffset(1, -DAY);
            final EngineNode one = cluster.restart(1, false);
            final long remaining = expiresAt - one.steadyMillis();
            assertTrue(remaining >= HOUR - 11 * SECOND && remaining <= HOUR - 10 * SECOND,
                "the frame continues from its last recorded time, not a day earlier: " + remaining);
            cluster.runForMillis(100, 10);
            assertEquals(1, one.counters.clockSteps.get(), "the change made while stopped is reported once at start");
            assertTrue(one.isBanned(address));
        }
    }

    @ParameterizedTest(name = "wall clock stepped by {0} ms")
    @ValueSource(longs = { DAY, -DAY })
    void aRemoteBanAfterTheStepGetsItsFullLifetimeAndWireTimesFollowTheWallClock(final long step) throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings().clockOffset(1, -step)))
        {
            final EngineNode one = cluster.node(1);
            final EngineNode two = cluster.node(2);
            cluster.runForMillis(2 * SECOND, 10);
            cluster.settings().clockOffset(1, 0);
            cluster.runForMillis(2 * SECOND, 10);
            assertEquals(1, one.counters.clockSteps.get());

            final String address = "203.0.113.9";
            assertTrue(two.ban(address, 3600));
            final long sentAtWall = two.timeMillis();
            cluster.runUntil(() -> one.isBanned(address), 2_000, "node 2's ban at node 1");
            final Ban held = one.stored(address);
            assertEquals(HOUR, held.expiresAtMillis() - held.appliedAtMillis(), "a full hour from its arrival");
            assertTrue(one.steadyMillis() - held.appliedAtMillis() < 100, "arrival counted on node 1's steady clock");
            assertEquals(sentAtWall, held.originTimeMillis(), "the origin time is node 2's wall clock");
            assertEquals(3600, kernelTimeoutSeconds(one, address), "a full hour in node 1's kernel");

            // Node 1's own decision after the step carries its wall clock, right again, whatever its steady clock.
            final String own = "203.0.113.10";
            assertTrue(one.ban(own, 600));
            final Ban mine = one.stored(own);
            assertEquals(one.timeMillis(), mine.originTimeMillis(), "origin time from the wall clock");
            assertTrue(HybridLogicalClock.wallMillis(mine.version()) >= one.timeMillis(), "version at or above the wall clock");
            assertEquals(one.steadyMillis() + 600 * SECOND, mine.expiresAtMillis(), "expiry on the steady clock");
            cluster.runUntil(() -> two.isBanned(own), 2_000, "node 1's ban at node 2, whose clock agrees with its stamp");
        }
    }

    @ParameterizedTest(name = "wall clock stepped by {0} ms")
    @ValueSource(longs = { DAY, -DAY })
    void theDetectorsWindowCountsAsIfNoStepHappened(final long step) throws Exception
    {
        try (EngineCluster cluster = new EngineCluster(dir, 2, SEED, new EngineCluster.Settings().clockOffset(1, -step)))
        {
            final EngineNode one = cluster.node(1);
            final AttackEventRing events = one.attachDetector(new DetectorRule(sshRule(), DetectorRule.ANY));
            final AttackEvent event = new AttackEvent();
            final String inWindow = "198.51.100.20";
            final String outOfWindow = "198.51.100.21";

            hit(events, event, inWindow);
            hit(events, event, outOfWindow);
            cluster.runForMillis(20 * SECOND, 10);
            hit(events, event, inWindow);
            hit(events, event, outOfWindow);
            cluster.runForMillis(SECOND, 10);

            cluster.settings().clockOffset(1, 0);
            cluster.runForMillis(19 * SECOND, 10);
            assertEquals(1, one.counters.clockSteps.get());
            hit(events, event, inWindow);
            cluster.runForMillis(30 * SECOND, 10);
            hit(events, event, outOfWindow);
            cluster.runForMillis(SECOND, 10);

            assertTrue(one.isBanned(inWindow), "three hits within 60 s of steady time: banned");
            assertFalse(one.isBanned(outOfWindow), "the third hit 70 s after the first: a new window, not a ban");
            assertEquals(1, one.counters.detectorBans.get());
        }
    }

    private static long kernelTimeoutSeconds(final EngineNode node, final String address)
    {
        final String line = node.lastFirewallLine("add " + address + " ");
        assertNotNull(line, "the firewall was told of " + address);
        final Matcher matcher = TIMEOUT.matcher(line);
        assertTrue(matcher.find(), line);
        return Long.parseLong(matcher.group(1));
    }

    private static void hit(final AttackEventRing ring, final AttackEvent event, final String source)
    {
        event.reset().linkType(LinkType.NFLOG).group(5).logPrefix().set("bs-ssh");
        event.packet().protocol(6).destinationPort(22).ipVersion(4);
        final IpPrefix parsed = new IpPrefix();
        assertEquals(null, AddressText.parse(source, parsed, 32, 128));
        event.packet().source().set(parsed);
        assertTrue(ring.offer(event));
    }

    /** NFLOG group 5, tcp/22: 3 hits within 60 s ban for 10 minutes. */
    private static io.blocksync.daemon.config.RuleConfig sshRule() throws ConfigException
    {
        return ConfigReader.parse(Path.of("wall-clock-step-test.conf"),
            "[node]\nid = 1\nlisten = 127.0.0.1:7701\nstate-dir = /tmp/unused\n" +
            "key = base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n" +
            "[rule ssh]\ngroup = 5\nlog-prefix = bs-ssh\nprotocol = tcp\nport = 22\nnfail = 3\nwindow = 60s\n" +
            "duration = 10m\nipv4-prefix = 32\nipv6-prefix = 64\n").rules().get(0);
    }
}
