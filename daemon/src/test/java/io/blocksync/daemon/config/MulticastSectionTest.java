package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;

import static io.blocksync.daemon.config.ConfigTesting.NODE;
import static io.blocksync.daemon.config.ConfigTesting.errors;
import static io.blocksync.daemon.config.ConfigTesting.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** [multicast]: group, interface, port, ttl and members, each checked against the peers (docs/CONFIG.md). */
class MulticastSectionTest
{
    private static final String PEERS = "[peer 2]\naddress = 192.0.2.2:7702\nkey = $KEY2\n" +
        "[peer 3]\naddress = 192.0.2.3:7703\nkey = $KEY3\n";

    @Test
    void shouldBindAGroupWithDefaults() throws ConfigException
    {
        final NodeConfig config = parse(NODE + PEERS + "[multicast]\ngroup = 239.255.42.1\ninterface = lo\nmembers = 1, 2, 3\n");
        final MulticastConfig multicast = config.multicast();
        assertEquals("239.255.42.1:7901", EndpointText.format(multicast.group()));
        assertEquals("lo", multicast.interfaceName());
        assertEquals(1, multicast.ttl());
        assertArrayEquals(new int[]{ 2, 3 }, multicast.members(), "this node's own id is implied, not a member to hear");
        assertTrue(multicast.isMember(3));
    }

    @Test
    void shouldBindAnIpv6GroupWithPortAndTtl() throws ConfigException
    {
        final MulticastConfig multicast = parse(NODE + PEERS +
            "[multicast]\ngroup = ff15::42\nport = 7911\nttl = 2\ninterface = lo\nmembers = 2\n").multicast();
        assertEquals("[ff15::42]:7911", EndpointText.format(multicast.group()));
        assertEquals(2, multicast.ttl());
    }

    @Test
    void shouldWarnOnceAboutAGroupThatIsNotScopedToTheSite() throws ConfigException
    {
        for (final String scoped : new String[] { "239.255.42.1", "239.1.2.3", "ff02::42", "ff15::42", "ff05::1:3", "ff18::42", "ff14::9" })
        {
            assertEquals(java.util.List.of(), parse(NODE + PEERS + "[multicast]\ngroup = " + scoped +
                "\ninterface = lo\nmembers = 2\n").warnings(), scoped);
        }
        final java.util.List<String> ipv4 = parse(NODE + PEERS + "[multicast]\ngroup = 224.1.2.3\ninterface = lo\nmembers = 2\n").warnings();
        assertEquals(1, ipv4.size(), ipv4.toString());
        assertTrue(ipv4.get(0).contains("group: 224.1.2.3 is not administratively scoped (239.0.0.0/8, RFC 2365)"), ipv4.get(0));
        final java.util.List<String> ipv6 = parse(NODE + PEERS + "[multicast]\ngroup = ff0e::42\ninterface = lo\nmembers = 2\n").warnings();
        assertEquals(1, ipv6.size(), ipv6.toString());
        assertTrue(ipv6.get(0).contains("has IPv6 multicast scope e"), ipv6.get(0));
    }

    @Test
    void shouldHaveNoGroupWithoutTheSection() throws ConfigException
    {
        assertNull(parse(NODE + PEERS).multicast());
    }

    @Test
    void shouldRefuseWhatCannotBeAGroup()
    {
        final String all = String.join("\n", errors(NODE + PEERS +
            "[multicast]\ngroup = 192.0.2.9\ninterface = no-such-if0\nmembers = 2, 4\nttl = 0\n"));
        assertTrue(all.contains("group: '192.0.2.9' is not a multicast group"), all);
        assertTrue(all.contains("interface: 'no-such-if0' is not an interface of this host"), all);
        assertTrue(all.contains("members: 4 is not a configured [peer 4]"), all);
        assertTrue(all.contains("ttl: 0 is outside 1-255"), all);
    }
}
