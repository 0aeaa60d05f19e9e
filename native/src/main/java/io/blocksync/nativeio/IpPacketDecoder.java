package io.blocksync.nativeio;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import org.agrona.DirectBuffer;

import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * Reads the fields a ban needs from an IPv4 or IPv6 packet: addresses, the upper-layer protocol, ports (TCP, UDP,
 * UDP-Lite, SCTP, DCCP; see {@link IpProtocol#hasPorts(int)}) or ICMP type and code. IPv6 extension headers
 * (hop-by-hop, routing, fragment, destination options, AH, mobility, HIP, shim6) are skipped; only a first
 * fragment has ports.
 * <p>
 * Reuse one instance. {@link #decode} reads only inside the region it is given and never throws on bad bytes; the
 * fields read before an error stay valid (for example the addresses of a packet cut short before its ports).
 */
public final class IpPacketDecoder
{
    public static final int IPV4_MIN_HEADER_LENGTH = 20;
    public static final int IPV4_TOTAL_LENGTH_OFFSET = 2;
    public static final int IPV4_FRAGMENT_OFFSET = 6;
    public static final int IPV4_PROTOCOL_OFFSET = 9;
    public static final int IPV4_SOURCE_OFFSET = 12;
    public static final int IPV4_DESTINATION_OFFSET = 16;

    public static final int IPV6_HEADER_LENGTH = 40;
    public static final int IPV6_PAYLOAD_LENGTH_OFFSET = 4;
    public static final int IPV6_NEXT_HEADER_OFFSET = 6;
    public static final int IPV6_SOURCE_OFFSET = 8;
    public static final int IPV6_DESTINATION_OFFSET = 24;
    public static final int IPV6_EXTENSION_MIN_LENGTH = 8;
    public static final int IPV6_FRAGMENT_HEADER_LENGTH = 8;

    public static final int PORTS_LENGTH = 4;
    public static final int ICMP_TYPE_CODE_LENGTH = 2;

    private static final int IPV4_MORE_FRAGMENTS = 0x2000;
    private static final int IPV4_FRAGMENT_OFFSET_MASK = 0x1FFF;

    private final byte[] scratch = new byte[AddressFamily.ADDRESS_FIELD_LENGTH];

    private DirectBuffer buffer;
    private int offset;
    private int version;
    private int protocol;
    private int sourcePort;
    private int destinationPort;
    private int icmpType;
    private int icmpCode;
    private int sourceOffset;
    private int destinationOffset;
    private int transportOffset;
    private boolean packetTruncated;
    private boolean fragment;
    private boolean laterFragment;
    private int errorOffset;
    private long errorValue;
    private long errorLimit;

    /**
     * Decode a packet whose IP version is taken from its first nibble.
     *
     * @param buffer holding the packet.
     * @param offset of the IP header.
     * @param length captured bytes from the IP header on.
     * @return {@link DecodeError#NONE} or what is wrong.
     */
    public DecodeError decode(final DirectBuffer buffer, final int offset, final int length)
    {
        return decode(buffer, offset, length, 0);
    }

    /**
     * Decode a packet whose link header announced its IP version.
     *
     * @param buffer          holding the packet.
     * @param offset          of the IP header.
     * @param length          captured bytes from the IP header on.
     * @param expectedVersion 4 or 6, or 0 to accept either.
     * @return {@link DecodeError#NONE} or what is wrong; {@link #errorOffset()} says where, relative to the packet.
     */
    public DecodeError decode(final DirectBuffer buffer, final int offset, final int length, final int expectedVersion)
    {
        this.buffer = buffer;
        this.offset = offset;
        version = 0;
        protocol = -1;
        sourcePort = -1;
        destinationPort = -1;
        icmpType = -1;
        icmpCode = -1;
        transportOffset = -1;
        packetTruncated = false;
        fragment = false;
        laterFragment = false;

        if (length < 1)
        {
            return fail(DecodeError.IP_HEADER_TRUNCATED, 0, Math.max(0, length), IPV4_MIN_HEADER_LENGTH);
        }

        final int nibble = (buffer.getByte(offset) & 0xF0) >>> 4;
        if (4 != nibble && 6 != nibble)
        {
            return fail(DecodeError.NOT_IP, 0, nibble, 0);
        }

        if (0 != expectedVersion && nibble != expectedVersion)
        {
            return fail(DecodeError.IP_VERSION_MISMATCH, 0, nibble, expectedVersion);
        }

        return 4 == nibble ? decodeIpv4(length) : decodeIpv6(length);
    }

    /**
     * @return 4 or 6 once the addresses were read, else 0.
     */
    public int version()
    {
        return version;
    }

    /**
     * @return the upper-layer protocol after any IPv6 extension headers, or -1 if unknown.
     */
    public int protocol()
    {
        return protocol;
    }

    /**
     * @return source port, or -1 for a protocol without ports, a later fragment or a packet cut short.
     */
    public int sourcePort()
    {
        return sourcePort;
    }

    public int destinationPort()
    {
        return destinationPort;
    }

    /**
     * @return ICMP or ICMPv6 type, or -1.
     */
    public int icmpType()
    {
        return icmpType;
    }

    public int icmpCode()
    {
        return icmpCode;
    }

    /**
     * @return true if fewer bytes were captured than the IP length field says (normal with a small snap length).
     */
    public boolean isPacketTruncated()
    {
        return packetTruncated;
    }

    /**
     * @return true if the packet is a fragment, first or later.
     */
    public boolean isFragment()
    {
        return fragment;
    }

    /**
     * @return true for a fragment other than the first, which carries no ports.
     */
    public boolean isLaterFragment()
    {
        return laterFragment;
    }

    /**
     * @return offset of the transport header relative to the packet, or -1.
     */
    public int transportOffset()
    {
        return transportOffset;
    }

    /**
     * @param into receives the source as a host prefix (/32 or /128); an IPv4-mapped IPv6 source becomes IPv4.
     */
    public void getSource(final IpPrefix into)
    {
        getAddress(sourceOffset, into);
    }

    public void getDestination(final IpPrefix into)
    {
        getAddress(destinationOffset, into);
    }

    /**
     * @param into receives the 4 or 16 source address bytes in network order.
     */
    public void getSourceBytes(final byte[] into)
    {
        buffer.getBytes(offset + sourceOffset, into, 0, addressLength());
    }

    public void getDestinationBytes(final byte[] into)
    {
        buffer.getBytes(offset + destinationOffset, into, 0, addressLength());
    }

    /**
     * @return where the last error was found, relative to the packet.
     */
    public int errorOffset()
    {
        return errorOffset;
    }

    public long errorValue()
    {
        return errorValue;
    }

    public long errorLimit()
    {
        return errorLimit;
    }

    private int addressLength()
    {
        return 4 == version ? AddressFamily.IPV4_ADDRESS_LENGTH : AddressFamily.IPV6_ADDRESS_LENGTH;
    }

    private void getAddress(final int at, final IpPrefix into)
    {
        final int length = addressLength();
        buffer.getBytes(offset + at, scratch, 0, length);
        into.set(4 == version ? AddressFamily.IPV4 : AddressFamily.IPV6, scratch, length * 8);
    }

    private DecodeError decodeIpv4(final int length)
    {
        if (length < IPV4_MIN_HEADER_LENGTH)
        {
            return fail(DecodeError.IP_HEADER_TRUNCATED, 0, length, IPV4_MIN_HEADER_LENGTH);
        }

        version = 4;
        sourceOffset = IPV4_SOURCE_OFFSET;
        destinationOffset = IPV4_DESTINATION_OFFSET;
        protocol = buffer.getByte(offset + IPV4_PROTOCOL_OFFSET) & 0xFF;

        final int headerLength = (buffer.getByte(offset) & 0x0F) * 4;
        if (headerLength < IPV4_MIN_HEADER_LENGTH)
        {
            return fail(DecodeError.IP_HEADER_LENGTH_INVALID, 0, headerLength, IPV4_MIN_HEADER_LENGTH);
        }

        final int totalLength = buffer.getShort(offset + IPV4_TOTAL_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        // Segmentation offload hands up packets with total length 0; trust the capture then.
        if (0 != totalLength && totalLength < headerLength)
        {
            return fail(DecodeError.IP_TOTAL_LENGTH_INVALID, IPV4_TOTAL_LENGTH_OFFSET, totalLength, headerLength);
        }
        packetTruncated = totalLength > length;
        final int end = 0 == totalLength ? length : Math.min(length, totalLength);

        final int fragmentField = buffer.getShort(offset + IPV4_FRAGMENT_OFFSET, BIG_ENDIAN) & 0xFFFF;
        final int fragmentOffset = fragmentField & IPV4_FRAGMENT_OFFSET_MASK;
        fragment = 0 != fragmentOffset || 0 != (fragmentField & IPV4_MORE_FRAGMENTS);
        laterFragment = 0 != fragmentOffset;
        if (laterFragment)
        {
            return DecodeError.NONE;
        }

        if (headerLength > end)
        {
            return fail(DecodeError.IP_HEADER_TRUNCATED, 0, end, headerLength);
        }

        return decodeTransport(headerLength, end);
    }

    private DecodeError decodeIpv6(final int length)
    {
        if (length < IPV6_HEADER_LENGTH)
        {
            return fail(DecodeError.IP_HEADER_TRUNCATED, 0, length, IPV6_HEADER_LENGTH);
        }

        version = 6;
        sourceOffset = IPV6_SOURCE_OFFSET;
        destinationOffset = IPV6_DESTINATION_OFFSET;

        final int payloadLength = buffer.getShort(offset + IPV6_PAYLOAD_LENGTH_OFFSET, BIG_ENDIAN) & 0xFFFF;
        // Payload length 0 means a jumbogram (or offload); trust the capture then.
        final int declared = IPV6_HEADER_LENGTH + payloadLength;
        packetTruncated = 0 != payloadLength && declared > length;
        final int end = 0 == payloadLength ? length : Math.min(length, declared);

        int nextHeader = buffer.getByte(offset + IPV6_NEXT_HEADER_OFFSET) & 0xFF;
        int at = IPV6_HEADER_LENGTH;
        while (true)
        {
            protocol = nextHeader;
            final int headerLength;
            switch (nextHeader)
            {
                case IpProtocol.HOP_BY_HOP:
                case IpProtocol.ROUTING:
                case IpProtocol.DESTINATION_OPTIONS:
                case IpProtocol.MOBILITY:
                case IpProtocol.HIP:
                case IpProtocol.SHIM6:
                    if (at + IPV6_EXTENSION_MIN_LENGTH > end)
                    {
                        return fail(DecodeError.IPV6_EXTENSION_TRUNCATED, at, end - at, IPV6_EXTENSION_MIN_LENGTH);
                    }
                    headerLength = ((buffer.getByte(offset + at + 1) & 0xFF) + 1) * 8;
                    break;

                case IpProtocol.AH:
                    if (at + IPV6_EXTENSION_MIN_LENGTH > end)
                    {
                        return fail(DecodeError.IPV6_EXTENSION_TRUNCATED, at, end - at, IPV6_EXTENSION_MIN_LENGTH);
                    }
                    headerLength = ((buffer.getByte(offset + at + 1) & 0xFF) + 2) * 4;
                    break;

                case IpProtocol.FRAGMENT:
                    if (at + IPV6_FRAGMENT_HEADER_LENGTH > end)
                    {
                        return fail(DecodeError.IPV6_EXTENSION_TRUNCATED, at, end - at, IPV6_FRAGMENT_HEADER_LENGTH);
                    }
                    fragment = true;
                    laterFragment = 0 != (buffer.getShort(offset + at + 2, BIG_ENDIAN) & 0xFFF8);
                    headerLength = IPV6_FRAGMENT_HEADER_LENGTH;
                    break;

                default:
                    return decodeTransport(at, end);
            }

            if (at + headerLength > end)
            {
                return fail(DecodeError.IPV6_EXTENSION_TRUNCATED, at, end - at, headerLength);
            }
            nextHeader = buffer.getByte(offset + at) & 0xFF;
            at += headerLength;

            if (laterFragment)
            {
                protocol = nextHeader;
                return DecodeError.NONE;
            }
        }
    }

    private DecodeError decodeTransport(final int at, final int end)
    {
        transportOffset = at;
        if (IpProtocol.hasPorts(protocol))
        {
            if (at + PORTS_LENGTH > end)
            {
                return fail(DecodeError.TRANSPORT_HEADER_TRUNCATED, at, end - at, PORTS_LENGTH);
            }
            sourcePort = buffer.getShort(offset + at, BIG_ENDIAN) & 0xFFFF;
            destinationPort = buffer.getShort(offset + at + 2, BIG_ENDIAN) & 0xFFFF;
        }
        else if (IpProtocol.isIcmp(protocol))
        {
            if (at + ICMP_TYPE_CODE_LENGTH > end)
            {
                return fail(DecodeError.TRANSPORT_HEADER_TRUNCATED, at, end - at, ICMP_TYPE_CODE_LENGTH);
            }
            icmpType = buffer.getByte(offset + at) & 0xFF;
            icmpCode = buffer.getByte(offset + at + 1) & 0xFF;
        }

        return DecodeError.NONE;
    }

    private DecodeError fail(final DecodeError error, final int at, final long value, final long limit)
    {
        errorOffset = at;
        errorValue = value;
        errorLimit = limit;

        return error;
    }
}
