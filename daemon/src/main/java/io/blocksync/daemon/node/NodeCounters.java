package io.blocksync.daemon.node;

import io.blocksync.codec.RejectReason;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The node-wide counters in the status file. Labels are the names `blocksync status` prints and the metrics
 * endpoint exports; the key holds the counter's stable code.
 */
public final class NodeCounters
{
    public static final int NODE_COUNTER_TYPE_ID = 1;
    public static final int PEER_COUNTER_TYPE_ID = 2;
    public static final int SOURCE_COUNTER_TYPE_ID = 3;

    public final AtomicCounter datagramsReceived;
    public final AtomicCounter datagramsSent;
    public final AtomicCounter bytesReceived;
    public final AtomicCounter bytesSent;
    public final AtomicCounter sendFailures;
    public final AtomicCounter[] rejected = new AtomicCounter[RejectReason.COUNT];
    public final AtomicCounter unknownPeerSource;
    public final AtomicCounter bansApplied;
    public final AtomicCounter unbansApplied;
    public final AtomicCounter bansExpired;
    public final AtomicCounter duplicates;
    public final AtomicCounter stale;
    public final AtomicCounter refusedProtected;
    public final AtomicCounter refusedTooBroad;
    public final AtomicCounter refusedRateLimited;
    public final AtomicCounter storeFull;
    public final AtomicCounter storeSize;
    public final AtomicCounter localDecisions;
    public final AtomicCounter batchesSent;
    public final AtomicCounter retransmits;
    public final AtomicCounter acksSent;
    public final AtomicCounter acksReceived;
    public final AtomicCounter heartbeatsSent;
    public final AtomicCounter heartbeatsReceived;
    public final AtomicCounter syncFramesSent;
    public final AtomicCounter syncFramesReceived;
    public final AtomicCounter streamGapsSkipped;
    public final AtomicCounter firewallQueueFull;
    public final AtomicCounter firewallApplied;
    public final AtomicCounter firewallFailures;
    public final AtomicCounter eventsMatched;
    public final AtomicCounter eventsIgnored;
    public final AtomicCounter eventsFromProtected;
    public final AtomicCounter detectorBans;
    public final AtomicCounter logLinesDropped;
    public final AtomicCounter errors;

    private final CountersManager manager;
    private int nextCode = 1;

    public NodeCounters(final CountersManager manager)
    {
        this.manager = manager;
        datagramsReceived = counter("datagrams_received");
        datagramsSent = counter("datagrams_sent");
        bytesReceived = counter("bytes_received");
        bytesSent = counter("bytes_sent");
        sendFailures = counter("send_failures");
        for (int reason = 1; reason < RejectReason.COUNT; reason++)
        {
            rejected[reason] = counter("rejected_" + RejectReason.name(reason));
        }
        unknownPeerSource = counter("datagrams_from_unexpected_address");
        bansApplied = counter("bans_applied");
        unbansApplied = counter("unbans_applied");
        bansExpired = counter("bans_expired");
        duplicates = counter("records_duplicate");
        stale = counter("records_stale");
        refusedProtected = counter("refused_protected");
        refusedTooBroad = counter("refused_too_broad");
        refusedRateLimited = counter("refused_rate_limited");
        storeFull = counter("refused_store_full");
        storeSize = counter("store_entries");
        localDecisions = counter("local_decisions");
        batchesSent = counter("batches_sealed");
        retransmits = counter("retransmits");
        acksSent = counter("acks_sent");
        acksReceived = counter("acks_received");
        heartbeatsSent = counter("heartbeats_sent");
        heartbeatsReceived = counter("heartbeats_received");
        syncFramesSent = counter("sync_frames_sent");
        syncFramesReceived = counter("sync_frames_received");
        streamGapsSkipped = counter("stream_gaps_skipped");
        firewallQueueFull = counter("firewall_queue_full");
        firewallApplied = counter("firewall_changes_applied");
        firewallFailures = counter("firewall_changes_failed");
        eventsMatched = counter("events_matched");
        eventsIgnored = counter("events_unmatched");
        eventsFromProtected = counter("events_from_protected_sources");
        detectorBans = counter("detector_bans");
        logLinesDropped = counter("log_lines_dropped");
        errors = counter("errors");
    }

    public CountersManager manager()
    {
        return manager;
    }

    private AtomicCounter counter(final String name)
    {
        final int code = nextCode++;
        return manager.newCounter(name, NODE_COUNTER_TYPE_ID, key -> key.putInt(0, code));
    }
}
