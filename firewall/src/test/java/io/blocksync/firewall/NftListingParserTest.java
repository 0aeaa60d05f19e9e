package io.blocksync.firewall;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code nft list set} text as the tool path reads it: what the /64 set's bare addresses stand for, and ranges.
 */
class NftListingParserTest
{
    @Test
    void anAlignedAddressInTheSlashSixtyFourSetIsItsSlashSixtyFourAndAnUnalignedOneItself()
    {
        final Map<io.blocksync.codec.IpPrefix, Long> elements = NftListingParser.parse(
            "set ban6_64 {\n elements = { 2001:db8:5:: timeout 1h expires 59m58s, 2001:db8:7::1 timeout 1h expires 10s }\n}", 64);
        assertEquals(Map.of(Bans.prefix("2001:db8:5::/64"), 3598L, Bans.prefix("2001:db8:7::1"), 10L), elements);
    }

    @Test
    void aRangeThatIsNotAPrefixIsListedAsARangeInCanonicalText()
    {
        final KernelListing listing = new KernelListing();
        NftListingParser.addTo(listing, "inet blocksync ban4", "set ban4 {\n elements = { 198.51.100.0/24 expires 5s, " +
            "198.51.100.3-198.51.100.9 timeout 1h expires 59m, 2001:db8:0:0::5-2001:db8::9 }\n}", 0);
        final int object = listing.indexOf("inet blocksync ban4");
        assertEquals(1, listing.elementCount(object));
        assertEquals(2, listing.rangeCount(object));
        assertEquals("198.51.100.3-198.51.100.9", listing.range(object, 0));
        assertEquals("2001:db8::5-2001:db8::9", listing.range(object, 1));
    }
}
