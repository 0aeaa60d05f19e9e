package io.blocksync.testkit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocumentationAddressesTest
{
    @Test
    void theDocumentationRangesAreAllowed()
    {
        for (final String cidr : new String[]{
            "192.0.2.1/24", "198.51.100.254/32", "203.0.113.7", "2001:db8::1/64", "2001:db8:a::3/128",
            "2001:DB8:ffff::1/32" })
        {
            assertTrue(DocumentationAddresses.contains(cidr), cidr);
        }
    }

    @Test
    void everythingElseIsRefused()
    {
        for (final String cidr : new String[]{
            "10.0.0.1/8", "192.168.1.1/24", "127.0.0.1/8", "8.8.8.8", "192.0.3.1/24", "2001:db9::1/64", "fe80::1/64",
            "192.0.2.1/16", "2001:db8::1/16", "192.0.2.1/x", "example.org", "" })
        {
            assertFalse(DocumentationAddresses.contains(cidr), cidr);
        }
        final IllegalArgumentException refused =
            assertThrows(IllegalArgumentException.class, () -> DocumentationAddresses.require("10.1.2.3/24"));
        assertEquals("10.1.2.3/24 is not in a documentation range (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, " +
            "2001:db8::/32)", refused.getMessage());
    }
}
