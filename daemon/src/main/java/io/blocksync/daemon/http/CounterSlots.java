package io.blocksync.daemon.http;

import io.blocksync.daemon.status.NodeCounters;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each counter of the status file sits, found once by type and the id in its key (never by slot order), as
 * {@code blocksync status} finds them. Counters are all allocated before the node serves HTTP and never freed while it
 * runs, so the slots stay valid; values are then read with {@link #value(int)}: a volatile read of the mapped file,
 * which costs the loop nothing.
 */
final class CounterSlots
{
    /** A node-wide counter: its {@link NodeCounters} id, label and slot. */
    record NodeCounter(int id, String label, int slot)
    {
    }

    /** One peer's counters: field label ("state", "rtt_us", ...) to slot. */
    record PeerCounters(int peerId, String name, Map<String, Integer> slots)
    {
    }

    /** One event source's counters: field label to slot. */
    record SourceCounters(String name, Map<String, Integer> slots)
    {
    }

    private final CountersReader reader;
    private final List<NodeCounter> node = new ArrayList<>();
    private final Map<Integer, PeerCounters> peers = new LinkedHashMap<>();
    private final Map<String, SourceCounters> sources = new LinkedHashMap<>();

    CounterSlots(final CountersReader reader)
    {
        this.reader = reader;
        reader.forEach((slot, typeId, key, label) -> add(slot, typeId, key.getInt(NodeCounters.ID_KEY_OFFSET), label));
        node.sort((a, b) -> Integer.compare(a.id(), b.id()));
    }

    private void add(final int slot, final int typeId, final int key, final String label)
    {
        if (typeId == NodeCounters.NODE_COUNTER_TYPE_ID)
        {
            node.add(new NodeCounter(key, label, slot));
        }
        else if (typeId == NodeCounters.PEER_COUNTER_TYPE_ID)
        {
            // "peer ID (NAME) FIELD", as node/Peer labels them.
            final int open = label.indexOf('(');
            final int close = label.indexOf(") ", open);
            if (open >= 0 && close > open)
            {
                peers.computeIfAbsent(key, id -> new PeerCounters(id, label.substring(open + 1, close), new LinkedHashMap<>()))
                    .slots().put(label.substring(close + 2), slot);
            }
        }
        else if (typeId == NodeCounters.SOURCE_COUNTER_TYPE_ID)
        {
            // "source NAME FIELD", as EventSources labels them.
            final int nameEnd = label.indexOf(' ', "source ".length());
            if (label.startsWith("source ") && nameEnd > 0)
            {
                final String name = label.substring("source ".length(), nameEnd);
                sources.computeIfAbsent(name, n -> new SourceCounters(n, new LinkedHashMap<>()))
                    .slots().put(label.substring(nameEnd + 1), slot);
            }
        }
    }

    /** @return the value in a slot, read with acquire semantics; any thread. */
    long value(final int slot)
    {
        return reader.getCounterValue(slot);
    }

    /** @return the value of a peer's field, or {@code missing} when the peer has no such counter. */
    long peerValue(final PeerCounters peer, final String field, final long missing)
    {
        final Integer slot = peer.slots().get(field);
        return null == slot ? missing : value(slot);
    }

    List<NodeCounter> node()
    {
        return Collections.unmodifiableList(node);
    }

    List<PeerCounters> peers()
    {
        return List.copyOf(peers.values());
    }

    List<SourceCounters> sources()
    {
        return List.copyOf(sources.values());
    }
}
