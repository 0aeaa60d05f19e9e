package io.blocksync.daemon.cli;

import io.blocksync.codec.RejectReason;
import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * `blocksync status` and `peers` read counters by type and id, whatever slots they landed in.
 */
class StatusCountersTest
{
    @TempDir
    Path stateDir;

    @Test
    void nodeCountersAreReadByIdWhateverTheirSlot()
    {
        try (StatusFile status = StatusFile.create(stateDir, 7, 1_000))
        {
            final CountersManager manager = status.countersManager();
            // Counters allocated before the node's shift every slot by two.
            manager.newCounter("source kernel events", NodeCounters.SOURCE_COUNTER_TYPE_ID).set(11);
            manager.newCounter("peer 2 (b) rtt_us", NodeCounters.PEER_COUNTER_TYPE_ID, key ->
            {
                key.putInt(0, 2);
                key.putInt(4, 3);
            }).set(250);
            final NodeCounters counters = new NodeCounters(manager);
            counters.errors.set(5);
            counters.rejected[RejectReason.REPLAY].set(3);
            counters.datagramsReceived.set(40);

            final StatusReading reading = new StatusReading(status);
            assertEquals(7, reading.nodeId);
            assertEquals(5L, reading.nodeById.get(NodeCounters.ERRORS_ID));
            assertEquals(3L, reading.nodeById.get(NodeCounters.rejectedId(RejectReason.REPLAY)));
            assertEquals(40L, reading.nodeById.get(NodeCounters.DATAGRAMS_RECEIVED_ID));
            assertEquals(5L, reading.node.get("errors"));
            assertEquals(11L, reading.node.get("source kernel events"));
            assertEquals(Map.of("rtt_us", 250L), reading.peers.get(2));
            assertEquals("b", reading.peerNames.get(2));

            final List<String> labels = new ArrayList<>(reading.node.keySet());
            assertEquals("datagrams_received", labels.get(0), "node counters first, in id order");
            assertEquals("errors", labels.get(NodeCounters.ERRORS_ID - 1));
            assertEquals("source kernel events", labels.get(labels.size() - 1), "then the sources'");
        }
    }
}
