package io.blocksync.daemon.cli;

import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import org.agrona.concurrent.status.CountersReader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of a node's counters read from its status file: node-wide values by label, and per-peer fields.
 * Counters are found by type and the id in their key, never by their slot in the file.
 */
final class StatusReading
{
    /** Node counters in id order, then the event sources' counters in file order; label to value. */
    final Map<String, Long> node = new LinkedHashMap<>();
    /** Node counters by their {@link NodeCounters} id. */
    final Map<Integer, Long> nodeById = new TreeMap<>();
    /** Per peer node id, its fields by label ("state", "rtt_us", ...). */
    final Map<Integer, Map<String, Long>> peers = new TreeMap<>();
    final Map<Integer, String> peerNames = new TreeMap<>();
    final long pid;
    final long startTimeMillis;
    final long aliveTimeMillis;
    final int nodeId;

    StatusReading(final StatusFile status)
    {
        pid = status.pid();
        startTimeMillis = status.startTimeMillis();
        aliveTimeMillis = status.aliveTimeMillis();
        nodeId = status.nodeId();
        final Map<Integer, String> nodeLabels = new TreeMap<>();
        final Map<String, Long> sources = new LinkedHashMap<>();
        final CountersReader reader = status.countersReader();
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            final long value = reader.getCounterValue(counterId);
            if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID)
            {
                final int id = keyBuffer.getInt(NodeCounters.ID_KEY_OFFSET);
                nodeLabels.put(id, label);
                nodeById.put(id, value);
            }
            else if (typeId == NodeCounters.SOURCE_COUNTER_TYPE_ID)
            {
                sources.put(label, value);
            }
            else if (typeId == NodeCounters.PEER_COUNTER_TYPE_ID)
            {
                final int peerId = keyBuffer.getInt(0);
                // Labels read "peer ID (NAME) FIELD".
                final int open = label.indexOf('(');
                final int close = label.indexOf(") ", open);
                peerNames.put(peerId, label.substring(open + 1, close));
                peers.computeIfAbsent(peerId, id -> new LinkedHashMap<>()).put(label.substring(close + 2), value);
            }
        });
        for (final Map.Entry<Integer, String> entry : nodeLabels.entrySet())
        {
            node.put(entry.getValue(), nodeById.get(entry.getKey()));
        }
        node.putAll(sources);
    }

    /**
     * Read a node's status file once.
     *
     * @return null after telling the operator why it could not be read.
     */
    static StatusReading read(final io.blocksync.daemon.config.NodeConfig config, final String command)
    {
        try (StatusFile status = StatusFile.openForReading(config.stateDir()))
        {
            return new StatusReading(status);
        }
        catch (final IllegalStateException ex)
        {
            System.err.println("blocksync " + command + ": " + ex.getMessage());
            return null;
        }
    }

    /** A daemon refreshes its alive time every second; a stale one means it is not running. */
    boolean isAlive(final long nowMillis)
    {
        return nowMillis - aliveTimeMillis < 5_000 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
