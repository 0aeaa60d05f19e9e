package io.blocksync.daemon.cli;

import io.blocksync.codec.Ban;
import io.blocksync.daemon.control.BanListing;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.control.ControlProtocol;
import io.blocksync.daemon.control.ControlServer;
import io.blocksync.daemon.control.ListingCopy;
import io.blocksync.daemon.config.FileProblems;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.config.PeerConfig;
import io.blocksync.daemon.node.ProgressFile;
import io.blocksync.daemon.store.BanStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "bans", description = "List the bans a node holds: asked of the running node over its control socket, " +
    "or read from its store directly when the node does not answer.")
final class BansCommand implements Callable<Integer>
{
    private static final String REFUSED = "refused: ";
    /** How a node that does not know {@code bans table} refuses it; also used when the request would be too long. */
    private static final String OLDER_NODE = ControlProtocol.ERROR + " usage:";

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
            return config.failure();
        }

        final Map<Integer, String> names = new HashMap<>();
        names.put(nodeConfig.nodeId(), "self");
        for (final PeerConfig peer : nodeConfig.peers())
        {
            names.put(peer.nodeId(), peer.name());
        }

        String whyNotAsked = "its status file says it is not running";
        final boolean running = NodeQuestions.isRunning(nodeConfig);
        if (running)
        {
            final ListingCopy copy = new ListingCopy(System.out);
            try
            {
                final String request = formattedRequest(names);
                final String last = request.length() > ControlServer.MAX_LINE_BYTES ? OLDER_NODE :
                    copy.run(nodeConfig.stateDir(), request);
                if (last.startsWith(ControlProtocol.OK))
                {
                    System.out.flush();
                    // PrintStream keeps write errors to itself: a full disk or a closed pipe must not exit 0.
                    if (System.out.checkError())
                    {
                        System.err.println("blocksync bans: standard output: the listing could not be written whole");
                        return BlockSyncCli.EXIT_FAILED;
                    }
                    return BlockSyncCli.EXIT_OK;
                }
                whyNotAsked = last;
            }
            catch (final IOException ex)
            {
                whyNotAsked = ex.getMessage();
            }
            if (copy.bytesCopied() > 0)
            {
                System.out.flush();
                System.err.println("blocksync bans: the listing stopped part way: " + whyNotAsked);
                return BlockSyncCli.EXIT_FAILED;
            }
        }

        final BanListing listing = new BanListing(json, names, System.out);
        if (running && whyNotAsked.startsWith(OLDER_NODE))
        {
            // A node from before `bans table` (or names too many for one request line): its rows, formatted here.
            final BanListing.Row row = new BanListing.Row();
            try
            {
                final String last = ControlClient.stream(nodeConfig.stateDir(),
                    all ? ControlProtocol.BANS + " " + ControlProtocol.ALL : ControlProtocol.BANS,
                    (line) -> listing.add(parse(line, row)));
                if (last.startsWith(ControlProtocol.OK))
                {
                    listing.finish();
                    return BlockSyncCli.EXIT_OK;
                }
                whyNotAsked = last;
            }
            catch (final IOException ex)
            {
                whyNotAsked = ex.getMessage();
            }
            if (listing.rows() > 0)
            {
                // Rows are out already: reading the store now would list them twice.
                listing.finish();
                System.err.println("blocksync bans: the listing stopped part way: " + whyNotAsked);
                return BlockSyncCli.EXIT_FAILED;
            }
        }

        if (!FileProblems.exists(nodeConfig.stateDir().resolve(BanStore.MAP_FILE_NAME)))
        {
            System.err.println("blocksync bans: no ban store in " + nodeConfig.stateDir() +
                " (has `blocksync run` been started with this config?)");
            return BlockSyncCli.EXIT_FAILED;
        }
        System.err.println("blocksync bans: the node does not answer on its control socket (" + whyNotAsked +
            "): reading its store directly, so \"enforced\" is null");
        readStore(nodeConfig, listing);
        listing.finish();
        return BlockSyncCli.EXIT_OK;
    }

    /** The node is down: its store, read through a handle of this process, each row as it is read. */
    private void readStore(final NodeConfig nodeConfig, final BanListing listing) throws IOException
    {
        // Stored expiries are on the node's steady clock: now in that frame is the wall clock plus its recorded offset.
        final long frameOffset = ProgressFile.readFrame(nodeConfig.stateDir()).offsetMillis();
        final long now = System.currentTimeMillis() + frameOffset;
        final BanListing.Row row = new BanListing.Row();
        try (BanStore store = BanStore.openReader(nodeConfig.stateDir()))
        {
            store.forEach((Ban ban) ->
            {
                if (!ban.isActiveAt(now) && !all)
                {
                    return;
                }
                row.of(ban, now, frameOffset).enforced = null;
                row.refusal = null;
                listing.add(row);
            });
        }
    }

    /** {@code bans table|json [all] ID=NAME...}: the node formats the listing with this config's names. */
    private String formattedRequest(final Map<Integer, String> names)
    {
        final StringBuilder request = new StringBuilder(64).append(ControlProtocol.BANS).append(' ')
            .append(json ? ControlProtocol.JSON : ControlProtocol.TABLE);
        if (all)
        {
            request.append(' ').append(ControlProtocol.ALL);
        }
        for (final Map.Entry<Integer, String> name : names.entrySet())
        {
            request.append(' ').append(name.getKey()).append('=').append(name.getValue());
        }
        return request.toString();
    }

    /**
     * One row of the node's answer to {@code bans}:
     * {@code ACTION PREFIX ORIGIN EXPIRES REMAINING PROTOCOL PORT DECIDED REASON ENFORCED[ refused: MESSAGE]}.
     */
    static BanListing.Row parse(final String line, final BanListing.Row into)
    {
        // By index rather than split: a listing parses a row per ban, 100,000 of them in a third of a second's budget.
        final int[] ends = new int[10];
        int from = 0;
        for (int word = 0; word < 10; word++)
        {
            final int space = word == 9 ? -1 : line.indexOf(' ', from);
            ends[word] = space < 0 ? line.length() : space;
            if (space < 0 && word < 9)
            {
                throw new IllegalStateException("unexpected row from the node: " + line);
            }
            from = space + 1;
        }
        final int enforcedEnd = line.indexOf(' ', ends[8] + 1);
        ends[9] = enforcedEnd < 0 ? line.length() : enforcedEnd;
        into.ban = line.startsWith(ControlProtocol.BAN) && ends[0] == ControlProtocol.BAN.length();
        into.prefix = line.substring(ends[0] + 1, ends[1]);
        into.origin = Integer.parseInt(line, ends[1] + 1, ends[2], 10);
        into.expiresMillis = Long.parseLong(line, ends[2] + 1, ends[3], 10);
        into.remainingSeconds = Long.parseLong(line, ends[3] + 1, ends[4], 10);
        into.protocol = Integer.parseInt(line, ends[4] + 1, ends[5], 10);
        into.port = Integer.parseInt(line, ends[5] + 1, ends[6], 10);
        into.decidedMillis = Long.parseLong(line, ends[6] + 1, ends[7], 10);
        into.reason = ends[8] - ends[7] == 2 && line.charAt(ends[7] + 1) == '-' ? "" : line.substring(ends[7] + 1, ends[8]);
        into.enforced = line.startsWith("true", ends[8] + 1) && ends[9] - ends[8] == 5;
        into.refusal = ends[9] < line.length() && line.startsWith(REFUSED, ends[9] + 1) ?
            line.substring(ends[9] + 1 + REFUSED.length()) : null;
        return into;
    }

    /** Columns of the table are padded to these widths and separated by two spaces; used by {@code peers} too. */
    static void printRow(final String[] row, final int[] widths)
    {
        final StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++)
        {
            line.append(row[i]);
            for (int pad = widths[i] - row[i].length(); pad > 0 && i + 1 < row.length; pad--)
            {
                line.append(' ');
            }
            if (i + 1 < row.length)
            {
                line.append("  ");
            }
        }
        System.out.println(line.toString().stripTrailing());
    }
}
