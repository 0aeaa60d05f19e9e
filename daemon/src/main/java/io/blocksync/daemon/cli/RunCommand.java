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

    /**
     * Whether the command line is exactly {@code run -c FILE} (or {@code --config FILE}), the daemon's own, which
     * {@link #runPlain} runs without building picocli's model of every command: about half a second of CPU at each
     * start on this machine, far more on a small board (PERFORMANCE.md, "Issue 12: footprint").
     */
    static boolean isPlain(final String[] args)
    {
        return args.length == 3 && "run".equals(args[0]) && ("-c".equals(args[1]) || "--config".equals(args[1]));
    }

    /** Run {@code run -c FILE} as picocli would, see {@link #isPlain}; returns the exit status. */
    static int runPlain(final String[] args)
    {
        final RunCommand command = new RunCommand();
        command.config.file = java.nio.file.Path.of(args[2]);
        try
        {
            return command.call();
        }
        catch (final Exception ex)
        {
            System.err.println("blocksync run: " + ErrorText.describe(ex));
            return BlockSyncCli.EXIT_FAILED;
        }
    }

    public Integer call() throws Exception
    {
        final NodeConfig nodeConfig = config.load(System.err, true);
        if (null == nodeConfig)
        {
            return config.failure();
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
            System.err.println("blocksync: cannot start node " + nodeConfig.nodeId() + ": " + ErrorText.describe(ex));
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
