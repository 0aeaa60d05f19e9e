package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Walks a datagram read from an {@link NflogSocket} and decodes each NFULNL_MSG_PACKET into the one reused
 * {@link AttackEvent}:
 * <pre>
 *   nlmsghdr: 0 length (u32)  4 type (u16)  6 flags (u16)  8 sequence (u32)  12 port id (u32)   all host order
 *   then the body, which is exactly a DLT_NFLOG record: nfgenmsg (family, version, group BE16) + attributes
 *   each message padded to 4 bytes
 * </pre>
 * The body goes to the same {@link PacketEventDecoder} as capture files, with the host's byte order for the
 * attribute headers. The event's time is the kernel's TIMESTAMP attribute when present (the kernel omits it
 * unless the packet was timestamped), else the receive time. Other message types (acks, done) are counted and
 * skipped; a message whose length is impossible ends the datagram with one failed event. Not thread safe.
 */
public final class NflogMessageDecoder
{
    public static final int HEADER_LENGTH = 16;
    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int FLAGS_OFFSET = 6;
    public static final int SEQUENCE_OFFSET = 8;
    public static final int PORT_ID_OFFSET = 12;
    public static final int ALIGNMENT = 4;

    /** NFNL_SUBSYS_ULOG (4) in the high byte, NFULNL_MSG_PACKET (0) in the low one. */
    public static final int TYPE_NFLOG_PACKET = 4 << 8;
    public static final int TYPE_NLMSG_ERROR = 2;
    public static final int TYPE_NLMSG_DONE = 3;

    private static final ByteOrder HOST_ORDER = ByteOrder.nativeOrder();

    private final AttackEventHandler handler;
    private final PacketEventDecoder decoder = new PacketEventDecoder();
    private final AttackEvent event = new AttackEvent();
    /** The message body is a DLT_NFLOG record in host order, timed by its arrival. */
    private final CaptureRecord record = new CaptureRecord().link(LinkType.NFLOG, HOST_ORDER, 0);

    private long packetCount;
    private long otherMessageCount;
    private long malformedCount;

    /**
     * @param handler receives every packet message's event, failed ones included, on the calling thread.
     */
    public NflogMessageDecoder(final AttackEventHandler handler)
    {
        this.handler = handler;
    }

    /**
     * @param buffer           holding the datagram.
     * @param offset           of its first byte.
     * @param length           bytes of it in the buffer.
     * @param receiveTimeNanos when it was read, nanoseconds since the epoch.
     * @return events handed to the handler, failed ones included.
     */
    public int onDatagram(final DirectBuffer buffer, final int offset, final int length, final long receiveTimeNanos)
    {
        int delivered = 0;
        int position = offset;
        final int end = offset + length;
        while (end - position >= HEADER_LENGTH)
        {
            final long messageLength = buffer.getInt(position + LENGTH_OFFSET, HOST_ORDER) & 0xFFFF_FFFFL;
            if (messageLength < HEADER_LENGTH || messageLength > end - position)
            {
                malformedCount++;
                event.reset().linkType(LinkType.NFLOG).timeNanos(receiveTimeNanos)
                    .error(DecodeError.NETLINK_MESSAGE_LENGTH_INVALID, position - offset, messageLength, end - position);
                handler.onEvent(event);
                return delivered + 1;
            }

            final int type = buffer.getShort(position + TYPE_OFFSET, HOST_ORDER) & 0xFFFF;
            if (TYPE_NFLOG_PACKET == type)
            {
                decodePacket(buffer, position, (int)messageLength, receiveTimeNanos);
                delivered++;
            }
            else
            {
                otherMessageCount++;
            }

            position += (int)Math.min(align(messageLength), end - position);
        }

        return delivered;
    }

    /**
     * Report a datagram that did not fit the receive buffer, as one failed event.
     *
     * @param datagramLength   the datagram's real length.
     * @param bufferLength     bytes the buffer could take.
     * @param receiveTimeNanos when it was read.
     */
    public void onTruncatedDatagram(final int datagramLength, final int bufferLength, final long receiveTimeNanos)
    {
        malformedCount++;
        event.reset().linkType(LinkType.NFLOG).timeNanos(receiveTimeNanos)
            .error(DecodeError.NETLINK_DATAGRAM_TRUNCATED, 0, datagramLength, bufferLength);
        handler.onEvent(event);
    }

    /**
     * @return the decoder, for fields of the last record that the event does not carry.
     */
    public PacketEventDecoder packetDecoder()
    {
        return decoder;
    }

    /**
     * @return NFLOG packet messages decoded, failed ones included.
     */
    public long packetCount()
    {
        return packetCount;
    }

    /**
     * @return messages of other types, skipped.
     */
    public long otherMessageCount()
    {
        return otherMessageCount;
    }

    /**
     * @return impossible message lengths and truncated datagrams.
     */
    public long malformedCount()
    {
        return malformedCount;
    }

    private void decodePacket(
        final DirectBuffer buffer, final int messageOffset, final int messageLength, final long receiveTimeNanos)
    {
        packetCount++;
        final int bodyLength = messageLength - HEADER_LENGTH;
        record.packet(receiveTimeNanos, bodyLength, bodyLength);
        decoder.decode(record, buffer, messageOffset + HEADER_LENGTH, bodyLength, event);
        final long kernelTime = decoder.nflogRecord().timestampNanos();
        if (kernelTime > 0 && event.isOk())
        {
            event.timeNanos(kernelTime);
        }
        handler.onEvent(event);
    }

    private static long align(final long length)
    {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
