package io.blocksync.daemon.cli;

import io.blocksync.codec.AddressText;
import io.blocksync.codec.IpPrefix;
import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.config.FileProblems;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.daemon.control.ControlProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code blocksync import FILE|-}: ban every prefix of a blocklist file ({@link BlocklistLine} formats) through the
 * running node's control socket, in requests of {@value #SLICE} lines, holding one request at a time. A bad line, or
 * one the node refuses, is reported as {@code FILE:LINE: message} and the rest goes on; the exit status is 1 when any
 * line was bad or refused. With {@code --list NAME --replace} the list is a reason: after the new file's bans, every
 * live ban this node made under NAME that the file no longer holds is lifted (never the other way round, so an entry
 * on both lists is never unbanned); this holds the new file's prefixes in memory to tell which.
 */
@Command(name = "import", description = "Ban every address or prefix of a blocklist file (plain, Spamhaus DROP, ipset " +
    "save); with --list NAME --replace, lift the list's entries the file no longer holds.")
final class ImportCommand implements Callable<Integer>
{
    private static final int SLICE = 10_000;

    @Mixin
    ConfigOption config = new ConfigOption();

    @Parameters(paramLabel = "FILE", description = "The list; - for standard input.")
    String file;

    @Option(names = "--list", paramLabel = "NAME", description = "The list's name, the bans' reason (1-40 characters, " +
        "e.g. spamhaus-drop).")
    String list;

    @Option(names = "--replace", description = "Lift the bans this node made under --list NAME that FILE no longer holds.")
    boolean replace;

    @Option(names = "--duration", paramLabel = "DURATION", description = "How long each ban lasts (default: permanent " +
        "with --list, else the node's default-duration).")
    String duration;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "import", description = "Reason without --list " +
        "(default: ${DEFAULT-VALUE}).")
    String reason;

    private long bad;
    private long banned;

    public Integer call() throws Exception
    {
        final NodeConfig nodeConfig = config.load(System.err);
        if (null == nodeConfig)
        {
            return config.failure();
        }
        final String usage = usage(nodeConfig);
        if (null != usage)
        {
            System.err.println("blocksync import: " + usage);
            return BlockSyncCli.EXIT_USAGE;
        }
        final String label = null == list ? reason : list;
        final String seconds = null != duration ? duration : null != list ? ControlProtocol.PERMANENT : ControlProtocol.DEFAULT;
        final String suffix = " " + seconds + " " + label + " 0 0";
        final Set<String> held = replace ? new HashSet<>() : null;

        try (BufferedReader in = "-".equals(file) ?
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)) :
            FileProblems.openText(java.nio.file.Path.of(file)))
        {
            final String name = "-".equals(file) ? "stdin" : file;
            final IpPrefix prefix = new IpPrefix();
            final List<String> slice = new ArrayList<>(SLICE);
            final List<Long> lineNumbers = new ArrayList<>(SLICE);
            long number = 0;
            for (String line = in.readLine(); null != line; line = in.readLine())
            {
                number++;
                final String error = BlocklistLine.parse(line, prefix);
                if (BlocklistLine.SKIP.equals(error))
                {
                    continue;
                }
                if (null != error)
                {
                    bad++;
                    System.err.println(name + ":" + number + ": " + error);
                    continue;
                }
                final String text = AddressText.format(prefix);
                if (null != held)
                {
                    held.add(text);
                }
                slice.add(ControlProtocol.BAN + " " + text + suffix);
                lineNumbers.add(number);
                if (slice.size() == SLICE)
                {
                    send(nodeConfig, name, slice, lineNumbers);
                }
            }
            send(nodeConfig, name, slice, lineNumbers);
            final long lifted = null == held ? 0 : lift(nodeConfig, label, held);
            System.out.println(banned + " banned" + (replace ? ", " + lifted + " lifted" : "") + ", " + bad +
                " bad or refused (reason " + label + ")");
            return 0 == bad ? BlockSyncCli.EXIT_OK : BlockSyncCli.EXIT_FAILED;
        }
        catch (final IOException | java.io.UncheckedIOException ex)
        {
            System.err.println("blocksync import: " + ErrorText.describe(ex));
            return BlockSyncCli.EXIT_FAILED;
        }
    }

    private String usage(final NodeConfig nodeConfig)
    {
        if (replace && null == list)
        {
            return "--replace needs --list NAME (the list whose entries it may lift)";
        }
        final String invalid = ReasonCode.validate(null == list ? reason : list);
        if (null != invalid)
        {
            return (null == list ? "--reason " : "--list ") + invalid;
        }
        try
        {
            if (null != duration)
            {
                Durations.parseBanSeconds(duration, nodeConfig.maxBanSeconds());
            }
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return "--duration " + ex.getMessage();
        }
    }

    private void send(final NodeConfig nodeConfig, final String name, final List<String> slice, final List<Long> lineNumbers)
        throws IOException
    {
        if (slice.isEmpty())
        {
            return;
        }
        final List<String> replies = ControlClient.exchange(nodeConfig.stateDir(), slice);
        for (int i = 0; i < slice.size(); i++)
        {
            final String reply = i < replies.size() ? replies.get(i) : ControlProtocol.ERROR + " no answer";
            if (reply.startsWith(ControlProtocol.OK))
            {
                banned++;
            }
            else
            {
                bad++;
                System.err.println(name + ":" + lineNumbers.get(i) + ": " + reply);
            }
        }
        slice.clear();
        lineNumbers.clear();
    }

    /** Unban this node's live bans under {@code label} that are not in {@code held}; returns how many. */
    private long lift(final NodeConfig nodeConfig, final String label, final Set<String> held) throws IOException
    {
        final String self = Integer.toString(nodeConfig.nodeId());
        final List<String> unbans = new ArrayList<>();
        final String end = ControlClient.stream(nodeConfig.stateDir(), ControlProtocol.BANS, row ->
        {
            // ACTION PREFIX ORIGIN EXPIRES REMAINING PROTOCOL PORT DECIDED REASON ENFORCED...
            final String[] words = row.split(" ", 10);
            if (words.length >= 9 && ControlProtocol.BAN.equals(words[0]) && self.equals(words[2]) &&
                label.equals(words[8]) && !held.contains(words[1]))
            {
                unbans.add(ControlProtocol.UNBAN + " " + words[1]);
            }
        });
        if (!end.startsWith(ControlProtocol.OK))
        {
            throw new IOException("cannot list the node's bans to replace " + label + ": " + end);
        }
        long lifted = 0;
        for (int from = 0; from < unbans.size(); from += SLICE)
        {
            for (final String reply : ControlClient.exchange(nodeConfig.stateDir(), unbans.subList(from, Math.min(unbans.size(), from + SLICE))))
            {
                lifted += reply.startsWith(ControlProtocol.OK) ? 1 : 0;
                if (!reply.startsWith(ControlProtocol.OK))
                {
                    bad++;
                    System.err.println("lift: " + reply);
                }
            }
        }
        return lifted;
    }
}
