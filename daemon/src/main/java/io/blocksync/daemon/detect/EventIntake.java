package io.blocksync.daemon.detect;

import io.blocksync.nativeio.AttackEvent;
import io.blocksync.nativeio.AttackEventHandler;
import io.blocksync.nativeio.AttackEventRing;

/**
 * The loop's side of the event sources: each source thread fills its own ring; every duty cycle this drains a
 * bounded number of events from each ring into the {@link Detector}, tagged with the source's index so rules can
 * match on it. A flood from one source cannot starve the network side of the loop.
 */
public final class EventIntake implements AttackEventHandler
{
    private static final int MAX_EVENTS_PER_SOURCE_PER_CYCLE = 256;

    private final AttackEventRing[] rings;
    private final Detector detector;
    private int sourceIndex;
    private long nowMillis;

    public EventIntake(final AttackEventRing[] rings, final Detector detector)
    {
        this.rings = rings.clone();
        this.detector = detector;
    }

    /**
     * @param nowMillis the node's steady time, ms: rule windows count on it, so a wall-clock step neither closes nor
     *                  stretches one.
     * @return events handled.
     */
    public int poll(final long nowMillis)
    {
        this.nowMillis = nowMillis;
        int work = 0;
        for (int i = 0; i < rings.length; i++)
        {
            sourceIndex = i;
            work += rings[i].drain(this, MAX_EVENTS_PER_SOURCE_PER_CYCLE);
        }
        return work;
    }

    public boolean isEmpty()
    {
        for (final AttackEventRing ring : rings)
        {
            if (ring.size() > 0)
            {
                return false;
            }
        }
        return true;
    }

    public void onEvent(final AttackEvent event)
    {
        detector.onEvent(sourceIndex, event, nowMillis);
    }
}
