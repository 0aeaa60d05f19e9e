package io.blocksync.daemon;

import io.blocksync.daemon.config.SourceConfig;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.nativeio.AttackEventRing;
import io.blocksync.nativeio.EventSource;
import io.blocksync.nativeio.NflogSource;
import io.blocksync.nativeio.PcapPipeSource;
import io.blocksync.nativeio.PfTableSource;
import io.blocksync.nativeio.PflogFileSource;
import io.blocksync.nativeio.SourceCounter;
import io.blocksync.nativeio.SourceCounters;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The configured [source] sections as running {@link EventSource}s, one ring each, and their counters copied into
 * the status file once a second for {@code blocksync status}.
 */
public final class EventSources implements AutoCloseable
{
    /** pflogd writes in bursts; half a second keeps the follow latency well under its own buffering. */
    private static final long PFLOG_POLL_MILLIS = 500;
    private static final SourceCounter[] COUNTERS = SourceCounter.values();

    private final List<EventSource> sources = new ArrayList<>();
    private final AttackEventRing[] rings;
    private final SourceCounters[] sourceCounters;
    private final AtomicCounter[][] published;

    public EventSources(
        final List<SourceConfig> configs, final Runnable wakeLoop, final Consumer<String> log, final CountersManager counters)
    {
        rings = new AttackEventRing[configs.size()];
        sourceCounters = new SourceCounters[configs.size()];
        published = new AtomicCounter[configs.size()][];
        for (int i = 0; i < configs.size(); i++)
        {
            final SourceConfig config = configs.get(i);
            rings[i] = new AttackEventRing(AttackEventRing.DEFAULT_CAPACITY_EVENTS);
            rings[i].consumerWakeup(wakeLoop);
            final EventSource source = create(config, rings[i], log);
            sources.add(source);
            sourceCounters[i] = source.counters();
            published[i] = new AtomicCounter[COUNTERS.length];
            for (int c = 0; c < COUNTERS.length; c++)
            {
                published[i][c] = counter(counters, config, COUNTERS[c]);
            }
        }
    }

    public AttackEventRing[] rings()
    {
        return rings.clone();
    }

    public void start()
    {
        for (final EventSource source : sources)
        {
            source.start();
        }
    }

    /** Loop thread, about once a second: plain stores into the status file. */
    public void publishCounters()
    {
        for (int i = 0; i < sourceCounters.length; i++)
        {
            final SourceCounters from = sourceCounters[i];
            for (int c = 0; c < COUNTERS.length; c++)
            {
                published[i][c].setRelease(from.get(COUNTERS[c]));
            }
        }
    }

    public void close()
    {
        for (final EventSource source : sources)
        {
            try
            {
                source.close();
            }
            catch (final Exception ex)
            {
                // closing the others matters more
            }
        }
    }

    private static EventSource create(final SourceConfig config, final AttackEventRing ring, final Consumer<String> log)
    {
        switch (config.type())
        {
            case SourceConfig.NFLOG:
                return new NflogSource(config.name(), config.group(), ring, log);
            case SourceConfig.PFLOG_FILE:
                return new PflogFileSource(config.name(), config.path(), false, PFLOG_POLL_MILLIS, ring, log);
            case SourceConfig.PCAP_PIPE:
                return new PcapPipeSource(config.name(), config.command(), ring, log);
            case SourceConfig.PF_TABLE:
                return new PfTableSource(config.name(), config.table(), config.intervalMillis(), config.expireSeconds(), ring, log);
            default:
                throw new IllegalArgumentException("unknown source type " + config.type());
        }
    }

    /** The key holds the counter's stable id, so adding a counter renumbers none of the others. */
    private static AtomicCounter counter(
        final CountersManager counters, final SourceConfig config, final SourceCounter counter)
    {
        return counters.newCounter("source " + config.name() + " " + counter.label(),
            NodeCounters.SOURCE_COUNTER_TYPE_ID, key -> key.putInt(0, counter.id()));
    }
}
