package io.blocksync.nativeio;

import io.blocksync.codec.AddressText;

/**
 * Every field of an {@link AttackEvent} as text, so that two events compare field by field in one assertion.
 */
final class EventFields
{
    private EventFields()
    {
    }

    static String of(final AttackEvent event)
    {
        final StringBuilder ifname = new StringBuilder();
        event.appendIfname(ifname);
        final StringBuilder prefix = new StringBuilder();
        event.appendPrefix(prefix);

        return "time=" + event.timeNanos() +
            " link=" + event.linkType() +
            " record=" + event.recordIndex() + "@" + event.streamOffset() +
            " result=" + event.result() +
            " error=" + event.error() + "@" + event.errorOffset() + "/" + event.errorValue() + "/" + event.errorLimit() +
            " ifname=" + ifname + "(" + event.ifnameLength() + ")" +
            " prefix=" + prefix + "(" + event.prefixLength() + ")" +
            " action=" + event.action() +
            " reason=" + event.reason() +
            " dir=" + event.direction() +
            " rule=" + event.ruleNumber() + "." + event.subruleNumber() +
            " group=" + event.group() +
            " if=" + event.inputInterfaceIndex() + ">" + event.outputInterfaceIndex() +
            " uid=" + event.uid() + " gid=" + event.gid() + " mark=" + event.mark() +
            " ip=" + event.ipVersion() +
            " proto=" + event.protocol() +
            " src=" + AddressText.format(event.source()) + ":" + event.sourcePort() +
            " dst=" + AddressText.format(event.destination()) + ":" + event.destinationPort() +
            " icmp=" + event.icmpType() + "/" + event.icmpCode() +
            " truncated=" + event.isPacketTruncated() +
            " fragment=" + event.isFragment();
    }
}
