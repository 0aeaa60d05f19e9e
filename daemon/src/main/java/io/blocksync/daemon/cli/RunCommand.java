package io.blocksync.daemon.cli;

import io.blocksync.daemon.Node;
import io.blocksync.daemon.config.NodeConfig;
import io.blocksync.daemon.status.EventLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", description = "Run a node in the foreground, logging to stderr, until SIGTERM or SIGINT.")
final class RunCommand implements Callable<Integer>
{
    @Mixin
    ConfigOption config = new ConfigOption();

    public Integer call() throws Exception
    {
        final NodeConfig nodeConfig = config.load(System.err, true);
        if (null == nodeConfig)
        {
            return BlockSyncCli.EXIT_USAGE;
        }

        final EventLog log = new EventLog(System.err);
        final Node node;
        try
        {
            node = Node.start(nodeConfig, log);
        }
        catch (final Exception ex)
        {
            log.close();
            System.err.println("blocksync: cannot start node " + nodeConfig.nodeId() + ": " + ex.getMessage());
            return BlockSyncCli.EXIT_FAILED;
        }

        ServiceReadiness.announce(System.getenv(), "node " + nodeConfig.nodeId() + " listening on UDP port " +
            nodeConfig.listen().getPort(), System.err);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            node.close();
            log.close();
            stopped.countDown();
        }, "blocksync-shutdown"));
        stopped.await();
        return BlockSyncCli.EXIT_OK;
    }
}
