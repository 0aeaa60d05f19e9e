package io.blocksync.daemon.config;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EndpointTextTest
{
    private static String error(final String text)
    {
        return assertThrows(IllegalArgumentException.class, () -> EndpointText.parse(text)).getMessage();
    }

    @Test
    void shouldParseIpv4()
    {
        final InetSocketAddress address = EndpointText.parse("192.0.2.1:7701");

        assertInstanceOf(Inet4Address.class, address.getAddress());
        assertEquals("192.0.2.1", address.getAddress().getHostAddress());
        assertEquals(7701, address.getPort());
        assertFalse(address.isUnresolved());
        assertEquals("192.0.2.1:7701", EndpointText.format(address));
    }

    @Test
    void shouldParseBracketedIpv6()
    {
        final InetSocketAddress address = EndpointText.parse("[2001:db8::1]:65535");

        assertInstanceOf(Inet6Address.class, address.getAddress());
        assertEquals(65535, address.getPort());
        assertEquals("[2001:db8::1]:65535", EndpointText.format(address));
        assertEquals("[2001:db8::1]:7701", EndpointText.format(EndpointText.parse("[2001:DB8:0:0::1]:7701")));
    }

    @Test
    void shouldTakeAMappedAddressAsIpv4()
    {
        final InetSocketAddress address = EndpointText.parse("[::ffff:192.0.2.7]:7701");

        assertInstanceOf(Inet4Address.class, address.getAddress());
        assertEquals("192.0.2.7:7701", EndpointText.format(address));
    }

    @Test
    void shouldAcceptWildcardsAndMulticastGroups()
    {
        assertEquals("0.0.0.0:7701", EndpointText.format(EndpointText.parse("0.0.0.0:7701")));
        assertEquals("[::]:7701", EndpointText.format(EndpointText.parse("[::]:7701")));
        assertEquals(true, EndpointText.parse("239.1.2.3:7700").getAddress().isMulticastAddress());
        assertEquals(true, EndpointText.parse("[ff15::1234]:7700").getAddress().isMulticastAddress());
    }

    @Test
    void shouldRefuseHostNamesWithoutLookingThemUp()
    {
        assertEquals("'localhost:7701': 'localhost' is a host name; write a literal IP address such as " +
            "192.0.2.1:7701 (BlockSync never uses DNS)", error("localhost:7701"));
        assertEquals("'peer-1.example.net:7701': 'peer-1.example.net' is a host name; write a literal IP address " +
            "such as 192.0.2.1:7701 (BlockSync never uses DNS)", error("peer-1.example.net:7701"));
    }

    @Test
    void shouldExplainPortProblems()
    {
        assertEquals("'192.0.2.1': missing ':PORT', e.g. 192.0.2.1:7701", error("192.0.2.1"));
        assertEquals("'192.0.2.1:0': port 0 is outside 1-65535", error("192.0.2.1:0"));
        assertEquals("'192.0.2.1:65536': port 65536 is outside 1-65535", error("192.0.2.1:65536"));
        assertEquals("'192.0.2.1:9999999999': port 9999999999 is outside 1-65535", error("192.0.2.1:9999999999"));
        assertEquals("'192.0.2.1:http': port 'http' is not a number 1-65535", error("192.0.2.1:http"));
        assertEquals("'192.0.2.1:': port '' is not a number 1-65535", error("192.0.2.1:"));
        assertEquals("'192.0.2.1:-1': port '-1' is not a number 1-65535", error("192.0.2.1:-1"));
    }

    @Test
    void shouldExplainAddressProblems()
    {
        assertEquals("'2001:db8::1:7701': write an IPv6 address in brackets with the port after them, e.g. " +
            "[2001:db8::1]:7701", error("2001:db8::1:7701"));
        assertEquals("'[2001:db8::1:7701': missing ']' after the IPv6 address", error("[2001:db8::1:7701"));
        assertEquals("'[2001:db8::1]': missing ':PORT' after ']'", error("[2001:db8::1]"));
        assertEquals("'[2001:db8::1]7701': missing ':PORT' after ']'", error("[2001:db8::1]7701"));
        assertEquals("'192.0.2.300': octet 4 is 300, expected 0-255", error("192.0.2.300:7701"));
        assertEquals("'192.0.2.0/24:7701': expected an address, not a prefix", error("192.0.2.0/24:7701"));
        assertEquals("':7701': missing address before the port", error(":7701"));
        assertEquals("'fe80::1%eth0': zone ids are not accepted", error("[fe80::1%eth0]:7701"));
    }
}
