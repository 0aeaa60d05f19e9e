package io.blocksync.daemon.cli;

import io.blocksync.daemon.FirewallFactory;
import io.blocksync.daemon.config.FirewallConfig;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.firewall.FirewallBackend;
import io.blocksync.firewall.FirewallException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "flush", description = "Empty the packet filter sets/tables this node manages (blacklistd -f). " +
    "The ban store is untouched: a running node re-asserts live bans at its next re-assert or restart.")
final class FlushCommand implements Callable<Integer>
{
    @Mixin
    ConfigOption config = new ConfigOption();

    public Integer call()
    {
        final NodeConfig nodeConfig = config.load(System.err);
        if (null == nodeConfig)
        {
            return config.failure();
        }
        final FirewallConfig firewall = nodeConfig.firewall();
        if (FirewallConfig.LOG.equals(firewall.backend()))
        {
            System.out.println("firewall backend log: nothing to flush");
            return BlockSyncCli.EXIT_OK;
        }

        final FirewallBackend backend = FirewallFactory.backend(firewall, System.err::println);
        try
        {
            backend.start();
            backend.flush();
            System.out.println("flushed the " + firewall.backend() + " sets/tables of node " + nodeConfig.nodeId());
            return BlockSyncCli.EXIT_OK;
        }
        catch (final FirewallException ex)
        {
            System.err.println("blocksync flush: " + ex.getMessage());
            return BlockSyncCli.EXIT_FAILED;
        }
        finally
        {
            backend.close();
        }
    }
}
