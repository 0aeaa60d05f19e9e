package io.blocksync.nativeio;

import io.blocksync.codec.AddressText;

import java.util.ArrayList;
import java.util.List;

/**
 * An immutable copy of an {@link AttackEvent}, for assertions after the reused event has moved on.
 */
record SeenEvent(
    DecodeResult result,
    DecodeError error,
    long timeNanos,
    int linkType,
    long recordIndex,
    String ifname,
    int action,
    int reason,
    int direction,
    long ruleNumber,
    long subruleNumber,
    int group,
    String logPrefix,
    int ipVersion,
    int protocol,
    String source,
    int sourcePort,
    String destination,
    int destinationPort,
    int icmpType,
    int icmpCode,
    boolean packetTruncated,
    String summary)
{
    static SeenEvent of(final AttackEvent event)
    {
        final StringBuilder ifname = new StringBuilder();
        event.ifname().appendTo(ifname);
        final StringBuilder prefix = new StringBuilder();
        event.logPrefix().appendTo(prefix);

        return new SeenEvent(
            event.result(),
            event.error(),
            event.timeNanos(),
            event.linkType(),
            event.recordIndex(),
            ifname.toString(),
            event.action(),
            event.reason(),
            event.direction(),
            event.ruleNumber(),
            event.subruleNumber(),
            event.group(),
            prefix.toString(),
            event.packet().ipVersion(),
            event.packet().protocol(),
            event.packet().hasAddresses() ? AddressText.format(event.packet().source()) : null,
            event.packet().sourcePort(),
            event.packet().hasAddresses() ? AddressText.format(event.packet().destination()) : null,
            event.packet().destinationPort(),
            event.packet().icmpType(),
            event.packet().icmpCode(),
            event.packet().isTruncated(),
            event.toString());
    }

    /**
     * Collects copies of every event a capture produces.
     */
    static final class Collector implements AttackEventHandler
    {
        final List<SeenEvent> events = new ArrayList<>();

        @Override
        public void onEvent(final AttackEvent event)
        {
            events.add(SeenEvent.of(event));
        }

        List<String> summaries()
        {
            final List<String> out = new ArrayList<>();
            for (final SeenEvent event : events)
            {
                out.add(event.summary());
            }
            return out;
        }
    }
}
