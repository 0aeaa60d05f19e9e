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
    private static final String ENFORCED_FALSE = ",\"enforced\":false}";
    private static final int MAX_NOT_ENFORCED_SHOWN = 20;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Option(names = "--json", description = "A JSON array of objects: prefix, reason, origin, origin_name, expires, " +
        "remaining_seconds, protocol, port, decided_at, enforced (true when the node's firewall confirms the kernel " +
        "holds the ban; false when not, or not yet; null when the node does not answer).")
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
        // Which listed entries are live bans, by prefix: only those are asked about and can be enforced.
        final List<String> livePrefixes = new ArrayList<>();
        final List<Integer> liveIndex = new ArrayList<>();
        try (BanStore store = BanStore.openReader(nodeConfig.stateDir()))
        {
            store.forEach((Ban ban) ->
            {
                if (!ban.isActiveAt(now) && !all)
                {
                    return;
                }
                final String prefix = AddressText.format(ban.prefix());
                if (ban.isBan() && ban.isActiveAt(now))
                {
                    livePrefixes.add(prefix);
                    liveIndex.add(json ? objects.size() : rows.size());
                }
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
                        ",\"decided_at\":" + Json.string(Instant.ofEpochMilli(ban.originTimeMillis()).toString()) +
                        ",\"enforced\":false}");
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

        final List<NodeQuestions.Enforcement> enforcement =
            livePrefixes.isEmpty() ? List.of() : NodeQuestions.enforcement(nodeConfig, livePrefixes);
        if (json)
        {
            markEnforced(objects, liveIndex, enforcement);
            System.out.println("[" + String.join(",\n", objects) + "]");
        }
        else
        {
            printTable(rows);
            printNotEnforced(livePrefixes, enforcement);
        }
        return BlockSyncCli.EXIT_OK;
    }

    /**
     * Every object was written with {@code "enforced":false}; live bans the node confirms become true, and all become
     * null when the node does not answer (not running: nothing is known of the kernel).
     */
    private static void markEnforced(
        final List<String> objects, final List<Integer> liveIndex, final List<NodeQuestions.Enforcement> enforcement)
    {
        for (int i = 0; i < objects.size(); i++)
        {
            if (null == enforcement)
            {
                objects.set(i, objects.get(i).replace(ENFORCED_FALSE, ",\"enforced\":null}"));
            }
        }
        if (null == enforcement)
        {
            System.err.println("blocksync bans: the node does not answer on its control socket, so \"enforced\" is null");
            return;
        }
        for (int i = 0; i < liveIndex.size(); i++)
        {
            if (enforcement.get(i).enforced())
            {
                final int index = liveIndex.get(i);
                objects.set(index, objects.get(index).replace(ENFORCED_FALSE, ",\"enforced\":true}"));
            }
        }
    }

    /** After the table: the live bans the kernel does not hold (yet), with the kernel's refusal when there is one. */
    private static void printNotEnforced(final List<String> livePrefixes, final List<NodeQuestions.Enforcement> enforcement)
    {
        if (null == enforcement)
        {
            return;
        }
        int notEnforced = 0;
        for (int i = 0; i < enforcement.size(); i++)
        {
            final NodeQuestions.Enforcement answer = enforcement.get(i);
            if (!answer.enforced())
            {
                if (notEnforced++ < MAX_NOT_ENFORCED_SHOWN)
                {
                    System.out.println("not enforced: " + livePrefixes.get(i) +
                        (null == answer.refusal() ? " (not yet confirmed by the firewall)" : " (refused: " + answer.refusal() + ")"));
                }
            }
        }
        if (notEnforced > MAX_NOT_ENFORCED_SHOWN)
        {
            System.out.println("... " + notEnforced + " bans not enforced in all (bans --json shows each)");
        }
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
