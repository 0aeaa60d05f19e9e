package io.blocksync.nativeio;

import java.util.function.Consumer;

/**
 * The end of a source's decoding chain: puts each event that names an attacker into the ring and counts the rest.
 * <p>
 * An event goes into the ring when it carries addresses and decoded fully or was only cut short (a small snap
 * length still names the source). Anything else (a malformed record, an unsupported link type, a broken capture
 * stream) is counted as malformed and logged at the 1st, 2nd, 4th, 8th, ... occurrence with what is wrong and
 * where. Runs on the source's thread.
 */
public final class RingEventPublisher implements AttackEventHandler
{
    private final String sourceName;
    private final AttackEventRing ring;
    private final SourceCounters counters;
    private final Consumer<String> log;
    private boolean muted;

    /**
     * @param sourceName for log lines.
     * @param ring       to put events into.
     * @param counters   the source's counters.
     * @param log        receives one line per logged problem.
     */
    public RingEventPublisher(
        final String sourceName, final AttackEventRing ring, final SourceCounters counters, final Consumer<String> log)
    {
        this.sourceName = sourceName;
        this.ring = ring;
        this.counters = counters;
        this.log = log;
    }

    /**
     * @param muted true to let events pass without a trace, for history read before a file is followed.
     */
    public void muted(final boolean muted)
    {
        this.muted = muted;
    }

    @Override
    public void onEvent(final AttackEvent event)
    {
        if (muted)
        {
            return;
        }

        final DecodeResult result = event.result();
        if (event.packet().hasAddresses() && (DecodeResult.OK == result || DecodeResult.TRUNCATED == result))
        {
            if (ring.offer(event))
            {
                counters.incrementEvents();
            }
            else if (SourceCounters.isWorthLogging(counters.incrementDropped()))
            {
                log.accept(sourceName + ": event ring full, " + counters.dropped() +
                    " events dropped so far; the event loop is not keeping up");
            }
            return;
        }

        final long malformed = counters.incrementMalformed();
        if (SourceCounters.isWorthLogging(malformed))
        {
            final StringBuilder line = new StringBuilder(160).append(sourceName).append(": skipped (")
                .append(malformed).append(" so far): ");
            event.appendError(line);
            if (DecodeError.NONE == event.error())
            {
                line.append("no source address in ");
                event.appendTo(line);
            }
            log.accept(line.toString());
        }
    }
}
