package io.blocksync.daemon.cli;

import io.blocksync.daemon.status.NodeCounters;
import io.blocksync.daemon.status.StatusFile;
import org.agrona.concurrent.status.CountersReader;

import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.control.ControlProtocol;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of a node's counters, asked of the running node over its control socket or read from its status file:
 * node-wide values by label, and per-peer fields.
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

    private final Map<Integer, String> nodeLabels = new TreeMap<>();
    private final Map<String, Long> sources = new LinkedHashMap<>();

    private StatusReading(final int nodeId, final long pid, final long startTimeMillis, final long aliveTimeMillis)
    {
        this.nodeId = nodeId;
        this.pid = pid;
        this.startTimeMillis = startTimeMillis;
        this.aliveTimeMillis = aliveTimeMillis;
    }

    StatusReading(final StatusFile status)
    {
        this(status.nodeId(), status.pid(), status.startTimeMillis(), status.aliveTimeMillis());
        final CountersReader reader = status.countersReader();
        reader.forEach((counterId, typeId, keyBuffer, label) -> add(typeId, keyBuffer.getInt(NodeCounters.ID_KEY_OFFSET),
            reader.getCounterValue(counterId), label));
        complete();
    }

    /**
     * @param key the int at the start of the counter's key: a node counter's id, a peer counter's peer id.
     */
    private void add(final int typeId, final int key, final long value, final String label)
    {
        if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID)
        {
            nodeLabels.put(key, label);
            nodeById.put(key, value);
        }
        else if (typeId == NodeCounters.SOURCE_COUNTER_TYPE_ID)
        {
            sources.put(label, value);
        }
        else if (typeId == NodeCounters.PEER_COUNTER_TYPE_ID)
        {
            // Labels read "peer ID (NAME) FIELD".
            final int open = label.indexOf('(');
            final int close = label.indexOf(") ", open);
            peerNames.put(key, label.substring(open + 1, close));
            peers.computeIfAbsent(key, id -> new LinkedHashMap<>()).put(label.substring(close + 2), value);
        }
    }

    private void complete()
    {
        for (final Map.Entry<Integer, String> entry : nodeLabels.entrySet())
        {
            node.put(entry.getValue(), nodeById.get(entry.getKey()));
        }
        node.putAll(sources);
    }

    /**
     * Ask the running node over its control socket ({@code counters}), else read its status file once, which a node
     * that stopped left behind.
     *
     * @return null after telling the operator why neither could be read.
     */
    static StatusReading read(final io.blocksync.daemon.config.NodeConfig config, final String command)
    {
        return read(config, command, System.err);
    }

    /** As {@link #read(io.blocksync.daemon.config.NodeConfig, String)}, telling {@code err} why not (one line). */
    static StatusReading read(
        final io.blocksync.daemon.config.NodeConfig config, final String command, final java.io.PrintStream err)
    {
        if (NodeQuestions.isRunning(config))
        {
            final StatusReading asked = ask(config);
            if (null != asked)
            {
                return asked;
            }
        }
        try (StatusFile status = StatusFile.openForReading(config.stateDir()))
        {
            return new StatusReading(status);
        }
        catch (final IllegalStateException ex)
        {
            err.println("blocksync " + command + ": " + ex.getMessage());
            return null;
        }
    }

    /**
     * @return the node's counters as it answers {@code counters}, or null when it does not answer in full.
     */
    static StatusReading ask(final io.blocksync.daemon.config.NodeConfig config)
    {
        final List<String> rows = new ArrayList<>(StatusFile.COUNTER_CAPACITY);
        try
        {
            final String last = ControlClient.stream(config.stateDir(), ControlProtocol.COUNTERS, rows::add);
            // "ok counters node ID pid PID started MS alive MS"
            final String[] words = last.split(" ");
            if (words.length != 10 || !ControlProtocol.OK.equals(words[0]))
            {
                return null;
            }
            final StatusReading reading = new StatusReading(Integer.parseInt(words[3]), Long.parseLong(words[5]),
                Long.parseLong(words[7]), Long.parseLong(words[9]));
            for (final String row : rows)
            {
                // "counter TYPE KEY VALUE LABEL"
                final String[] fields = row.split(" ", 5);
                reading.add(Integer.parseInt(fields[1]), Integer.parseInt(fields[2]), Long.parseLong(fields[3]),
                    fields.length == 5 ? fields[4] : "");
            }
            reading.complete();
            return reading;
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    /** A daemon refreshes its alive time every second; a stale one means it is not running. */
    boolean isAlive(final long nowMillis)
    {
        return nowMillis - aliveTimeMillis < 5_000 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
