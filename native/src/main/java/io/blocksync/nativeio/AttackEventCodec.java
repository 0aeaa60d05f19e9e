package io.blocksync.nativeio;

import io.blocksync.codec.IpPrefix;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Copies an {@link AttackEvent} to and from a fixed-size record of {@link #LENGTH} bytes, so that events can cross
 * threads through a ring buffer without an object per event. Host byte order: records never leave the process.
 * <pre>
 *     0 time nanos          8 record index        16 stream offset       24 rule number
 *    32 subrule number     40 input if index      48 output if index     56 uid
 *    64 gid                72 mark                80 error offset        88 error value
 *    96 error limit       104 link type (i32)    108 action             112 reason
 *   116 direction         120 group              124 protocol           128 source port
 *   132 destination port  136 icmp type          140 icmp code          144 error code (u16, DecodeError ordinal)
 *   146 ip version (u8)   147 flags (u8: 1 packet truncated, 2 fragment)
 *   148 source: family (u8), IP prefix length (u8), 16 address bytes
 *   166 destination: the same
 *   184 ifname length (u8)  185 log prefix length (u8)  186 ifname (16 bytes)  202 log prefix (128 bytes)
 *   330 end
 * </pre>
 * Never allocates. The error is stored as its ordinal, so records are only for the JVM that wrote them.
 */
public final class AttackEventCodec
{
    public static final int TIME_NANOS_OFFSET = 0;
    public static final int RECORD_INDEX_OFFSET = 8;
    public static final int STREAM_OFFSET_OFFSET = 16;
    public static final int RULE_NUMBER_OFFSET = 24;
    public static final int SUBRULE_NUMBER_OFFSET = 32;
    public static final int INPUT_INTERFACE_OFFSET = 40;
    public static final int OUTPUT_INTERFACE_OFFSET = 48;
    public static final int UID_OFFSET = 56;
    public static final int GID_OFFSET = 64;
    public static final int MARK_OFFSET = 72;
    public static final int ERROR_OFFSET_OFFSET = 80;
    public static final int ERROR_VALUE_OFFSET = 88;
    public static final int ERROR_LIMIT_OFFSET = 96;
    public static final int LINK_TYPE_OFFSET = 104;
    public static final int ACTION_OFFSET = 108;
    public static final int REASON_OFFSET = 112;
    public static final int DIRECTION_OFFSET = 116;
    public static final int GROUP_OFFSET = 120;
    public static final int PROTOCOL_OFFSET = 124;
    public static final int SOURCE_PORT_OFFSET = 128;
    public static final int DESTINATION_PORT_OFFSET = 132;
    public static final int ICMP_TYPE_OFFSET = 136;
    public static final int ICMP_CODE_OFFSET = 140;
    public static final int ERROR_CODE_OFFSET = 144;
    public static final int IP_VERSION_OFFSET = 146;
    public static final int FLAGS_OFFSET = 147;
    public static final int SOURCE_OFFSET = 148;
    public static final int DESTINATION_OFFSET = 166;
    public static final int IFNAME_LENGTH_OFFSET = 184;
    public static final int LOG_PREFIX_LENGTH_OFFSET = 185;
    public static final int IFNAME_OFFSET = 186;
    public static final int LOG_PREFIX_OFFSET = IFNAME_OFFSET + AttackEvent.IFNAME_CAPACITY;
    public static final int LENGTH = LOG_PREFIX_OFFSET + AttackEvent.LOG_PREFIX_CAPACITY;

    /** Within the source and destination fields: an {@link IpPrefix}. */
    public static final int IP_PREFIX_FAMILY_OFFSET = 0;
    public static final int IP_PREFIX_LENGTH_OFFSET = 1;
    public static final int IP_PREFIX_ADDRESS_OFFSET = 2;

    public static final int FLAG_PACKET_TRUNCATED = 1;
    public static final int FLAG_FRAGMENT = 2;

    private static final DecodeError[] ERRORS = DecodeError.values();

    private AttackEventCodec()
    {
    }

    /**
     * @param event  to copy.
     * @param buffer to write to.
     * @param offset of the record; {@link #LENGTH} bytes are written.
     */
    public static void encode(final AttackEvent event, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putLong(offset + TIME_NANOS_OFFSET, event.timeNanos());
        buffer.putLong(offset + RECORD_INDEX_OFFSET, event.recordIndex());
        buffer.putLong(offset + STREAM_OFFSET_OFFSET, event.streamOffset());
        buffer.putLong(offset + RULE_NUMBER_OFFSET, event.ruleNumber());
        buffer.putLong(offset + SUBRULE_NUMBER_OFFSET, event.subruleNumber());
        buffer.putLong(offset + INPUT_INTERFACE_OFFSET, event.inputInterfaceIndex());
        buffer.putLong(offset + OUTPUT_INTERFACE_OFFSET, event.outputInterfaceIndex());
        buffer.putLong(offset + UID_OFFSET, event.uid());
        buffer.putLong(offset + GID_OFFSET, event.gid());
        buffer.putLong(offset + MARK_OFFSET, event.mark());
        buffer.putLong(offset + ERROR_OFFSET_OFFSET, event.errorOffset());
        buffer.putLong(offset + ERROR_VALUE_OFFSET, event.errorValue());
        buffer.putLong(offset + ERROR_LIMIT_OFFSET, event.errorLimit());
        buffer.putInt(offset + LINK_TYPE_OFFSET, event.linkType());
        buffer.putInt(offset + ACTION_OFFSET, event.action());
        buffer.putInt(offset + REASON_OFFSET, event.reason());
        buffer.putInt(offset + DIRECTION_OFFSET, event.direction());
        buffer.putInt(offset + GROUP_OFFSET, event.group());
        buffer.putShort(offset + ERROR_CODE_OFFSET, (short)event.error().ordinal());

        final LoggedPacket packet = event.packet();
        buffer.putInt(offset + PROTOCOL_OFFSET, packet.protocol());
        buffer.putInt(offset + SOURCE_PORT_OFFSET, packet.sourcePort());
        buffer.putInt(offset + DESTINATION_PORT_OFFSET, packet.destinationPort());
        buffer.putInt(offset + ICMP_TYPE_OFFSET, packet.icmpType());
        buffer.putInt(offset + ICMP_CODE_OFFSET, packet.icmpCode());
        buffer.putByte(offset + IP_VERSION_OFFSET, (byte)packet.ipVersion());
        buffer.putByte(offset + FLAGS_OFFSET, (byte)(
            (packet.isTruncated() ? FLAG_PACKET_TRUNCATED : 0) | (packet.isFragment() ? FLAG_FRAGMENT : 0)));
        encodeIpPrefix(packet.source(), buffer, offset + SOURCE_OFFSET);
        encodeIpPrefix(packet.destination(), buffer, offset + DESTINATION_OFFSET);

        final LogText ifname = event.ifname();
        final LogText logPrefix = event.logPrefix();
        buffer.putByte(offset + IFNAME_LENGTH_OFFSET, (byte)ifname.length());
        buffer.putByte(offset + LOG_PREFIX_LENGTH_OFFSET, (byte)logPrefix.length());
        buffer.putBytes(offset + IFNAME_OFFSET, ifname.bytes(), 0, ifname.length());
        buffer.putBytes(offset + LOG_PREFIX_OFFSET, logPrefix.bytes(), 0, logPrefix.length());
    }

    /**
     * @param buffer holding a record written by {@link #encode}.
     * @param offset of the record.
     * @param into   reset, then filled.
     */
    public static void decode(final DirectBuffer buffer, final int offset, final AttackEvent into)
    {
        into.reset()
            .timeNanos(buffer.getLong(offset + TIME_NANOS_OFFSET))
            .record(buffer.getLong(offset + RECORD_INDEX_OFFSET), buffer.getLong(offset + STREAM_OFFSET_OFFSET))
            .ruleNumber(buffer.getLong(offset + RULE_NUMBER_OFFSET))
            .subruleNumber(buffer.getLong(offset + SUBRULE_NUMBER_OFFSET))
            .inputInterfaceIndex(buffer.getLong(offset + INPUT_INTERFACE_OFFSET))
            .outputInterfaceIndex(buffer.getLong(offset + OUTPUT_INTERFACE_OFFSET))
            .uid(buffer.getLong(offset + UID_OFFSET))
            .gid(buffer.getLong(offset + GID_OFFSET))
            .mark(buffer.getLong(offset + MARK_OFFSET))
            .linkType(buffer.getInt(offset + LINK_TYPE_OFFSET))
            .action(buffer.getInt(offset + ACTION_OFFSET))
            .reason(buffer.getInt(offset + REASON_OFFSET))
            .direction(buffer.getInt(offset + DIRECTION_OFFSET))
            .group(buffer.getInt(offset + GROUP_OFFSET));
        into.packet()
            .protocol(buffer.getInt(offset + PROTOCOL_OFFSET))
            .sourcePort(buffer.getInt(offset + SOURCE_PORT_OFFSET))
            .destinationPort(buffer.getInt(offset + DESTINATION_PORT_OFFSET))
            .icmpType(buffer.getInt(offset + ICMP_TYPE_OFFSET))
            .icmpCode(buffer.getInt(offset + ICMP_CODE_OFFSET))
            .ipVersion(buffer.getByte(offset + IP_VERSION_OFFSET) & 0xFF);

        final int flags = buffer.getByte(offset + FLAGS_OFFSET);
        into.packet().truncated(0 != (flags & FLAG_PACKET_TRUNCATED)).fragment(0 != (flags & FLAG_FRAGMENT));

        final DecodeError error = ERRORS[buffer.getShort(offset + ERROR_CODE_OFFSET) & 0xFFFF];
        if (DecodeError.NONE != error)
        {
            into.error(error, buffer.getLong(offset + ERROR_OFFSET_OFFSET), buffer.getLong(offset + ERROR_VALUE_OFFSET),
                buffer.getLong(offset + ERROR_LIMIT_OFFSET));
        }

        decodeIpPrefix(buffer, offset + SOURCE_OFFSET, into.packet().source());
        decodeIpPrefix(buffer, offset + DESTINATION_OFFSET, into.packet().destination());
        decodeText(buffer, offset + IFNAME_LENGTH_OFFSET, offset + IFNAME_OFFSET, into.ifname());
        decodeText(buffer, offset + LOG_PREFIX_LENGTH_OFFSET, offset + LOG_PREFIX_OFFSET, into.logPrefix());
    }

    private static void decodeText(final DirectBuffer buffer, final int lengthAt, final int bytesAt, final LogText into)
    {
        final int length = Math.min(buffer.getByte(lengthAt) & 0xFF, into.capacity());
        buffer.getBytes(bytesAt, into.bytes(), 0, length);
        into.length(length);
    }

    private static void encodeIpPrefix(final IpPrefix prefix, final MutableDirectBuffer buffer, final int offset)
    {
        buffer.putByte(offset + IP_PREFIX_FAMILY_OFFSET, (byte)prefix.family());
        buffer.putByte(offset + IP_PREFIX_LENGTH_OFFSET, (byte)prefix.prefixLength());
        prefix.getAddress(buffer, offset + IP_PREFIX_ADDRESS_OFFSET);
    }

    private static void decodeIpPrefix(final DirectBuffer buffer, final int offset, final IpPrefix into)
    {
        into.setAddress(
            buffer.getByte(offset + IP_PREFIX_FAMILY_OFFSET) & 0xFF,
            buffer,
            offset + IP_PREFIX_ADDRESS_OFFSET,
            buffer.getByte(offset + IP_PREFIX_LENGTH_OFFSET) & 0xFF);
    }
}
