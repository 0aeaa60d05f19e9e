package io.blocksync.firewall;

import io.blocksync.nativeio.NftElementWriter;
import io.blocksync.nativeio.NftablesSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.blocksync.firewall.Bans.add;
import static io.blocksync.firewall.Bans.remove;
import static io.blocksync.firewall.NamespacePair.ATTACKER4;
import static io.blocksync.firewall.NamespacePair.ATTACKER6;
import static io.blocksync.firewall.NamespacePair.CONTROL4;
import static io.blocksync.firewall.NamespacePair.PROTECTED4;
import static io.blocksync.firewall.NamespacePair.PROTECTED6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The nftables backend's element changes as raw nf_tables netlink batches ({@link NftRawElements}) against the real
 * kernel, in a namespace pair: host and prefix elements land and go (seen by {@code nft list set} and by packets), a
 * lone ban with 1,000 prefix bans held is one batch of three messages (no dump, whatever the interval sets hold:
 * libnftables dumped them all before every command), and a refused element is named with the kernel's errno.
 */
class NftRawElementsKernelTest
{
    private static final int HELD_PREFIXES = 1000;
    private static final int LONE_BANS = 200;
    @RegisterExtension
    static final NamespacePairExtension NAMESPACES = new NamespacePairExtension("nft", "ping");
    private static NamespacePair net;
    private final List<String> logged = new ArrayList<>();
    private NftablesBackend backend;

    @BeforeEach
    void startBackend()
    {
        net = NAMESPACES.pair();
        assumeTrue(NftablesSession.available(), NftablesSession::unavailableReason);
        assumeTrue(null == NftElementWriter.unavailableReason(), NftElementWriter::unavailableReason);
        backend = new NftablesBackend(NftablesSettings.managed("blocksync").commandPrefix(net.inProtected())
            .networkNamespace(net.protectedPath()).kernelSession(KernelSessionMode.LIBRARY), PeerPort.NONE, log());
        backend.start();
        backend.flush();
        assertNotNull(backend.rawElements(), "raw element writer in use: " + logged);
    }

    @AfterEach
    void closeBackend()
    {
        if (null != backend)
        {
            backend.close();
        }
    }

    @Test
    void hostAndPrefixElementsLandAndGoThroughTheRawPath()
    {
        final long before = backend.rawElements().commits();
        backend.apply(List.of(add(ATTACKER4, 600), add("2001:db8::/64", 600), add("198.51.100.0/24", 600),
            add("2001:db8:1::/48", 600)));
        assertEquals(before + 1, backend.rawElements().commits(), "one raw batch for the four elements");
        assertTrue(setLists("ban4_host", ATTACKER4 + " timeout"), list("ban4_host"));
        assertTrue(setLists("ban6_64", "2001:db8:: timeout"), list("ban6_64"));
        assertTrue(setLists("ban4", "198.51.100.0/24 timeout"), list("ban4"));
        assertTrue(setLists("ban6", "2001:db8:1::/48 timeout"), list("ban6"));
        assertFalse(net.tcpConnects(ATTACKER4, PROTECTED4), "the banned host must be dropped");
        assertFalse(net.tcpConnects(ATTACKER6, PROTECTED6), "the banned /64 must be dropped");
        assertTrue(net.tcpConnects(CONTROL4, PROTECTED4), "an unbanned host must pass");

        // The refresh (add 1s, delete, add T) and the removals, as the scripts write them.
        backend.apply(List.of(add(ATTACKER4, 7200), remove("198.51.100.0/24"), remove("2001:db8::/64")));
        assertTrue(setLists("ban4_host", ATTACKER4 + " timeout 2h"), list("ban4_host"));
        assertFalse(setLists("ban4", "198.51.100.0/24"), list("ban4"));
        assertFalse(setLists("ban6_64", "2001:db8::"), list("ban6_64"));
        assertTrue(net.tcpConnects(ATTACKER6, PROTECTED6), "the lifted /64 must pass");

        backend.apply(List.of(remove(ATTACKER4), remove("2001:db8:1::/48")));
        assertFalse(setLists("ban4_host", ATTACKER4), list("ban4_host"));
        assertFalse(setLists("ban6", "2001:db8:1::/48"), list("ban6"));
        assertTrue(net.tcpConnects(ATTACKER4, PROTECTED4), "the unbanned host must pass");
    }

    @Test
    void aLoneBanIsOneBatchOfThreeMessagesWhatever1000HeldPrefixBans()
    {
        // IPv6 /48s of 2001:db8::/32 (documentation space has room for no 1,000 IPv4 /24s): libnftables dumped every
        // interval set of the table before each element command, ban6 as much as ban4.
        final List<FirewallChange> held = new ArrayList<>(HELD_PREFIXES);
        for (int i = 0; i < HELD_PREFIXES; i++)
        {
            held.add(add(String.format("2001:db8:%x::/48", 0x1000 + i), 3600));
        }
        backend.apply(held);
        assertEquals(HELD_PREFIXES, count(list("ban6"), "/48"), "the held prefixes in ban6");

        for (int i = 1; i <= LONE_BANS; i++)
        {
            final long commits = backend.rawElements().commits();
            final long messages = backend.rawElements().messagesSent();
            backend.apply(List.of(add("192.0.2." + i, 600)));
            assertEquals(commits + 1, backend.rawElements().commits(), "lone ban " + i + ": one raw batch");
            assertEquals(messages + 3, backend.rawElements().messagesSent(),
                "lone ban " + i + ": batch begin, one element, batch end; no dump request");
        }
        assertEquals(LONE_BANS, count(list("ban4_host"), "192.0.2."), list("ban4_host"));
    }

