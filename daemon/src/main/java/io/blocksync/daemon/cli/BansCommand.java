package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.Ban;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.store.BanStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bans", description = "List the bans a node holds (reads its store directly, even while it runs).")
final class BansCommand implements Callable<Integer>
{
    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--json", description = "A JSON array of objects: prefix, reason, origin, origin_name, expires, " +
        "remaining_seconds, protocol, port, decided_at.")
    boolean json;

    @Option(names = "--all", description = "Include expired entries and unban tombstones (action shows which).")
    boolean all;

    public Integer call() throws Exception
    {
        final NodeConfig nodeConfig = config.load(System.err);
        if (null == nodeConfig)
        {
            return BlockSyncCli.EXIT_USAGE;
        }

        final Map<Integer, String> names = new HashMap<>();
        names.put(nodeConfig.nodeId(), "self");
        for (final PeerConfig peer : nodeConfig.peers())
        {
            names.put(peer.nodeId(), peer.name());
        }

        // Stored expiries are on the node's steady clock: now in that frame is the wall clock plus its recorded offset.
        final long frameOffset = ProgressFile.readFrame(nodeConfig.stateDir()).offsetMillis();
        final long now = System.currentTimeMillis() + frameOffset;
        final List<String[]> rows = new ArrayList<>();
        final List<String> objects = new ArrayList<>();
        try (BanStore store = BanStore.openReader(nodeConfig.stateDir()))
        {
            store.forEach((Ban ban) ->
            {
                if (!ban.isActiveAt(now) && !all)
                {
                    return;
                }
                final String prefix = AddressText.format(ban.prefix());
                final String reason = ReasonCode.unpack(ban.reason());
                final String expires = ban.isBan() && ban.expiresAtMillis() != 0 ?
                    Instant.ofEpochMilli(ban.expiresAtMillis() - frameOffset).toString() : null;
                final long remaining = ban.expiresAtMillis() == 0 ? -1 : Math.max(0, (ban.expiresAtMillis() - now) / 1000);
                final String originName = names.getOrDefault(ban.originNodeId(), "node" + ban.originNodeId());
                if (json)
                {
                    objects.add("{\"prefix\":" + Json.string(prefix) +
                        ",\"action\":" + Json.string(ban.isBan() ? "ban" : "unban") +
                        ",\"reason\":" + Json.string(reason) +
                        ",\"origin\":" + ban.originNodeId() +
                        ",\"origin_name\":" + Json.string(originName) +
                        ",\"expires\":" + Json.string(expires) +
                        ",\"remaining_seconds\":" + (ban.isBan() && remaining >= 0 ? Long.toString(remaining) : "null") +
                        ",\"protocol\":" + Json.string(Protocols.name(ban.protocol())) +
                        ",\"port\":" + ban.port() +
                        ",\"decided_at\":" + Json.string(Instant.ofEpochMilli(ban.originTimeMillis()).toString()) + "}");
                }
                else
                {
                    rows.add(new String[]{
                        prefix, ban.isBan() ? reason : "(unbanned)", ban.originNodeId() + " " + originName,
                        !ban.isBan() ? "-" : remaining < 0 ? "permanent" : Durations.formatSeconds(remaining),
                        Protocols.name(ban.protocol()) + (ban.port() != 0 ? "/" + ban.port() : "") });
                }
            });
        }

        if (json)
        {
            System.out.println("[" + String.join(",\n", objects) + "]");
        }
        else
        {
            printTable(rows);
        }
        return BlockSyncCli.EXIT_OK;
    }

    private static void printTable(final List<String[]> rows)
    {
        rows.sort((a, b) -> a[0].compareTo(b[0]));
        final String[] header = { "PREFIX", "REASON", "ORIGIN", "REMAINING", "PROTO" };
        final int[] widths = new int[header.length];
        for (int i = 0; i < header.length; i++)
        {
            widths[i] = header[i].length();
        }
        for (final String[] row : rows)
        {
            for (int i = 0; i < row.length; i++)
            {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        printRow(header, widths);
        for (final String[] row : rows)
        {
            printRow(row, widths);
        }
        System.out.println(rows.size() + " ban" + (rows.size() == 1 ? "" : "s"));
    }

    static void printRow(final String[] row, final int[] widths)
    {
        final StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++)
        {
            line.append(String.format("%-" + widths[i] + "s", row[i]));
            if (i + 1 < row.length)
            {
                line.append("  ");
            }
        }
        System.out.println(line.toString().stripTrailing());
    }
}
