package io.blocksync.nativeio;

import io.blocksync.codec.AddressFamily;
import io.blocksync.codec.IpPrefix;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * A flyweight over rtnetlink datagrams from an {@link AddressMonitorSocket}: walks the netlink messages and hands each
 * interface address to an {@link AddressMessageHandler}, allocating nothing.
 * <pre>
 *   nlmsghdr  (linux/netlink.h):  0 length u32  4 type u16  6 flags u16  8 sequence u32  12 port id u32
 *   ifaddrmsg (linux/if_addr.h): 16 family u8  17 prefixlen u8  18 flags u8  19 scope u8  20 index u32
 *   then rtattr attributes (IFA_ADDRESS 1, IFA_LOCAL 2, IFA_LABEL 3, ...), each padded to 4 bytes
 * </pre>
 * All fields are in the host's byte order; addresses in network order. Only RTM_NEWADDR (20) and RTM_DELADDR (21) of
 * AF_INET (2) and AF_INET6 (10) are decoded; NLMSG_DONE (3) and NLMSG_ERROR (2) end a dump; anything else is
 * skipped. A message whose length is impossible ends the datagram and is counted malformed, as is an address
 * message without an address of its family's length. Not thread safe.
 */
public final class AddressMessageDecoder
{
    public static final int HEADER_LENGTH = 16;
    public static final int IFADDRMSG_LENGTH = 8;
    public static final int TYPE_NLMSG_ERROR = 2;
    public static final int TYPE_NLMSG_DONE = 3;
    public static final int TYPE_RTM_NEWADDR = 20;
    public static final int TYPE_RTM_DELADDR = 21;
    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    private static final int TYPE_OFFSET = 4;
    private static final int SEQUENCE_OFFSET = 8;
    private static final int FAMILY_OFFSET = HEADER_LENGTH;
    private static final int PREFIX_LENGTH_OFFSET = HEADER_LENGTH + 1;
    private static final int INDEX_OFFSET = HEADER_LENGTH + 4;
    private static final ByteOrder HOST_ORDER = ByteOrder.nativeOrder();

    private final AddressMessageHandler handler;
    private final NetlinkAttributeReader attributes = new NetlinkAttributeReader();
    private final IpPrefix address = new IpPrefix();
    private final byte[] addressBytes = new byte[AddressFamily.ADDRESS_FIELD_LENGTH];
    private long addressMessages;
    private long malformed;

    /**
     * @param handler receives every address and dump end, on the calling thread.
     */
    public AddressMessageDecoder(final AddressMessageHandler handler)
    {
        this.handler = handler;
    }

    /**
     * @param buffer holding the datagram.
     * @param offset of its first byte.
     * @param length bytes of it in the buffer.
     * @return address messages handed to the handler.
     */
    public int onDatagram(final DirectBuffer buffer, final int offset, final int length)
    {
        int delivered = 0;
        int position = offset;
        final int end = offset + length;
        while (end - position >= HEADER_LENGTH)
        {
            final long messageLength = buffer.getInt(position, HOST_ORDER) & 0xFFFF_FFFFL;
            if (messageLength < HEADER_LENGTH || messageLength > end - position)
            {
                malformed++;
                return delivered;
            }
            final int type = buffer.getShort(position + TYPE_OFFSET, HOST_ORDER) & 0xFFFF;
            final int sequence = buffer.getInt(position + SEQUENCE_OFFSET, HOST_ORDER);
            if (TYPE_RTM_NEWADDR == type || TYPE_RTM_DELADDR == type)
            {
                if (onAddressMessage(buffer, position, (int)messageLength, TYPE_RTM_NEWADDR == type, sequence))
                {
                    delivered++;
                }
            }
            else if (TYPE_NLMSG_DONE == type)
            {
                handler.onDumpEnd(sequence, 0);
            }
            else if (TYPE_NLMSG_ERROR == type && messageLength >= HEADER_LENGTH + 4)
            {
                // struct nlmsgerr: a negative errno, then the request's header; 0 would be an ack, which dumps do not get.
                handler.onDumpEnd(sequence, -buffer.getInt(position + HEADER_LENGTH, HOST_ORDER));
            }
            position += NetlinkAttributeReader.paddedLength((int)messageLength);
        }
        return delivered;
    }

    /**
     * @return RTM_NEWADDR and RTM_DELADDR messages of AF_INET or AF_INET6 handed on so far.
     */
    public long addressMessages()
    {
        return addressMessages;
    }

    /**
     * @return messages skipped because a length or an address did not add up.
     */
    public long malformed()
    {
        return malformed;
    }

    private boolean onAddressMessage(
        final DirectBuffer buffer, final int offset, final int length, final boolean added, final int sequence)
    {
        if (length < HEADER_LENGTH + IFADDRMSG_LENGTH)
        {
            malformed++;
            return false;
        }
        final int kernelFamily = buffer.getByte(offset + FAMILY_OFFSET) & 0xFF;
        final int family = AF_INET == kernelFamily ? AddressFamily.IPV4 : AF_INET6 == kernelFamily ? AddressFamily.IPV6 : 0;
        if (0 == family)
        {
            return false;
        }
        final int addressLength = AddressFamily.addressLength(family);
        int localOffset = -1;
        int addressOffset = -1;
        attributes.wrap(buffer, offset + HEADER_LENGTH + IFADDRMSG_LENGTH, length - HEADER_LENGTH - IFADDRMSG_LENGTH,
            HOST_ORDER);
        while (attributes.next())
        {
            if (attributes.valueLength() == addressLength)
            {
                if (IFA_LOCAL == attributes.type())
                {
                    localOffset = attributes.valueOffset();
                }
                else if (IFA_ADDRESS == attributes.type())
                {
                    addressOffset = attributes.valueOffset();
                }
            }
        }
        final int valueOffset = localOffset >= 0 ? localOffset : addressOffset;
        if (DecodeError.NONE != attributes.error() || valueOffset < 0)
        {
            malformed++;
            return false;
        }

        buffer.getBytes(valueOffset, addressBytes, 0, addressLength);
        address.set(family, addressBytes, AddressFamily.maxPrefixLength(family));
        addressMessages++;
        handler.onAddress(added, buffer.getInt(offset + INDEX_OFFSET, HOST_ORDER), address,
            buffer.getByte(offset + PREFIX_LENGTH_OFFSET) & 0xFF, sequence);
        return true;
    }
}
