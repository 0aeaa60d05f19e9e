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
        event.ifname().appendTo(ifname);
        final StringBuilder prefix = new StringBuilder();
        event.logPrefix().appendTo(prefix);

        return "time=" + event.timeNanos() +
            " link=" + event.linkType() +
            " record=" + event.recordIndex() + "@" + event.streamOffset() +
            " result=" + event.result() +
            " error=" + event.error() + "@" + event.errorOffset() + "/" + event.errorValue() + "/" + event.errorLimit() +
            " ifname=" + ifname + "(" + event.ifname().length() + ")" +
            " prefix=" + prefix + "(" + event.logPrefix().length() + ")" +
            " action=" + event.action() +
            " reason=" + event.reason() +
            " dir=" + event.direction() +
            " rule=" + event.ruleNumber() + "." + event.subruleNumber() +
            " group=" + event.group() +
            " if=" + event.inputInterfaceIndex() + ">" + event.outputInterfaceIndex() +
            " uid=" + event.uid() + " gid=" + event.gid() + " mark=" + event.mark() +
            " ip=" + event.packet().ipVersion() +
            " proto=" + event.packet().protocol() +
            " src=" + AddressText.format(event.packet().source()) + ":" + event.packet().sourcePort() +
            " dst=" + AddressText.format(event.packet().destination()) + ":" + event.packet().destinationPort() +
            " icmp=" + event.packet().icmpType() + "/" + event.packet().icmpCode() +
            " truncated=" + event.packet().isTruncated() +
            " fragment=" + event.packet().isFragment();
    }
}
