package io.blocksync.daemon.cli;

import io.blocksync.codec.ReasonCode;
import io.blocksync.daemon.config.Durations;
import io.blocksync.daemon.config.FileProblems;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.ControlProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import io.blocksync.daemon.control.Protocols;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ban", description = "Ban addresses or prefixes on a running node; every peer learns them within milliseconds.")
final class BanCommand implements Callable<Integer>
{
    @Mixin
    ConfigOption config = new ConfigOption();

    @Parameters(paramLabel = "ADDR[/LEN]", arity = "0..*",
        description = "Addresses or prefixes. A bare address is banned as its [bans] ipv4-prefix / ipv6-prefix.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "Also ban every address in FILE (one per line, # comments).")
    Path file;

    @Option(names = "--duration", paramLabel = "DURATION",
        description = "How long: 30s, 15m, 1h, 30d, 2w, 1h30m, or 'permanent' where max-duration allows it; at least 1s " +
            "and at most max-duration (0, negative or longer values are refused). Default: the configuration's default-duration.")
    String duration;

    @Option(names = "--reason", paramLabel = "REASON", defaultValue = "manual",
        description = "Reason label, 1-40 characters: a letter or digit, then letters, digits, _ . - / (e.g. a fail2ban jail, nginx-http-auth; default: ${DEFAULT-VALUE}).")
    String reason;

    @Option(names = "--proto", paramLabel = "PROTO", defaultValue = "any", description = "tcp, udp, a protocol number, or any.")
    String protocol;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "Destination port, 0 for any.")
    int port;

    public Integer call() throws Exception
    {
        final NodeConfig nodeConfig = config.load(System.err);
        if (null == nodeConfig)
        {
            return config.failure();
        }

        final String reasonError = ReasonCode.validate(reason);
        final int protocolNumber = Protocols.parse(protocol);
        final String seconds;
        try
        {
            // The node checks again with its own max-duration; refusing here first keeps the message local.
            final long parsed = null == duration ? -1 : Durations.parseBanSeconds(duration, nodeConfig.maxBanSeconds());
            seconds = null == duration ? ControlProtocol.DEFAULT :
                Durations.PERMANENT == parsed ? ControlProtocol.PERMANENT : Long.toString(parsed);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("blocksync ban: --duration " + ex.getMessage());
            return BlockSyncCli.EXIT_USAGE;
        }
        if (null != reasonError || protocolNumber < 0 || port < 0 || port > 65_535)
        {
            System.err.println("blocksync ban: " + (null != reasonError ? reasonError :
                protocolNumber < 0 ? "--proto '" + protocol + "': expected tcp, udp, any or 0-255" : "--port must be 0-65535"));
            return BlockSyncCli.EXIT_USAGE;
        }

        if (targets.isEmpty() && null == file)
        {
            System.err.println("blocksync ban: nothing to ban (give ADDR[/LEN] or --file FILE)");
            return BlockSyncCli.EXIT_USAGE;
        }

        final String suffix = " " + seconds + " " + reason + " " + protocolNumber + " " + port;
        try (java.util.stream.Stream<String> listed = TargetList.stream(file))
        {
            final java.util.Iterator<String> lines = java.util.stream.Stream.concat(targets.stream(), listed)
                .map(target -> ControlProtocol.BAN + " " + target + suffix).iterator();
            return ControlExchange.send(nodeConfig, lines, null == file && targets.size() <= 20);
        }
    }

    /** Lines of a target file: blank lines and # comments are skipped. */
    static final class TargetList
    {
        private TargetList()
        {
        }

        /**
         * The file's targets, read lazily; empty when there is no file.
         *
         * @throws java.io.IOException {@code FILE: REASON} when it cannot be opened; a read error later is an
         * {@link java.io.UncheckedIOException} whose message names the file as well.
         */
        static java.util.stream.Stream<String> stream(final Path file) throws java.io.IOException
        {
            if (null == file)
            {
                return java.util.stream.Stream.empty();
            }
            final java.io.BufferedReader reader = FileProblems.openText(file);
            return reader.lines()
                .onClose(() ->
                {
                    try
                    {
                        reader.close();
                    }
                    catch (final java.io.IOException ex)
                    {
                        throw new java.io.UncheckedIOException(ex);
                    }
                })
                .map(raw ->
                {
                    final int hash = raw.indexOf('#');
                    return (hash >= 0 ? raw.substring(0, hash) : raw).trim();
                })
                .filter(line -> !line.isEmpty());
        }
    }
}
