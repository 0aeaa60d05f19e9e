package io.blocksync.nativeio;

import io.blocksync.codec.AddressText;

/**
 * The one-line text form of an {@link AttackEvent}, for logs, the CLI and tests: e.g.
 * {@code pflog ifname=vio0 action=1 rule=5 proto=6 src=10.200.200.254 sport=41917 dst=10.200.200.154 dport=23}.
 * Appends to a caller's builder, so a reused builder costs nothing per event.
 */
final class AttackEventText
{
    private AttackEventText()
    {
    }

    /**
     * Append the summary; absent fields are left out, a failed record ends with {@code error="..."}. The log
     * prefix appears as {@code prefix="..."}, the key operators' scripts read.
     */
    static void appendSummary(final AttackEvent event, final StringBuilder out)
    {
        out.append(LinkType.name(event.linkType()));
        if (!event.ifname().isEmpty())
        {
            out.append(" ifname=");
            event.ifname().appendTo(out);
        }
        appendField(out, " action=", event.action());
        appendField(out, " dir=", event.direction());
        appendField(out, " rule=", event.ruleNumber());
        appendField(out, " group=", event.group());
        if (!event.logPrefix().isEmpty())
        {
            out.append(" prefix=\"");
            event.logPrefix().appendTo(out);
            out.append('"');
        }

        final LoggedPacket packet = event.packet();
        appendField(out, " proto=", packet.protocol());
        if (packet.hasAddresses())
        {
            out.append(" src=");
            AddressText.append(packet.source(), out);
        }
        appendField(out, " sport=", packet.sourcePort());
        if (packet.hasAddresses())
        {
            out.append(" dst=");
            AddressText.append(packet.destination(), out);
        }
        appendField(out, " dport=", packet.destinationPort());
        appendField(out, " icmp_type=", packet.icmpType());
        appendField(out, " icmp_code=", packet.icmpCode());
        if (DecodeError.NONE != event.error())
        {
            out.append(' ').append(resultName(event.result())).append("=\"");
            appendError(event, out);
            out.append('"');
        }
    }

    /**
     * Append what is wrong, e.g. {@code "record 1 at byte 24: TLV claims 256 bytes, only 8 remain (offset 4)"}.
     */
    static void appendError(final AttackEvent event, final StringBuilder out)
    {
        final DecodeError error = event.error();
        if (event.recordIndex() > 0)
        {
            out.append("record ").append(event.recordIndex()).append(" at byte ").append(event.streamOffset())
                .append(": ");
            error.appendMessage(out, event.errorValue(), event.errorLimit());
            out.append(" (record offset ").append(event.errorOffset()).append(')');
        }
        else
        {
            out.append("byte ").append(event.errorOffset()).append(": ");
            error.appendMessage(out, event.errorValue(), event.errorLimit());
        }
    }

    private static String resultName(final DecodeResult result)
    {
        switch (result)
        {
            case MALFORMED:
                return "malformed";
            case TRUNCATED:
                return "truncated";
            case UNSUPPORTED_LINK_TYPE:
                return "unsupported";
            default:
                return "ok";
        }
    }

    private static void appendField(final StringBuilder out, final String name, final long value)
    {
        if (AttackEvent.NONE != value)
        {
            out.append(name).append(value);
        }
    }
}
