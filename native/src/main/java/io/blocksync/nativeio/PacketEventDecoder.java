package io.blocksync.nativeio;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * Turns one captured record of a supported link type into an {@link AttackEvent}: the log's own fields (pf
 * interface, action, rule; NFLOG group, log prefix) and the logged packet's addresses, protocol and ports.
 * <p>
 * Never throws on bad bytes and never allocates: a record that does not decode leaves an error in the event and
 * a non-OK result. Reuse one instance per thread.
 */
public final class PacketEventDecoder
{
    private final PflogHeaderFlyweight pflog = new PflogHeaderFlyweight();
    private final NflogRecordDecoder nflog = new NflogRecordDecoder();
    private final IpPacketDecoder ip = new IpPacketDecoder();
    private final byte[] text = new byte[AttackEvent.LOG_PREFIX_CAPACITY];

    /**
     * @param record the capture's word on the record: its time (nanoseconds since the epoch), its LINKTYPE_ value
     *               (see {@link LinkType}) and its byte order, that of NFLOG TLV headers and pflog uid/pid fields.
     * @param buffer holding the record.
     * @param offset of the record's first byte.
     * @param length captured bytes of the record.
     * @param into   reset, then filled.
     * @return OK, MALFORMED, TRUNCATED or UNSUPPORTED_LINK_TYPE, as also left in {@link AttackEvent#result()}.
     */
    public DecodeResult decode(
        final CaptureRecord record,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final AttackEvent into)
    {
        final int linkType = record.linkType();
        into.reset().timeNanos(record.timestampNanos()).linkType(linkType);
        switch (linkType)
        {
            case LinkType.PFLOG:
                decodePflog(buffer, offset, length, into);
                break;

            case LinkType.NFLOG:
                decodeNflog(record.byteOrder(), buffer, offset, length, into);
                break;

            case LinkType.RAW:
                decodeIp(buffer, offset, length, 0, 0, into);
                break;

            case LinkType.IPV4:
                decodeIp(buffer, offset, length, 4, 0, into);
                break;

            case LinkType.IPV6:
                decodeIp(buffer, offset, length, 6, 0, into);
                break;

            default:
                into.error(DecodeError.UNSUPPORTED_LINK_TYPE, 0, linkType, 0);
                break;
        }

        return into.result();
    }

    /**
     * @return the pflog header of the last pflog record, for fields the event does not carry.
     */
    public PflogHeaderFlyweight pflogHeader()
    {
        return pflog;
    }

    /**
     * @return the NFLOG decoder as left by the last NFLOG record, for fields the event does not carry.
     */
    public NflogRecordDecoder nflogRecord()
    {
        return nflog;
    }

    /**
     * @return the IP decoder as left by the last record.
     */
    public IpPacketDecoder ipPacket()
    {
        return ip;
    }

    private void decodePflog(final DirectBuffer buffer, final int offset, final int length, final AttackEvent into)
    {
        final DecodeError headerError = pflog.wrap(buffer, offset, length);
        if (DecodeError.NONE != headerError)
        {
            into.error(headerError, PflogHeaderFlyweight.LENGTH_OFFSET, pflog.errorValue(), pflog.errorLimit());
            return;
        }

        into.ifname().set(text, pflog.getIfname(text));
        into.logPrefix().set(text, pflog.getRuleset(text));
        into.action(pflog.action())
            .reason(pflog.reason())
            .direction(pflog.direction())
            .ruleNumber(pflog.ruleNumber())
            .subruleNumber(pflog.subruleNumber());

        final int af = pflog.addressFamily();
        final int version = PflogHeaderFlyweight.ipVersion(af);
        if (0 == version)
        {
            into.error(DecodeError.PFLOG_ADDRESS_FAMILY_UNKNOWN, PflogHeaderFlyweight.ADDRESS_FAMILY_OFFSET, af, 0);
            return;
        }

        final int packetOffset = pflog.packetOffset();
        decodeIp(buffer, offset + packetOffset, length - packetOffset, version, packetOffset, into);
    }

    private void decodeNflog(
        final ByteOrder byteOrder, final DirectBuffer buffer, final int offset, final int length, final AttackEvent into)
    {
        final DecodeError error = nflog.decode(buffer, offset, length, byteOrder);
        if (length >= NflogRecordDecoder.HEADER_LENGTH)
        {
            into.group(nflog.group());
        }

        if (DecodeError.NONE != error)
        {
            into.error(error, nflog.errorOffset(), nflog.errorValue(), nflog.errorLimit());
            return;
        }

        final int logPrefixLength = nflog.logPrefixLength();
        if (logPrefixLength > 0)
        {
            final LogText logPrefix = into.logPrefix();
            final int copied = Math.min(logPrefixLength, logPrefix.capacity());
            buffer.getBytes(nflog.logPrefixOffset(), logPrefix.bytes(), 0, copied);
            logPrefix.length(copied);
        }
        into.mark(nflog.mark())
            .inputInterfaceIndex(nflog.inputInterfaceIndex())
            .outputInterfaceIndex(nflog.outputInterfaceIndex())
            .uid(nflog.uid())
            .gid(nflog.gid());

        final int payloadLength = nflog.payloadLength();
        if (payloadLength < 0)
        {
            into.error(DecodeError.NFLOG_NO_PAYLOAD, 0, 0, 0);
            return;
        }

        final int family = nflog.family();
        final int version = NflogRecordDecoder.AF_INET == family ? 4 : (NflogRecordDecoder.AF_INET6 == family ? 6 : 0);
        final int payloadOffset = nflog.payloadOffset();
        decodeIp(buffer, payloadOffset, payloadLength, version, payloadOffset - offset, into);
    }

    private void decodeIp(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int expectedVersion,
        final int recordOffset,
        final AttackEvent into)
    {
        final DecodeError error = ip.decode(buffer, offset, length, expectedVersion);
        final LoggedPacket packet = into.packet();
        if (0 != ip.version())
        {
            packet.ipVersion(ip.version());
            ip.getSource(packet.source());
            ip.getDestination(packet.destination());
        }
        packet.protocol(ip.protocol())
            .sourcePort(ip.sourcePort())
            .destinationPort(ip.destinationPort())
            .icmpType(ip.icmpType())
            .icmpCode(ip.icmpCode())
            .truncated(ip.isPacketTruncated())
            .fragment(ip.isFragment());

        if (DecodeError.NONE != error)
        {
            into.error(error, recordOffset + ip.errorOffset(), ip.errorValue(), ip.errorLimit());
        }
    }
}
