package io.blocksync.firewall;

import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.testkit.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.blocksync.firewall.FirewallChange.Op.ADD;
import static io.blocksync.firewall.FirewallChange.Op.REMOVE;
import static io.blocksync.firewall.NamespacePair.ATTACKER4;
import static io.blocksync.firewall.NamespacePair.PROTECTED4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The reconciler on its worker thread against the real kernel, in a namespace pair: the kernel converges to the
 * desired bans whatever else touches it (issue 11, failures 1-4, flushes, hand deletions, a restart over a
 * half-written set), and every failure is counted and visible.
 */
class ReconcilerKernelTest
{
    private static final Duration REPAIR = Duration.ofSeconds(2);
    private static final long AA = ReasonCode.of("aa").id();
    private static final long BB = ReasonCode.of("bb").id();
    @RegisterExtension
    static final NamespacePairExtension NAMESPACES = new NamespacePairExtension("nft", "ipset", "iptables");
    private static NamespacePair net;

    @TempDir
    Path stateDirectory;
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<String> completions = new ArrayList<>();
    private FirewallBatcher batcher;

    @BeforeEach
    void cleanKernel()
    {
        net = NAMESPACES.pair();
        net.inProtected("nft", "delete", "table", "inet", "blocksync");
    }

    @AfterEach
    void stop()
    {
        if (null != batcher)
        {
            batcher.close();
        }
    }

    @Test
    void failure1AnElementStaysUntilTheLatestOfItsBansAndALiftedBanNeverComesBack()
    {
        batcher = start(nft(), List.of());
        offer(ADD, "198.51.100.7", AA, 2);
        offer(ADD, "198.51.100.7", BB, 3_600);
        Poll.until("the 2 s ban with reason aa to end", Duration.ofSeconds(6), () -> 1 == liveBans());

        assertTrue(secondsLeft("ban4_host", "198.51.100.7") > 3_500, "the element keeps the hour of reason bb");
        assertTrue(batcher.isEnforced(prefix("198.51.100.7")));

        offer(REMOVE, "198.51.100.7", BB, 0);
        Poll.until("the lifted ban to leave the kernel", Duration.ofSeconds(2), () -> !setHolds("198.51.100.7"));
        final long checks = batcher.reconciles();
        Poll.until("two more full checks", Duration.ofSeconds(6), () -> batcher.reconciles() >= checks + 2);
        assertFalse(setHolds("198.51.100.7"), "neither the expired nor the lifted ban is written back");
        assertFalse(batcher.isEnforced(prefix("198.51.100.7")), "not banned any more");
    }

