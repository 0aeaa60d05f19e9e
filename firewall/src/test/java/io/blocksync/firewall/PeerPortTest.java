package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.blocksync.firewall.Bans.prefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a managed backend is told about the daemon's port: the peers by family, once each, or why the port stays open.
 */
class PeerPortTest
{
    @Test
    void peersAreSplitByFamilyInConfigOrderOnceEach()
    {
        final PeerPort peerPort = new FirewallContext().listenPort(7701).peerAddresses(List.of(
            prefix("198.51.100.20"), prefix("2001:db8::30"), prefix("192.0.2.10"), prefix("198.51.100.20"),
            prefix("::ffff:203.0.113.5"))).peerPort();

        assertTrue(peerPort.restricted());
        assertEquals(7701, peerPort.port());
        assertEquals(List.of("198.51.100.20", "192.0.2.10", "203.0.113.5"), peerPort.ipv4(), "a mapped peer is IPv4");
        assertEquals(List.of("2001:db8::30"), peerPort.ipv6());
    }

    @Test
    void noPortMeansNoRestriction()
    {
        assertSame(PeerPort.NONE, new FirewallContext().peerAddresses(List.of(prefix("192.0.2.10"))).peerPort());
        assertFalse(PeerPort.NONE.restricted());
    }

    @Test
    void aMulticastPeerLeavesThePortOpenAndTheManagedBackendSaysWhy()
    {
        final List<String> log = new ArrayList<>();
        final FirewallContext context = new FirewallContext().label("node 1").log(log::add).listenPort(7701)
            .peerAddresses(List.of(prefix("192.0.2.10"), prefix("239.1.2.3")));

        final PeerPort peerPort = PeerPort.forManagedBackend(true, context);

        assertFalse(peerPort.restricted());
        assertEquals(List.of("node 1: firewall: UDP port 7701 left open to every sender: peer 239.1.2.3 is a " +
            "multicast group, whose members send from addresses the configuration does not name"), log);
        assertFalse(PeerPort.of(7701, List.of(prefix("ff02::1234"))).restricted());
        assertSame(PeerPort.NONE, PeerPort.forManagedBackend(false, context), "restrict-port = no");
        assertEquals(1, log.size(), "turning it off is the operator's choice, not news");
    }
}
