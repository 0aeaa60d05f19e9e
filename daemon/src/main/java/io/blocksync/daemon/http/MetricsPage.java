package io.blocksync.daemon.http;

import io.blocksync.daemon.node.Peer;
import io.blocksync.daemon.status.EnforcementLatency;
import io.blocksync.daemon.status.PeerFigures;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the Prometheus text format (version 0.0.4), rendered by the official client
 * (prometheus-metrics-core callbacks, prometheus-metrics-exposition-textformats). Every metric is read at scrape time
 * from the status file's counters or the lock-free {@link EnforcementLatency}; nothing is registered globally and the
 * loop is never asked. Names and types: docs/METRICS.md.
 */
final class MetricsPage
{
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    static final String PREFIX = "blocksync_";

    /** Node counters that are levels, not counts: exported as gauges, without {@code _total}. */
    static final Set<String> GAUGE_LABELS = Set.of(
        "store_entries", "state_sync_last_micros", "clock_frame_offset_ms", "wal_checkpoint_last_micros",
        "expiry_index_entries", "firewall_full_check_last_ms");
    /**
     * Peer fields exported under names of their own (below), or not at all: acked_batches and sent_batches are stream
     * positions (epoch-based, near 2^60, beyond a double's precision), exported as their difference. Any other peer
     * field becomes a gauge as labelled.
     */
    private static final Set<String> PEER_FIELDS_NAMED = Set.of(
        "state", "last_heard_ms", "rtt_us", "clock_offset_ms", "retransmits", "batches_received", "sync_frames_sent",
        "acked_batches", "sent_batches");
    private static final String[] PEER_LABELS = { "peer", "name" };

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final CounterSlots slots;

    MetricsPage(final HttpSources sources, final CounterSlots slots)
    {
        this.slots = slots;
        final Info info = Info.builder().name(PREFIX + "node").help("This node: its id and firewall backend (value 1).")
            .labelNames("node", "firewall_backend").register(registry);
        info.addLabelValues(Integer.toString(sources.config().nodeId()), sources.config().firewall().backend());
        GaugeWithCallback.builder().name(PREFIX + "start_time_seconds").help("When the node started, Unix seconds.")
            .callback(cb -> cb.call(sources.status().startTimeMillis() / 1000.0)).register(registry);
        nodeCounters();
        peers();
        eventSources();
        registry.register(() -> latency(sources.latency()));
    }

    /** Render every metric now; HTTP thread. */
    void write(final OutputStream out) throws IOException
    {
        writer.write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
    }

    private void nodeCounters()
    {
        for (final CounterSlots.NodeCounter counter : slots.node())
        {
            final String help = "blocksync status: " + counter.label() + " (counter id " + counter.id() + ").";
            if (GAUGE_LABELS.contains(counter.label()))
            {
                GaugeWithCallback.builder().name(PREFIX + counter.label()).help(help)
                    .callback(cb -> cb.call(slots.value(counter.slot()))).register(registry);
            }
            else
            {
                CounterWithCallback.builder().name(PREFIX + counter.label()).help(help)
                    .callback(cb -> cb.call(slots.value(counter.slot()))).register(registry);
            }
        }
    }