    @Test
    void aRefusedElementIsNamedWithTheKernelsReasonAndTheOthersLandAlone()
    {
        // Someone else's /25 in the interval set, sharing its end with the /24 the model knows nothing of: refused, not
        // merged into two starts and one end.
        net.inProtected("nft", "add", "element", "inet", "blocksync", "ban4", "{ 203.0.113.128/25 }");
        final FirewallException refused = assertThrows(FirewallException.class,
            () -> backend.apply(List.of(add("192.0.2.5", 600), add("203.0.113.0/24", 600), add("192.0.2.6", 600))));
        assertTrue(refused.getMessage().startsWith("nft: Error: interval overlaps with an existing one (netlink batch: " +
            "add 203.0.113.0/24 in inet blocksync ban4)"), refused.getMessage());
        assertFalse(setLists("ban4_host", "192.0.2.5"), "the kernel commits a batch all or nothing");

        backend.apply(List.of(add("192.0.2.5", 600), add("192.0.2.6", 600)));
        assertTrue(setLists("ban4_host", "192.0.2.5") && setLists("ban4_host", "192.0.2.6"), list("ban4_host"));
        final FirewallException again = assertThrows(FirewallException.class,
            () -> backend.apply(List.of(add("203.0.113.0/24", 600))));
        assertTrue(again.getMessage().contains("203.0.113.0/24"), again.getMessage());
    }

    @Test
    void elementsOfOneSetShareMessagesAndARefusedOneAmongThemIsNamed()
    {
        // Someone else's /49 shares its end with the 50th of 100 /48s: the kernel refuses that one in the middle of a
        // message of 100, and the answer's offset names it.
        net.inProtected("nft", "add", "element", "inet", "blocksync", "ban6", "{ 2001:db8:1031:8000::/49 }");
        final List<FirewallChange> prefixes = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            prefixes.add(add(String.format("2001:db8:%x::/48", 0x1000 + i), 600));
        }
        final long messages = backend.rawElements().messagesSent();
        final FirewallException refused = assertThrows(FirewallException.class, () -> backend.apply(prefixes));
        assertEquals(messages + 3, backend.rawElements().messagesSent(), "batch begin, one message of 100, end");
        assertTrue(refused.getMessage().startsWith("nft: Error: interval overlaps with an existing one (netlink batch: " +
            "add 2001:db8:1031::/48 in inet blocksync ban6)"), refused.getMessage());
        assertFalse(setLists("ban6", "2001:db8:1000::/48"), "the kernel commits a batch all or nothing");

        // 3,000 hosts in ban4_host and 3,000 /64s in ban6_64: more than one message holds, a few per set.
        final List<FirewallChange> hosts = new ArrayList<>();
        for (int i = 0; i < 3000; i++)
        {
            hosts.add(add(String.format("2001:db8:2:%x::/64", i), 600));
            hosts.add(add("198.51.100." + (i % 250) + "/32", 600));
        }
        final long before = backend.rawElements().messagesSent();
        backend.apply(hosts);
        final long sent = backend.rawElements().messagesSent() - before;
        assertTrue(sent >= 4 && sent <= 8, "batch begin, end and a few messages per set: " + sent);
        assertEquals(3000, count(list("ban6_64"), "2001:db8:2:"), "every /64 in the kernel");
        assertEquals(250, count(list("ban4_host"), "198.51.100."), "every host in the kernel");
    }

    @Test
    void removedObjectsShowInTheEventsAndElementCommitsDoNot()
    {
        try (KernelEvents events = backend.openEvents())
        {
            assertNotNull(events, "managed mode with the library session watches its objects");
            assertEquals(KernelEvents.QUIET, events.await(10), "nothing changed since it opened");
            final List<FirewallChange> bans = new ArrayList<>();
            for (int i = 0; i < 2000; i++)
            {
                bans.add(add(String.format("2001:db8:3:%x::/64", i), 600));
            }
            backend.apply(bans);
            backend.apply(List.of(add("198.51.100.0/24", 600), remove("2001:db8:3::/64")));
            assertEquals(KernelEvents.QUIET, events.await(10), "element commits change no object");

            net.inProtected("nft", "flush", "chain", "inet", "blocksync", "input");
            assertEquals(KernelEvents.REMOVED, events.await(10), "the input chain's rules were deleted");
            assertEquals(KernelEvents.QUIET, events.await(10), "reported once");
            backend.repair();
            assertEquals(KernelEvents.REMOVED, events.await(10), "our own repair shows too (one check more)");
            net.inProtected("nft", "delete", "table", "inet", "blocksync");
            assertEquals(KernelEvents.REMOVED, events.await(10), "the table was deleted");
        }
    }

    private Consumer<String> log()
    {
        return logged::add;
    }

    private boolean setLists(final String set, final String text)
    {
        return list(set).contains(text);
    }

    private String list(final String set)
    {
        return net.inProtected("nft", "list", "set", "inet", "blocksync", set).stdout();
    }

    private static int count(final String text, final String needle)
    {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        {
            count++;
        }
        return count;
    }
}
