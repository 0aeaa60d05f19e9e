package io.blocksync.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static io.blocksync.codec.AddressFamily.IPV4;
import static io.blocksync.codec.AddressFamily.IPV6;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpPrefixTest
{
    private static IpPrefix prefix(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 128);
        assertNull(error, text);

        return prefix;
    }

    private static byte[] bytes16(final int... values)
    {
        final byte[] bytes = new byte[16];
        for (int i = 0; i < values.length; i++)
        {
            bytes[i] = (byte)values[i];
        }

        return bytes;
    }

    private static byte[] mapped(final int a, final int b, final int c, final int d)
    {
        return bytes16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d);
    }

    @Test
    void shouldStartAsIpv4DefaultRoute()
    {
        final IpPrefix prefix = new IpPrefix();

        assertEquals(IPV4, prefix.family());
        assertEquals(0, prefix.prefixLength());
        assertArrayEquals(new byte[16], prefix.copyAddress());
        assertEquals("0.0.0.0/0", prefix.toString());
    }

    @Test
    void shouldSetIpv4AndZeroTheTail()
    {
        final byte[] address = bytes16(192, 0, 2, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9);
        final IpPrefix prefix = new IpPrefix();

        assertSame(prefix, prefix.set(IPV4, address, 32));

        assertEquals(IPV4, prefix.family());
        assertEquals(32, prefix.prefixLength());
        assertArrayEquals(bytes16(192, 0, 2, 1), prefix.copyAddress());
        assertEquals("192.0.2.1", prefix.toString());
    }

    @Test
    void shouldSetIpv4FromFourByteArray()
    {
        final IpPrefix prefix = new IpPrefix().set(IPV4, new byte[]{ (byte)198, 51, 100, 0 }, 24);

        assertEquals(prefix("198.51.100.0/24"), prefix);
    }

    @Test
    void shouldSetIpv6()
    {
        final byte[] address = bytes16(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
        final IpPrefix prefix = new IpPrefix().set(IPV6, address, 128);

        assertEquals(IPV6, prefix.family());
        assertEquals(128, prefix.prefixLength());
        assertArrayEquals(address, prefix.copyAddress());
        assertEquals("2001:db8::1", prefix.toString());
    }

    @Test
    void shouldNotAliasTheCallersArray()
    {
        final byte[] address = bytes16(192, 0, 2, 1);
        final IpPrefix prefix = new IpPrefix().set(IPV4, address, 32);
        address[3] = 2;

        assertEquals(1, prefix.addressByte(3));

        final byte[] copy = prefix.copyAddress();
        copy[3] = 3;
        assertEquals(1, prefix.addressByte(3));
    }

    @Test
    void shouldRejectInvalidArgumentsAndKeepValue()
    {
        final IpPrefix prefix = prefix("192.0.2.0/24");
        final IpPrefix before = new IpPrefix().set(prefix);

        assertThrows(IllegalArgumentException.class, () -> prefix.set(5, new byte[16], 0));
        assertThrows(IllegalArgumentException.class, () -> prefix.set(0, new byte[16], 0));
        assertThrows(IllegalArgumentException.class, () -> prefix.set(IPV4, new byte[16], -1));
        assertThrows(IllegalArgumentException.class, () -> prefix.set(IPV4, new byte[16], 33));
        assertThrows(IllegalArgumentException.class, () -> prefix.set(IPV6, new byte[16], 129));
        assertThrows(IllegalArgumentException.class, () -> prefix.set(IPV6, new byte[4], 64));
        assertThrows(IllegalArgumentException.class, () -> prefix.set(IPV4, new byte[3], 24));
        assertThrows(
            IllegalArgumentException.class, () -> prefix.setAddress(7, new UnsafeBuffer(new byte[16]), 0, 0));
        assertThrows(
            IllegalArgumentException.class, () -> prefix.setAddress(IPV4, new UnsafeBuffer(new byte[16]), 0, 33));

        assertEquals(before, prefix);
    }

    @Test
    void shouldNormaliseMappedHostToIpv4()
    {
        final IpPrefix prefix = new IpPrefix().set(IPV6, mapped(192, 0, 2, 1), 128);

        assertEquals(IPV4, prefix.family());
        assertEquals(32, prefix.prefixLength());
        assertArrayEquals(bytes16(192, 0, 2, 1), prefix.copyAddress());
    }

    @Test
    void shouldNormaliseMappedPrefixToIpv4()
    {
        assertEquals(prefix("192.0.2.0/24"), new IpPrefix().set(IPV6, mapped(192, 0, 2, 0), 120));
        assertEquals(prefix("0.0.0.0/0"), new IpPrefix().set(IPV6, mapped(0, 0, 0, 0), 96));
    }

    @Test
    void shouldKeepMappedPrefixShorterThan96AsIpv6()
    {
        final IpPrefix prefix = new IpPrefix().set(IPV6, mapped(192, 0, 2, 1), 95);

        assertEquals(IPV6, prefix.family());
        assertEquals(95, prefix.prefixLength());
        assertArrayEquals(mapped(192, 0, 2, 1), prefix.copyAddress());
    }

    @Test
    void shouldNotNormaliseOtherIpv6Forms()
    {
        // ::192.0.2.1 (deprecated IPv4-compatible) and 64:ff9b::/96 are real IPv6 addresses.
        final byte[] compatible = bytes16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1);
        final byte[] nat64 = bytes16(0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1);
        final byte[] almostMapped = bytes16(0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 192, 0, 2, 1);

        assertEquals(IPV6, new IpPrefix().set(IPV6, compatible, 128).family());
        assertEquals(IPV6, new IpPrefix().set(IPV6, nat64, 128).family());
        assertEquals(IPV6, new IpPrefix().set(IPV6, almostMapped, 128).family());
    }

    @Test
    void shouldDetectMappedAddresses()
    {
        assertTrue(IpPrefix.isIpv4Mapped(mapped(192, 0, 2, 1)));
        assertTrue(IpPrefix.isIpv4Mapped(mapped(0, 0, 0, 0)));
        assertFalse(IpPrefix.isIpv4Mapped(bytes16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 192, 0, 2, 1)));
        assertFalse(IpPrefix.isIpv4Mapped(bytes16(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1)));
        assertFalse(IpPrefix.isIpv4Mapped(bytes16(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1)));
    }

    @Test
    void shouldReadAddressFromBufferAtOffset()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        buffer.setMemory(0, 40, (byte)0x7f);
        final byte[] address = prefix("2001:db8::5").copyAddress();
        buffer.putBytes(7, address);

        final IpPrefix prefix = new IpPrefix().setAddress(IPV6, buffer, 7, 128);

        assertEquals(prefix("2001:db8::5"), prefix);
    }

    @Test
    void shouldIgnoreIpv4PaddingWhenReadingFromBuffer()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        buffer.setMemory(0, 16, (byte)0xff);
        buffer.putBytes(0, new byte[]{ (byte)203, 0, 113, 0 });

        final IpPrefix prefix = new IpPrefix().setAddress(IPV4, buffer, 0, 24);

        assertEquals(prefix("203.0.113.0/24"), prefix);
        assertArrayEquals(bytes16(203, 0, 113, 0), prefix.copyAddress());
    }

    @Test
    void shouldNormaliseMappedWhenReadingFromBuffer()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(mapped(198, 51, 100, 7));

        assertEquals(prefix("198.51.100.7"), new IpPrefix().setAddress(IPV6, buffer, 0, 128));
    }

    @Test
    void shouldWriteAddressToBufferAtOffsetOnly()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[40]);
        buffer.setMemory(0, 40, (byte)0x7f);
        final IpPrefix prefix = prefix("198.51.100.0/24");

        prefix.getAddress(buffer, 3);

        final byte[] written = new byte[16];
        buffer.getBytes(3, written);
        assertArrayEquals(bytes16(198, 51, 100, 0), written);
        assertEquals(0x7f, buffer.getByte(2));
        assertEquals(0x7f, buffer.getByte(19));
    }

    @Test
    void shouldRoundTripThroughBuffer()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[16]);
        for (final String text : Arrays.asList("192.0.2.0/24", "2001:db8::/32", "2001:db8:1:2::/64", "::/0"))
        {
            final IpPrefix original = prefix(text);
            original.getAddress(buffer, 0);

            final IpPrefix decoded = new IpPrefix().setAddress(original.family(), buffer, 0, original.prefixLength());

            assertEquals(original, decoded, text);
        }
    }

    @Test
    void shouldReturnAddressBytesUnsigned()
    {
        final IpPrefix prefix = prefix("2001:db8:ffff::");

        assertEquals(0x20, prefix.addressByte(0));
        assertEquals(0xb8, prefix.addressByte(3));
        assertEquals(255, prefix.addressByte(4));
        assertEquals(0, prefix.addressByte(15));
    }

    @Test
    void shouldCopyAnotherPrefix()
    {
        final IpPrefix source = prefix("2001:db8::/48");
        final IpPrefix target = prefix("192.0.2.1");

        assertSame(target, target.set(source));
        assertEquals(source, target);
        assertNotSame(source, target);

        source.maskTo(32);
        assertEquals(prefix("2001:db8::/48"), target);
    }

    @Test
    void shouldReportHostBitsZero()
    {
        assertTrue(prefix("0.0.0.0/0").isHostBitsZero());
        assertTrue(prefix("192.0.2.0/24").isHostBitsZero());
        assertTrue(prefix("192.0.2.128/25").isHostBitsZero());
        assertTrue(prefix("192.0.2.255").isHostBitsZero());
        assertTrue(prefix("2001:db8::/32").isHostBitsZero());
        assertTrue(prefix("2001:db8::1").isHostBitsZero());

        final IpPrefix ipv4 = new IpPrefix();
        assertFalse(ipv4.set(IPV4, bytes16(192, 0, 2, 5), 24).isHostBitsZero());
        assertFalse(ipv4.set(IPV4, bytes16(192, 0, 2, 129), 25).isHostBitsZero());
        assertFalse(ipv4.set(IPV4, bytes16(192, 0, 2, 0), 0).isHostBitsZero());
        assertTrue(ipv4.set(IPV4, bytes16(192, 0, 2, 128), 25).isHostBitsZero());

        final IpPrefix ipv6 = new IpPrefix().set(IPV6, prefix("2001:db8::1").copyAddress(), 64);
        assertFalse(ipv6.isHostBitsZero());
        assertFalse(ipv6.set(IPV6, prefix("2001:db8::").copyAddress(), 28).isHostBitsZero());
        assertTrue(ipv6.set(IPV6, prefix("2001:db8::").copyAddress(), 29).isHostBitsZero());
    }

    @Test
    void shouldMaskIpv6HostToSlash64()
    {
        final IpPrefix prefix = prefix("2001:db8:1:2:3:4:5:6");

        assertSame(prefix, prefix.maskTo(64));

        assertEquals(prefix("2001:db8:1:2::/64"), prefix);
        assertTrue(prefix.isHostBitsZero());
    }

    @Test
    void shouldMaskToUnalignedLengths()
    {
        assertEquals(prefix("192.0.2.224/27"), prefix("192.0.2.255").maskTo(27));
        assertEquals(prefix("198.51.100.0/22"), new IpPrefix().set(IPV4, bytes16(198, 51, 103, 255), 32).maskTo(22));
        assertEquals(prefix("2001:db8::/29"), prefix("2001:dbf:ffff::1").maskTo(29));
        assertEquals(prefix("0.0.0.0/0"), prefix("203.0.113.9").maskTo(0));
        assertEquals(prefix("::/0"), prefix("2001:db8::1").maskTo(0));
    }

    @Test
    void shouldMaskToLongerLengthWithoutChangingAddress()
    {
        assertEquals(prefix("192.0.2.0"), prefix("192.0.2.0/24").maskTo(32));
    }

    @Test
    void shouldNormaliseAfterMask()
    {
        final IpPrefix prefix = new IpPrefix().set(IPV6, mapped(192, 0, 2, 1), 80);

        prefix.maskTo(128);

        assertEquals(prefix("192.0.2.1"), prefix);
    }

    @Test
    void shouldRejectMaskBeyondFamily()
    {
        final IpPrefix prefix = prefix("192.0.2.0/24");

        assertThrows(IllegalArgumentException.class, () -> prefix.maskTo(33));
        assertThrows(IllegalArgumentException.class, () -> prefix.maskTo(-1));
        assertThrows(IllegalArgumentException.class, () -> prefix("2001:db8::").maskTo(129));
        assertEquals(prefix("192.0.2.0/24"), prefix);
    }

    @Test
    void shouldContainSubPrefixes()
    {
        final IpPrefix net = prefix("192.0.2.0/24");

        assertTrue(net.contains(net));
        assertTrue(net.contains(prefix("192.0.2.0/24")));
        assertTrue(net.contains(prefix("192.0.2.128/25")));
        assertTrue(net.contains(prefix("192.0.2.1")));
        assertTrue(net.contains(prefix("192.0.2.255")));
        assertFalse(net.contains(prefix("192.0.3.0")));
        assertFalse(net.contains(prefix("198.51.100.0/24")));
        assertFalse(net.contains(prefix("192.0.2.0/23")));
        assertFalse(prefix("192.0.2.128/25").contains(prefix("192.0.2.127")));
        assertTrue(prefix("192.0.2.128/25").contains(prefix("192.0.2.200")));
    }

    @Test
    void shouldContainIpv6SubPrefixes()
    {
        assertTrue(prefix("2001:db8::/32").contains(prefix("2001:db8:1::/48")));
        assertTrue(prefix("2001:db8::/32").contains(prefix("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertFalse(prefix("2001:db8::/32").contains(prefix("2001:db9::1")));
        assertFalse(prefix("2001:db8:1::/48").contains(prefix("2001:db8::/32")));
        assertTrue(prefix("::/0").contains(prefix("2001:db8::1")));
    }

    @Test
    void shouldNotContainOtherFamily()
    {
        assertTrue(prefix("0.0.0.0/0").contains(prefix("203.0.113.1")));
        assertFalse(prefix("0.0.0.0/0").contains(prefix("2001:db8::1")));
        assertFalse(prefix("::/0").contains(prefix("203.0.113.1")));
        assertFalse(prefix("::/0").overlaps(prefix("0.0.0.0/0")));
    }

    @Test
    void shouldOverlapSymmetrically()
    {
        final IpPrefix big = prefix("198.51.100.0/24");
        final IpPrefix small = prefix("198.51.100.64/26");
        final IpPrefix lowHalf = prefix("198.51.100.0/25");
        final IpPrefix highHalf = prefix("198.51.100.128/25");

        assertTrue(big.overlaps(small));
        assertTrue(small.overlaps(big));
        assertTrue(lowHalf.overlaps(small));
        assertFalse(highHalf.overlaps(small));
        assertFalse(small.overlaps(highHalf));
        assertFalse(lowHalf.overlaps(highHalf));
        assertTrue(big.overlaps(big));
        assertFalse(big.overlaps(prefix("203.0.113.0/24")));
        assertTrue(prefix("2001:db8::/32").overlaps(prefix("2001:db8:1::1")));
        assertFalse(prefix("2001:db8::/33").overlaps(prefix("2001:db8:8000::/33")));
    }

    @Test
    void shouldCompareEqualValues()
    {
        final IpPrefix a = prefix("2001:db8::/32");
        final IpPrefix b = new IpPrefix().set(IPV6, prefix("2001:db8::").copyAddress(), 32);

        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(0, a.compareTo(b));
        assertEquals(a, a);
    }

    @Test
    void shouldDistinguishFamilyLengthAndAddress()
    {
        final IpPrefix ipv4Any = prefix("0.0.0.0/0");
        final IpPrefix ipv6Any = prefix("::/0");

        assertArrayEquals(ipv4Any.copyAddress(), ipv6Any.copyAddress());
        assertNotEquals(ipv4Any, ipv6Any);
        assertNotEquals(prefix("192.0.2.0/24"), prefix("192.0.2.0/25"));
        assertNotEquals(prefix("192.0.2.0/24"), prefix("198.51.100.0/24"));
        assertNotEquals(prefix("192.0.2.0/24"), null);
        assertNotEquals(prefix("192.0.2.0/24"), "192.0.2.0/24");
    }

    @Test
    void shouldOrderByFamilyThenUnsignedAddressThenLength()
    {
        final List<IpPrefix> expected = Arrays.asList(
            prefix("0.0.0.0/0"),
            prefix("0.0.0.1"),
            prefix("192.0.2.0/24"),
            prefix("192.0.2.0/25"),
            prefix("192.0.2.0"),
            prefix("192.0.2.128/25"),
            prefix("198.51.100.0/24"),
            prefix("203.0.113.0/24"),
            prefix("::/0"),
            prefix("::1"),
            prefix("2001:db8::/32"),
            prefix("2001:db8::/64"),
            prefix("2001:db8:8000::/33"),
            prefix("ff02::1"));

        final List<IpPrefix> shuffled = new ArrayList<>(expected);
        Collections.reverse(shuffled);
        Collections.swap(shuffled, 0, 7);
        Collections.sort(shuffled);

        assertEquals(expected, shuffled);
        for (int i = 0; i < expected.size(); i++)
        {
            for (int j = 0; j < expected.size(); j++)
            {
                assertEquals(Integer.signum(Integer.compare(i, j)),
                    Integer.signum(expected.get(i).compareTo(expected.get(j))), i + " vs " + j);
            }
        }
    }

    @Test
    void shouldFormatAsCanonicalText()
    {
        assertEquals("192.0.2.0/24", prefix("192.0.2.0/24").toString());
        assertEquals("2001:db8::/32", prefix("2001:0DB8:0::/32").toString());
        assertEquals("2001:db8::1", prefix("2001:db8::1/128").toString());
    }
}