    private void peers()
    {
        final List<CounterSlots.PeerCounters> peers = slots.peers();
        if (peers.isEmpty())
        {
            return;
        }
        peerGauge("peer_up", "1 while the peer is up (heard from recently), else 0.",
            peer -> slots.peerValue(peer, "state", 0) == Peer.STATE_UP ? 1 : 0, false);
        peerGauge("peer_rtt_seconds", "Smoothed round-trip time to the peer; absent before the first sample.",
            peer -> slots.peerValue(peer, "rtt_us", 0) / 1e6, true);
        peerGauge("peer_lag_batches", "Batches sent to the peer and not yet acknowledged; absent before its first ACK.",
            peer -> lag(slots.peerValue(peer, "acked_batches", 0), slots.peerValue(peer, "sent_batches", 0)), false);
        peerGauge("peer_last_heard_timestamp_seconds", "When the peer was last heard from, Unix seconds; absent before.",
            peer -> slots.peerValue(peer, "last_heard_ms", 0) / 1000.0, true);
        peerGauge("peer_clock_offset_seconds",
            "The peer's clock minus this node's, from its heartbeats; absent before the first.",
            peer -> offsetSeconds(slots.peerValue(peer, "clock_offset_ms", PeerFigures.OFFSET_UNKNOWN)), false);
        for (final String field : List.of("retransmits", "batches_received", "sync_frames_sent"))
        {
            CounterWithCallback.builder().name(PREFIX + "peer_" + field).help("Per peer: " + field + ".")
                .labelNames(PEER_LABELS)
                .callback(cb -> peers.forEach(peer -> cb.call(slots.peerValue(peer, field, 0), labels(peer))))
                .register(registry);
        }
        for (final String field : peers.get(0).slots().keySet())
        {
            if (!PEER_FIELDS_NAMED.contains(field))
            {
                peerGauge("peer_" + field, "Per peer: " + field + ".", peer -> slots.peerValue(peer, field, 0), false);
            }
        }
    }

    /** @return the lag, or NaN (no sample) while either stream position is unset. */
    private static double lag(final long acked, final long sent)
    {
        return PeerFigures.lagKnown(acked, sent) ? PeerFigures.lag(acked, sent) : Double.NaN;
    }

    /** @return the offset in seconds, or NaN (no sample) before the first HEARTBEAT. */
    private static double offsetSeconds(final long offsetMillis)
    {
        return PeerFigures.offsetKnown(offsetMillis) ? offsetMillis / 1000.0 : Double.NaN;
    }

    /**
     * A value of NaN is never a sample: the peer is left out of the gauge until its figure is known.
     *
     * @param skipZero leave a peer out while the value is 0 (no sample yet), rather than report a false 0.
     */
    private void peerGauge(
        final String name, final String help, final ToDoubleFunction<CounterSlots.PeerCounters> value, final boolean skipZero)
    {
        final List<CounterSlots.PeerCounters> peers = slots.peers();
        GaugeWithCallback.builder().name(PREFIX + name).help(help).labelNames(PEER_LABELS)
            .callback(cb ->
            {
                for (final CounterSlots.PeerCounters peer : peers)
                {
                    final double v = value.applyAsDouble(peer);
                    if (!Double.isNaN(v) && (!skipZero || v != 0))
                    {
                        cb.call(v, labels(peer));
                    }
                }
            })
            .register(registry);
    }

    private void eventSources()
    {
        final List<CounterSlots.SourceCounters> sources = slots.sources();
        if (sources.isEmpty())
        {
            return;
        }
        for (final String field : sources.get(0).slots().keySet())
        {
            CounterWithCallback.builder().name(PREFIX + "source_" + field).help("Per event source: " + field + ".")
                .labelNames("source")
                .callback(cb -> sources.forEach(source ->
                {
                    final Integer slot = source.slots().get(field);
                    if (null != slot)
                    {
                        cb.call(slots.value(slot), source.name());
                    }
                }))
                .register(registry);
        }
    }

    private static String[] labels(final CounterSlots.PeerCounters peer)
    {
        return new String[]{ Integer.toString(peer.peerId()), peer.name() };
    }

    /** Bucket counts are read first, the sum after: a sample in flight shows in a bucket before the sum has it. */
    private static HistogramSnapshot latency(final EnforcementLatency latency)
    {
        final int buckets = EnforcementLatency.bucketCount();
        final double[] bounds = new double[buckets];
        final long[] counts = new long[buckets];
        for (int i = 0; i < buckets; i++)
        {
            bounds[i] = EnforcementLatency.upperBoundSeconds(i);
            counts[i] = latency.bucket(i);
        }
        return HistogramSnapshot.builder()
            .name(PREFIX + "ban_enforce_latency_seconds")
            .help("From a ban's decision (its origin time) to this node's kernel holding it, seconds.")
            .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                .sum(latency.sumMillis() / 1000.0)
                .build())
            .build();
    }
}
