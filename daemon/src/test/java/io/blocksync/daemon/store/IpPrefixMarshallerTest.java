package io.blocksync.daemon.store;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The store's key, byte for byte: family, prefix length, then the 16-byte address field in network order (what
 * existing state files hold, so a faster write must give the same bytes), and back, one marshaller reused.
 */
class IpPrefixMarshallerTest
{
    @Test
    void writesTheEighteenByteKeyAndReadsItBack()
    {
        final IpPrefixMarshaller marshaller = new IpPrefixMarshaller().copy();
        check(marshaller, "198.51.100.7/32", "04" + "20" + "c6336407" + "00".repeat(12));
        check(marshaller, "2001:db8:1:2::/64", "06" + "40" + "20010db800010002" + "00".repeat(8));
        check(marshaller, "203.0.113.0/24", "04" + "18" + "cb007100" + "00".repeat(12));
        check(marshaller, "2001:db8:ffff:fffe:1:2:3:4/128", "06" + "80" + "20010db8fffffffe0001000200030004");
    }

    private static void check(final IpPrefixMarshaller marshaller, final String text, final String hex)
    {
        final IpPrefix prefix = new IpPrefix();
        assertEquals(null, AddressText.parse(text, prefix, 32, 128));
        final Bytes<?> out = Bytes.allocateElasticDirect(IpPrefixMarshaller.LENGTH);
        try
        {
            marshaller.write(out, marshaller.size(prefix), prefix);
            assertEquals(hex, HexFormat.of().formatHex(out.toByteArray()), text);

            final IpPrefix read = marshaller.read(out, IpPrefixMarshaller.LENGTH, new IpPrefix());
            assertEquals(prefix, read, text);
        }
        finally
        {
            out.releaseLast();
        }
    }
}
