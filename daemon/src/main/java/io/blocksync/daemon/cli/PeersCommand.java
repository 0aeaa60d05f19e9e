package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.control.Json;
import io.blocksync.daemon.node.Peer;
import io.blocksync.daemon.status.PeerFigures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "peers", description = "Show each peer's state, last-heard time, RTT and stream progress (live, from the status file).")
final class PeersCommand implements Callable<Integer>
{
    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--json", description = "A JSON array of objects: id, name, address, state, last_heard, rtt_ms " +
        "(null before the first sample), " +
        "acked_batches, sent_batches, retransmits, batches_received, sync_frames_sent, clock_offset_ms (null before the " +
        "peer's first heartbeat).")
    boolean json;

    public Integer call()
    {
        final NodeConfig nodeConfig = config.load(System.err);
        if (null == nodeConfig)
        {
            return config.failure();
        }

        final StatusReading reading = StatusReading.read(nodeConfig, "peers");
        if (null == reading)
        {
            return BlockSyncCli.EXIT_FAILED;
        }

        final long now = System.currentTimeMillis();
        final boolean alive = reading.isAlive(now);
        if (!alive)
        {
            System.err.println("warning: node " + reading.nodeId + " is not running; figures are from when it stopped");
        }

        final List<String> objects = new ArrayList<>();
        final List<String[]> rows = new ArrayList<>();
        for (final PeerConfig peer : nodeConfig.peers())
        {
            final Map<String, Long> fields = reading.peers.getOrDefault(peer.nodeId(), Map.of());
            final String state = alive ? Peer.stateName(fields.getOrDefault("state", 0L).intValue()) : "unknown";
            final long lastHeard = fields.getOrDefault("last_heard_ms", 0L);
            final String lastHeardText = lastHeard == 0 ? null : Instant.ofEpochMilli(lastHeard).toString();
            // 0 until the first ACK has been timed: shown as "-" (null in JSON), never as a 0 ms round trip.
            final long rttMicros = fields.getOrDefault("rtt_us", 0L);
            final double rttMillis = rttMicros / 1000.0;
            // Unknown before the peer's first HEARTBEAT: "-" (null in JSON), never a measured +0.0 s.
            final long offset = fields.getOrDefault("clock_offset_ms", PeerFigures.OFFSET_UNKNOWN);
            final String address = peer.address().getAddress().getHostAddress() + ":" + peer.address().getPort();
            // The counters are stream positions (a stream starts at a time-derived sequence), so the figure an operator
            // reads is their difference, known from the peer's first ACK on (as the status page's lag_batches).
            final long acked = fields.getOrDefault("acked_batches", 0L);
            final long sent = fields.getOrDefault("sent_batches", 0L);
            final boolean lagKnown = PeerFigures.lagKnown(acked, sent);
            if (json)
            {
                objects.add("{\"id\":" + peer.nodeId() +
                    ",\"name\":" + Json.string(peer.name()) +
                    ",\"address\":" + Json.string(address) +
                    ",\"state\":" + Json.string(state) +
                    ",\"last_heard\":" + Json.string(lastHeardText) +
                    ",\"rtt_ms\":" + (0 == rttMicros ? "null" : String.format(java.util.Locale.ROOT, "%.3f", rttMillis)) +
                    ",\"acked_batches\":" + acked +
                    ",\"sent_batches\":" + sent +
                    ",\"lag_batches\":" + (lagKnown ? Long.toString(PeerFigures.lag(acked, sent)) : "null") +
                    ",\"retransmits\":" + fields.getOrDefault("retransmits", 0L) +
                    ",\"batches_received\":" + fields.getOrDefault("batches_received", 0L) +
                    ",\"sync_frames_sent\":" + fields.getOrDefault("sync_frames_sent", 0L) +
                    ",\"clock_offset_ms\":" + (PeerFigures.offsetKnown(offset) ? Long.toString(offset) : "null") + "}");
            }
            else
            {
                rows.add(new String[]{
                    Integer.toString(peer.nodeId()), peer.name(), address, state,
                    lastHeard == 0 ? "never" : Durations.formatSeconds(Math.max(0, (now - lastHeard) / 1000)) + " ago",
                    0 == rttMicros ? "-" : String.format(java.util.Locale.ROOT, "%.2f ms", rttMillis),
                    lagKnown ? Long.toString(PeerFigures.lag(acked, sent)) : "-",
                    Long.toString(fields.getOrDefault("retransmits", 0L)),
                    PeerFigures.offsetKnown(offset) ? String.format("%+.1f s", offset / 1000.0) : "-" });
            }
        }

        if (json)
        {
            System.out.println("[" + String.join(",\n", objects) + "]");
        }
        else
        {
            final String[] header = { "ID", "NAME", "ADDRESS", "STATE", "LAST HEARD", "RTT", "UNACKED", "RETRANSMITS", "CLOCK" };
            final int[] widths = new int[header.length];
            for (int i = 0; i < header.length; i++)
            {
                widths[i] = header[i].length();
                for (final String[] row : rows)
                {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            BansCommand.printRow(header, widths);
            for (final String[] row : rows)
            {
                BansCommand.printRow(row, widths);
            }
        }
        return BlockSyncCli.EXIT_OK;
    }
}
