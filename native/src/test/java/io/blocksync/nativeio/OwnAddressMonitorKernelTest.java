package io.blocksync.nativeio;

import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;
import io.blocksync.testkit.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link OwnAddressMonitor} on the real kernel, following a network namespace of its own (the socket is created
 * there; the JVM stays where it is): addresses added and removed after start reach the listener within a second,
 * an address refreshed (same address, new lifetimes) is not a change, and the first set is there before
 * {@link OwnAddressMonitor#start()} returns. Needs root, iproute2 and the built library.
 */
class OwnAddressMonitorKernelTest
{
    private static final Duration WITHIN = Duration.ofSeconds(1);

    private final List<List<String>> calls = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private NetworkNamespaces namespaces;
    private OwnAddressMonitor monitor;
    private String node;

    @BeforeEach
    void namespaceWithAnInterface()
    {
        assumeTrue(Tools.isRoot() && Tools.installed("ip"), "needs root and iproute2 to make network namespaces");
        assumeTrue(NativeLibrary.load(), NativeLibrary::unavailableMessage);
        namespaces = new NetworkNamespaces();
        node = namespaces.create("bsn-own");
        final String other = namespaces.create("bsn-oth");
        namespaces.veth(node, "own0", other, "oth0");
        namespaces.address(node, "own0", "192.0.2.1/24");
    }

    @AfterEach
    void stop()
    {
        if (null != monitor)
        {
            monitor.close();
        }
        if (null != namespaces)
        {
            namespaces.close();
        }
    }

    @Test
    void addressesAddedAndRemovedAfterStartReachTheListenerWithinASecond() throws Exception
    {
        monitor = start();
        assertTrue(monitor.isNetlink(), log::toString);
        assertTrue(log.get(0).contains("followed live through rtnetlink"), log::toString);
        assertEquals(1, calls.size(), "the first set is handed over before start returns");
        assertTrue(calls.get(0).contains("+192.0.2.1") && calls.get(0).contains("+127.0.0.1"), calls::toString);

        namespaces.address(node, "own0", "192.0.2.77/24");
        Poll.until("192.0.2.77 reported added", WITHIN, () -> last().contains("+192.0.2.77"), calls::toString);
        namespaces.address(node, "own0", "2001:db8:1:2::77/64");
        Poll.until("2001:db8:1:2::77 reported added", WITHIN, () -> last().contains("+2001:db8:1:2::77"), calls::toString);

        final int before = calls.size();
        namespaces.must(node, "ip", "addr", "change", "2001:db8:1:2::77/64", "dev", "own0", "valid_lft", "3600",
            "preferred_lft", "1800");
        namespaces.must(node, "ip", "addr", "del", "192.0.2.77/24", "dev", "own0");
        Poll.until("192.0.2.77 reported removed", WITHIN, () -> last().contains("-192.0.2.77"), calls::toString);
        assertEquals(before + 1, calls.size(), "new lifetimes for an address are no change: " + calls);
        assertTrue(last().contains("=2001:db8:1:2::77") && !last().contains("=192.0.2.77"), calls::toString);
        assertEquals(0, monitor.resyncs());
    }

    @Test
    void theSameAddressOnTwoInterfacesStaysOursUntilBothAreGone() throws Exception
    {
        namespaces.must(node, "ip", "link", "add", "own1", "type", "veth", "peer", "name", "own2");
        monitor = start();
        namespaces.address(node, "own0", "198.51.100.9/24");
        namespaces.address(node, "own1", "198.51.100.9/24");
        Poll.until("both copies reported", WITHIN,
            () -> calls.stream().flatMap(List::stream).filter("+198.51.100.9"::equals).count() == 2, calls::toString);

        namespaces.must(node, "ip", "addr", "del", "198.51.100.9/24", "dev", "own0");
        Poll.until("one copy removed", WITHIN, () -> last().contains("-198.51.100.9"), calls::toString);
        assertTrue(last().contains("=198.51.100.9"), "still an address of this host: " + calls);
    }

    @Test
    void withoutRtnetlinkTheFallbackReadsTheInterfacesOfThisProcess() throws Exception
    {
        monitor = new OwnAddressMonitor("own-test-poll", null, 50, true, this::record, log::add);
        monitor.start();
        assertFalse(monitor.isNetlink());
        assertTrue(log.get(0).contains("re-read every 50 ms (NetworkInterface)"), log::toString);
        assertTrue(calls.get(0).contains("=127.0.0.1"), calls::toString);
    }

    private OwnAddressMonitor start() throws Exception
    {
        final OwnAddressMonitor started = new OwnAddressMonitor(
            "own-test", "/run/netns/" + node, OwnAddressMonitor.DEFAULT_POLL_INTERVAL_MILLIS, false, this::record, log::add);
        started.start();
        return started;
    }

    private List<String> last()
    {
        return calls.get(calls.size() - 1);
    }

    /** One call as "=ADDRESS" per current address, "+ADDRESS" per added one and "-ADDRESS" per removed one. */
    private void record(final List<OwnAddress> current, final List<OwnAddress> added, final List<OwnAddress> removed)
    {
        final List<String> call = new ArrayList<>();
        current.forEach(a -> call.add("=" + a.address()));
        added.forEach(a -> call.add("+" + a.address()));
        removed.forEach(a -> call.add("-" + a.address()));
        calls.add(call);
    }
}