    @Test
    void failure2AfterARulesetFlushEveryLiveBanIsEnforcedAgainWithinTwoSeconds()
    {
        batcher = start(nft(), List.of(Bans.add(ATTACKER4, 3_600)));
        Poll.until("the seeded ban in the kernel", REPAIR, () -> batcher.isEnforced(prefix(ATTACKER4)));
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4));

        net.inProtected("nft", "flush", "ruleset");
        offer(ADD, "192.0.2.9", Bans.SSH, 3_600);
        final long flushedAt = System.nanoTime();
        Poll.until("the table, rules and both bans back", REPAIR,
            () -> setHolds(ATTACKER4) && setHolds("192.0.2.9") && !net.tcpConnects(ATTACKER4, PROTECTED4));
        assertTrue(System.nanoTime() - flushedAt < REPAIR.toNanos());
        assertTrue(batcher.failures(FailureKind.DRIFT) >= 1, "the loss is counted");
        assertTrue(log.stream().anyMatch((line) -> line.contains("drift failed")), log.toString());
    }

    @Test
    void aFlushOfOnlyOurTableIsRepaired()
    {
        batcher = start(nft(), List.of(Bans.add(ATTACKER4, 3_600)));
        Poll.until("the seeded ban in the kernel", REPAIR, () -> batcher.isEnforced(prefix(ATTACKER4)));

        net.inProtected("nft", "flush", "table", "inet", "blocksync");
        Poll.until("the drop rules back", REPAIR, () -> batcher.failures(FailureKind.DRIFT) >= 1 &&
            net.inProtected("nft", "list", "chain", "inet", "blocksync", "input").stdout().contains("@ban4_host"));
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4));
        assertTrue(setHolds(ATTACKER4));
    }

    @Test
    void anElementDeletedByHandComesBack()
    {
        batcher = start(nft(), List.of(Bans.add(ATTACKER4, 3_600), Bans.add("198.51.100.0/24", 3_600)));
        Poll.until("the seeded bans in the kernel", REPAIR, () -> batcher.isEnforced(prefix("198.51.100.0/24")));

        net.inProtected("nft", "delete", "element", "inet", "blocksync", "ban4_host", "{ " + ATTACKER4 + " }");
        net.inProtected("nft", "delete", "element", "inet", "blocksync", "ban4", "{ 198.51.100.0/24 }");
        net.inProtected("nft", "add", "element", "inet", "blocksync", "ban4_host", "{ 203.0.113.99 }");
        Poll.until("the deleted elements back, the stray one gone", Duration.ofSeconds(3),
            () -> setHolds(ATTACKER4) && setHolds("198.51.100.0/24") && !setHolds("203.0.113.99"),
            () -> log + " checks " + batcher.reconciles() + " " + net.inProtected("nft", "list", "table", "inet",
                "blocksync").stdout());
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4));
        assertEquals(3, batcher.repairedElements(), "two missing, one stray");
    }

    @Test
    void failure3AFailingToolIsCountedLoggedOnceAndTheBanNotEnforcedUntilItWorksAgain() throws Exception
    {
        final Path flag = stateDirectory.resolve("broken");
        final Path wrapper = stateDirectory.resolve("nft-wrapper");
        Files.writeString(wrapper, "#!/bin/sh\nif [ -e " + flag + " ]; then echo 'nft: simulated library mismatch' >&2; " +
            "exit 1; fi\nexec nft \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        batcher = start(new NftablesBackend(NftablesSettings.managed("blocksync").commandPrefix(net.inProtected())
            .nftProgram(wrapper.toString()).kernelSession(KernelSessionMode.PROCESS)), List.of());

        Files.createFile(flag);
        offer(ADD, ATTACKER4, Bans.SSH, 3_600);
        Poll.until("three failed attempts", Duration.ofSeconds(5), () -> batcher.failedAttempts() >= 3);
        drain();
        assertEquals(1, completions.size(), "one failure report per change, not per retry");
        assertTrue(completions.get(0).startsWith(ATTACKER4 + " FAILED: ") &&
            completions.get(0).endsWith("nft: simulated library mismatch"), completions.toString());
        assertFalse(batcher.isEnforced(prefix(ATTACKER4)));
        assertTrue(batcher.failures(FailureKind.APPLY) + batcher.failures(FailureKind.CHECK) >= 3);
        assertEquals(1, log.stream().filter((line) -> line.contains("apply failed: ") &&
            line.contains("nft: simulated library mismatch"))
            .count(), log.toString());

        Files.delete(flag);
        Poll.until("the retry to go through", Duration.ofSeconds(8), () -> batcher.isEnforced(prefix(ATTACKER4)));
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4));
        assertTrue(log.stream().anyMatch((line) -> line.contains("apply works again")), log.toString());
    }

    @Test
    void failure4ABanTheKernelRefusesIsReportedNotEnforced()
    {
        net.inProtected("ipset", "destroy", "full4");
        batcher = start(new IpsetBackend(IpsetSettings.managed("full").maxElements(2)
            .commandPrefix(net.inProtected()).networkNamespace(net.protectedPath())), List.of());
        offer(ADD, "198.51.100.1", Bans.SSH, 3_600);
        offer(ADD, "198.51.100.2", Bans.SSH, 3_600);
        offer(ADD, "198.51.100.3", Bans.SSH, 3_600);
        Poll.until("every change to complete", Duration.ofSeconds(5), () -> 3 == drain());

        final long enforced = List.of("198.51.100.1", "198.51.100.2", "198.51.100.3").stream()
            .filter((text) -> batcher.isEnforced(prefix(text))).count();
        assertEquals(2, enforced, completions.toString());
        assertEquals(1, completions.stream().filter((line) -> line.contains("FAILED")).count(), completions.toString());
        assertTrue(completions.stream().anyMatch((line) -> line.contains("full")), completions.toString());
        assertTrue(batcher.failedChanges() >= 1);
        final String refused = List.of("198.51.100.1", "198.51.100.2", "198.51.100.3").stream()
            .filter((text) -> !batcher.isEnforced(prefix(text))).findFirst().orElseThrow();
        assertTrue(String.valueOf(batcher.refusal(prefix(refused))).contains("full"),
            "the kernel's words for the ban it refused: " + batcher.refusal(prefix(refused)));
        assertEquals(null, batcher.refusal(prefix(refused.equals("198.51.100.1") ? "198.51.100.2" : "198.51.100.1")));
    }

    @Test
    void aRestartOverAHalfWrittenSetWritesOnlyTheDifference()
    {
        final List<FirewallChange> live = new ArrayList<>(Bans.bulk(50, false, 3_600));
        batcher = start(nft(), live);
        Poll.until("50 seeded bans in the kernel", Duration.ofSeconds(5), () -> 50 == count());
        batcher.close();

        // What a kill -9 in the middle of a commit leaves: some elements missing, one that was being removed still in.
        final String first = io.blocksync.codec.AddressText.format(live.get(0).ban().prefix());
        final String second = io.blocksync.codec.AddressText.format(live.get(1).ban().prefix());
        net.inProtected("nft", "delete", "element", "inet", "blocksync", "ban4_host", "{ " + first + ", " + second + " }");
        net.inProtected("nft", "add", "element", "inet", "blocksync", "ban4_host", "{ 198.51.100.66 timeout 1h }");
        live.add(Bans.add("203.0.113.5", 3_600));

        batcher = start(nft(), live);
        Poll.until("the kernel to hold exactly the 51 bans", Duration.ofSeconds(5),
            () -> 51 == count() && setHolds(first) && setHolds("203.0.113.5") && !setHolds("198.51.100.66"));
        assertEquals(4, batcher.appliedChanges(), "two missing, one new, one stray: the 48 others are not rewritten");
    }

    @Test
    void anObjectNoLongerMappedIsEmptiedAtStart() throws Exception
    {
        net.inProtected("nft", "add", "table", "inet", "blocksync");
        net.inProtected("nft", "add set inet blocksync old4 { type ipv4_addr; flags timeout; }");
        net.inProtected("nft", "add element inet blocksync old4 { 198.51.100.44 }");
        Files.writeString(stateDirectory.resolve(ObjectRecord.FILE_NAME), "inet blocksync old4\n");

        batcher = start(nft(), List.of());
        assertFalse(net.inProtected("nft", "list", "set", "inet", "blocksync", "old4").stdout().contains("198.51.100.44"));
        assertTrue(Files.readString(stateDirectory.resolve(ObjectRecord.FILE_NAME)).contains("inet blocksync ban4_host"));
        assertFalse(Files.readString(stateDirectory.resolve(ObjectRecord.FILE_NAME)).contains("old4"));
    }

    private NftablesBackend nft()
    {
        return new NftablesBackend(NftablesSettings.managed("blocksync").commandPrefix(net.inProtected())
            .networkNamespace(net.protectedPath()));
    }

    private FirewallBatcher start(final FirewallBackend backend, final List<FirewallChange> live)
    {
        final FirewallBatcher started = new FirewallBatcher(backend, new BatcherSettings().jitterPercent(0)
            .retryInitialMs(100).retryMaxMs(400).label("test").log(log::add).stateDirectory(stateDirectory));
        started.start(live);
        return started;
    }

    private void offer(final FirewallChange.Op op, final String prefix, final long reason, final long seconds)
    {
        assertTrue(batcher.offer(op, Bans.ban(prefix, reason), seconds));
    }

    private int drain()
    {
        batcher.pollCompletions((change) -> completions.add(change.ban().prefix() + " " + change.status() +
            (null == change.error() ? "" : ": " + change.error())));
        return completions.size();
    }

    private int liveBans()
    {
        drain();
        return batcher.liveBanCount();
    }

    private boolean setHolds(final String text)
    {
        return net.inProtected("nft", "list", "table", "inet", "blocksync").stdout().contains(text);
    }

    private int count()
    {
        return NftListingParser.parse(net.inProtected("nft", "list", "set", "inet", "blocksync", "ban4_host").stdout(), 0)
            .size();
    }

    private long secondsLeft(final String set, final String address)
    {
        final Map<IpPrefix, Long> elements =
            NftListingParser.parse(net.inProtected("nft", "list", "set", "inet", "blocksync", set).stdout(), 0);
        final Long left = elements.get(prefix(address));
        return null == left ? -1 : left;
    }

    private static IpPrefix prefix(final String text)
    {
        return Bans.prefix(text);
    }
}
