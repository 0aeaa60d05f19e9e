package io.blocksync.daemon.http;

import io.blocksync.daemon.config.EndpointText;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.node.Peer;
import io.blocksync.daemon.status.EnforcementLatency;
import io.blocksync.daemon.status.PeerFigures;
import io.blocksync.daemon.status.StatusFile;
import io.blocksync.firewall.FailureKind;
import io.blocksync.firewall.Firewall;

import java.time.Instant;

/**
 * {@code GET /status}: one JSON object, keys documented in docs/METRICS.md:
 * {@code node, pid, started, alive, peers [{id, name, address, state, last_heard, last_heard_seconds_ago, rtt_ms,
 * lag_batches, acked_batches, sent_batches, retransmits, clock_offset_ms}], sources [{name, counters}],
 * firewall {backend, healthy, failures {KIND: {count, last_message}}}, enforce_latency {count, sum_ms},
 * counters {LABEL: value}}. Times are ISO-8601 UTC; {@code rtt_ms} and {@code last_heard} are null before the first
 * sample. Built from the status file's counters and the firewall's thread-safe views: the loop is never asked.
 */
final class StatusPage
{
    private final HttpSources sources;
    private final CounterSlots slots;
    private final FirewallHealth health;

    StatusPage(final HttpSources sources, final CounterSlots slots, final long nowMillis)
    {
        this.sources = sources;
        this.slots = slots;
        this.health = new FirewallHealth(sources.firewall(), nowMillis);
    }

    String render(final long nowMillis)
    {
        final StatusFile status = sources.status();
        final JsonText json = new JsonText().open('{');
        json.key("node").value(status.nodeId());
        json.key("pid").value(status.pid());
        json.key("started").value(Instant.ofEpochMilli(status.startTimeMillis()).toString());
        json.key("alive").value(Instant.ofEpochMilli(status.aliveTimeMillis()).toString());
        peers(json, nowMillis);
        eventSources(json);
        firewall(json, nowMillis);
        final EnforcementLatency latency = sources.latency();
        json.key("enforce_latency").open('{').key("count").value(latency.count()).key("sum_ms").value(latency.sumMillis())
            .close('}');
        json.key("counters").open('{');
        for (final CounterSlots.NodeCounter counter : slots.node())
        {
            json.key(counter.label()).value(slots.value(counter.slot()));
        }
        json.close('}');
        return json.close('}').toString();
    }

    private void peers(final JsonText json, final long nowMillis)
    {
        json.key("peers").open('[');
        for (final CounterSlots.PeerCounters peer : slots.peers())
        {
            final long lastHeard = slots.peerValue(peer, "last_heard_ms", 0);
            final long rttMicros = slots.peerValue(peer, "rtt_us", 0);
            final long acked = slots.peerValue(peer, "acked_batches", 0);
            final long sent = slots.peerValue(peer, "sent_batches", 0);
            final long offset = slots.peerValue(peer, "clock_offset_ms", PeerFigures.OFFSET_UNKNOWN);
            json.open('{')
                .key("id").value(peer.peerId())
                .key("name").value(peer.name())
                .key("address").value(address(peer.peerId()))
                .key("state").value(Peer.stateName((int)slots.peerValue(peer, "state", 0)))
                .key("last_heard").value(0 == lastHeard ? null : Instant.ofEpochMilli(lastHeard).toString());
            json.key("last_heard_seconds_ago");
            if (0 == lastHeard)
            {
                json.value((String)null);
            }
            else
            {
                json.value(Math.max(0, nowMillis - lastHeard) / 1000);
            }
            json.key("rtt_ms").decimal(0 == rttMicros ? null : rttMicros / 1000.0)
                .key("lag_batches").whole(PeerFigures.lagKnown(acked, sent) ? Long.valueOf(PeerFigures.lag(acked, sent)) : null)
                .key("acked_batches").value(acked)
                .key("sent_batches").value(sent)
                .key("retransmits").value(slots.peerValue(peer, "retransmits", 0))
                .key("clock_offset_ms").whole(PeerFigures.offsetKnown(offset) ? Long.valueOf(offset) : null)
                .close('}');
        }
        json.close(']');
    }

    private void eventSources(final JsonText json)
    {
        json.key("sources").open('[');
        for (final CounterSlots.SourceCounters source : slots.sources())
        {
            json.open('{').key("name").value(source.name()).key("counters").open('{');
            source.slots().forEach((field, slot) -> json.key(field).value(slots.value(slot)));
            json.close('}').close('}');
        }
        json.close(']');
    }

    private void firewall(final JsonText json, final long nowMillis)
    {
        final Firewall firewall = sources.firewall();
        json.key("firewall").open('{')
            .key("backend").value(sources.config().firewall().backend())
            .key("healthy").value(health.isHealthy(nowMillis))
            .key("failures").open('{');
        for (final FailureKind kind : FailureKind.values())
        {
            json.key(kind.label()).open('{')
                .key("count").value(firewall.failures(kind))
                .key("last_message").value(firewall.failureMessage(kind))
                .close('}');
        }
        json.close('}').close('}');
    }

    private String address(final int peerId)
    {
        for (final PeerConfig peer : sources.config().peers())
        {
            if (peer.nodeId() == peerId)
            {
                return EndpointText.format(peer.address());
            }
        }
        return null;
    }
}
