package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.control.ControlProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "unban", description = "Lift bans on a running node; the unban reaches every peer like a ban does.")
final class UnbanCommand implements Callable<Integer>
{
    @Mixin
    ConfigOption config = new ConfigOption();

    @Parameters(paramLabel = "ADDR[/LEN]", arity = "0..*", description = "Addresses or prefixes, as they were banned.")
    List<String> targets = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "Also unban every address in FILE (one per line).")
    Path file;

    public Integer call() throws Exception
    {
        final NodeConfig nodeConfig = config.load(System.err);
        if (null == nodeConfig)
        {
            return config.failure();
        }

        if (targets.isEmpty() && null == file)
        {
            System.err.println("blocksync unban: nothing to unban (give ADDR[/LEN] or --file FILE)");
            return BlockSyncCli.EXIT_USAGE;
        }

        try (java.util.stream.Stream<String> listed = BanCommand.TargetList.stream(file))
        {
            final java.util.Iterator<String> lines = java.util.stream.Stream.concat(targets.stream(), listed)
                .map(target -> ControlProtocol.UNBAN + " " + target).iterator();
            return ControlExchange.send(nodeConfig, lines, null == file && targets.size() <= 20);
        }
    }
}
