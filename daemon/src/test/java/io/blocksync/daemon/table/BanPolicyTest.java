package io.blocksync.daemon.table;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BanPolicyTest
{
    @Test
    void permanentOnlyWhenTheMaximumIsPermanent()
    {
        assertEquals(0, new BanPolicy(List.of(), List.of(), 16, 32, 0, 100).clampDuration(0));
        assertEquals(3600, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(0));
        assertEquals(3600, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(7200));
        assertEquals(60, new BanPolicy(List.of(), List.of(), 16, 32, 3600, 100).clampDuration(60));
    }

    @Test
    void ownAddressesAreReplacedWholeWhileConfiguredPrefixesStay()
    {
        final BanPolicy policy = new BanPolicy(List.of(prefix("203.0.113.0/24")), List.of("allow-list 203.0.113.0/24"),
            16, 32, 3600, 100);
        final long before = policy.ownAddressesGeneration();
        policy.ownAddresses(List.of(prefix("192.0.2.77"), prefix("2001:db8:1:2::77")),
            List.of("address of this host on eth0", "address of this host on eth0"));

        assertEquals(before + 1, policy.ownAddressesGeneration());
        assertEquals(BanPolicy.PROTECTED, policy.checkPrefix(prefix("192.0.2.0/24")));
        assertEquals(BanPolicy.PROTECTED, policy.checkPrefix(prefix("2001:db8:1:2::/64")));
        assertEquals(BanPolicy.PROTECTED, policy.checkPrefix(prefix("2002:c000:24d::/48")), "its 6to4 spelling too");
        assertTrue(policy.coversOwnAddress(prefix("192.0.2.77")));
        assertEquals("address of this host on eth0", policy.whyProtected(prefix("192.0.2.77")));

        policy.ownAddresses(List.of(prefix("198.51.100.9")), List.of("address of this host on eth1"));
        assertEquals(BanPolicy.ACCEPT, policy.checkPrefix(prefix("192.0.2.77")), "a removed address is bannable");
        assertFalse(policy.coversOwnAddress(prefix("2001:db8:1:2::77")));
        assertNull(policy.whyProtected(prefix("192.0.2.77")));
        assertEquals("address of this host on eth1", policy.whyProtected(prefix("198.51.100.0/24")));
        assertEquals("allow-list 203.0.113.0/24", policy.whyProtected(prefix("203.0.113.5")), "configured stays");
        assertFalse(policy.coversOwnAddress(prefix("203.0.113.5")), "configured prefixes are not own addresses");
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
