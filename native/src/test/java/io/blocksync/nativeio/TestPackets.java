package io.blocksync.nativeio;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;

import java.nio.ByteOrder;
import java.util.Arrays;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Hand-built IP packets, pflog records and NFLOG records, laid out from the headers' definitions.
 */
final class TestPackets
{
    static final int TCP = 6;
    static final int UDP = 17;
    static final int ICMP = 1;
    static final int ICMPV6 = 58;

    private TestPackets()
    {
    }

    static byte[] address(final String text)
    {
        final IpPrefix prefix = new IpPrefix();
        final String error = AddressText.parse(text, prefix, 32, 128);
        if (null != error)
        {
            throw new IllegalArgumentException(error);
        }
        if (4 == prefix.family() && text.contains(":"))
        {
            // IpPrefix normalises ::ffff:a.b.c.d to IPv4; a packet still carries the 16-byte form.
            final byte[] mapped = new byte[16];
            mapped[10] = (byte)0xFF;
            mapped[11] = (byte)0xFF;
            System.arraycopy(prefix.copyAddress(), 0, mapped, 12, 4);
            return mapped;
        }
        return Arrays.copyOf(prefix.copyAddress(), 4 == prefix.family() ? 4 : 16);
    }

    static byte[] tcp(final int sourcePort, final int destinationPort)
    {
        return new ByteWriter(BIG_ENDIAN)
            .u16(sourcePort).u16(destinationPort).u32(0x01020304).u32(0).u8(0x50).u8(0x02).u16(0xFAF0).u16(0).u16(0)
            .toArray();
    }

    static byte[] udp(final int sourcePort, final int destinationPort, final int payloadLength)
    {
        return new ByteWriter(BIG_ENDIAN)
            .u16(sourcePort).u16(destinationPort).u16(8 + payloadLength).u16(0).zeros(payloadLength)
            .toArray();
    }

    static byte[] icmp(final int type, final int code)
    {
        return new ByteWriter(BIG_ENDIAN).u8(type).u8(code).u16(0).u32(0).toArray();
    }

    static byte[] ipv4(final String source, final String destination, final int protocol, final byte[] payload)
    {
        return ipv4(source, destination, protocol, 0, 0, payload);
    }

    /**
     * @param optionWords 32-bit words of IP options (NOPs).
     * @param fragment    the flags and fragment offset field.
     */
    static byte[] ipv4(
        final String source,
        final String destination,
        final int protocol,
        final int optionWords,
        final int fragment,
        final byte[] payload)
    {
        final int headerLength = 20 + optionWords * 4;
        final ByteWriter out = new ByteWriter(BIG_ENDIAN)
            .u8(0x40 | (headerLength / 4)).u8(0).u16(headerLength + payload.length)
            .u16(0x1234).u16(fragment).u8(64).u8(protocol).u16(0)
            .bytes(address(source)).bytes(address(destination));
        for (int i = 0; i < optionWords * 4; i++)
        {
            out.u8(1);
        }
        return out.bytes(payload).toArray();
    }

    static byte[] ipv6(final String source, final String destination, final int nextHeader, final byte[] payload)
    {
        return new ByteWriter(BIG_ENDIAN)
            .u32(0x6000_0000L).u16(payload.length).u8(nextHeader).u8(64)
            .bytes(address(source)).bytes(address(destination))
            .bytes(payload)
            .toArray();
    }

    /**
     * A generic IPv6 extension header of 8 bytes (hop-by-hop, routing, destination options), padded with PadN.
     */
    static byte[] extension(final int nextHeader, final byte[] rest)
    {
        return new ByteWriter(BIG_ENDIAN).u8(nextHeader).u8(0).u8(1).u8(4).zeros(4).bytes(rest).toArray();
    }

    static byte[] fragmentHeader(final int nextHeader, final int offsetUnits, final boolean more, final byte[] rest)
    {
        return new ByteWriter(BIG_ENDIAN)
            .u8(nextHeader).u8(0).u16((offsetUnits << 3) | (more ? 1 : 0)).u32(0xCAFE)
            .bytes(rest).toArray();
    }

    static byte[] concat(final byte[]... parts)
    {
        final ByteWriter out = new ByteWriter(BIG_ENDIAN);
        for (final byte[] part : parts)
        {
            out.bytes(part);
        }
        return out.toArray();
    }

    /**
     * A pflog record: the common 61 bytes, the system's extension for the given length, padding to 4, the packet.
     * Layout from tcpdump's pflog.h and the shared README: rulenr/subrulenr big-endian, uid/pid host order.
     */
    static byte[] pflog(
        final int headerLength,
        final ByteOrder hostOrder,
        final int af,
        final int action,
        final String ifname,
        final String ruleset,
        final long ruleNumber,
        final int direction,
        final byte[] packet)
    {
        final ByteWriter out = new ByteWriter(BIG_ENDIAN)
            .u8(headerLength).u8(af).u8(action).u8(0)
            .text(ifname, 16).text(ruleset, 16)
            .u32(ruleNumber).u32(0xFFFF_FFFFL)
            .order(hostOrder).u32(1000).u32(4242).u32(0).u32(77)
            .order(BIG_ENDIAN).u8(direction);
        if (69 == headerLength)
        {
            out.zeros(3).u32(0xA1B2C3L).u8(0);
        }
        else if (100 == headerLength)
        {
            out.u8(0).u8(af).u8(0).zeros(16).zeros(16).u16(0).u16(0);
        }
        else
        {
            out.zeros(headerLength - 61);
        }
        return out.padTo4().bytes(packet).toArray();
    }

    /**
     * One NFLOG TLV: length and type in the attribute order, value as given (big-endian by convention).
     */
    static byte[] tlv(final ByteOrder attributeOrder, final int type, final byte[] value)
    {
        return new ByteWriter(attributeOrder).u16(4 + value.length).u16(type).bytes(value).padTo4().toArray();
    }

    static byte[] be32(final long value)
    {
        return new ByteWriter(BIG_ENDIAN).u32(value).toArray();
    }

    static byte[] cString(final String text)
    {
        return new ByteWriter(BIG_ENDIAN).text(text, text.length() + 1).toArray();
    }

    static byte[] nflog(final int family, final int group, final byte[]... tlvs)
    {
        final ByteWriter out = new ByteWriter(BIG_ENDIAN).u8(family).u8(0).u16(group);
        for (final byte[] tlv : tlvs)
        {
            out.bytes(tlv);
        }
        return out.toArray();
    }
}
