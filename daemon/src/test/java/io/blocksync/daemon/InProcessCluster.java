package io.blocksync.daemon;

import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.status.EventLog;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Nodes started inside the test JVM, for tests that need a hook into the loop (loss injection, allocation
 * measurement). They use the same config files, stores and sockets as separate processes would.
 */
final class InProcessCluster implements AutoCloseable
{
    final LoopbackCluster files;
    final List<Node> nodes = new ArrayList<>();
    private final OutputStream logOut;
    private final EventLog log;

    InProcessCluster(final Path dir, final int size, final String settings, final int startCount) throws Exception
    {
        files = LoopbackCluster.write(dir, size, settings);
        logOut = Files.newOutputStream(dir.resolve("nodes.log"));
        log = new EventLog(logOut);
        for (int id = 1; id <= startCount; id++)
        {
            nodes.add(Node.start(ConfigReader.read(files.configFile(id)), log));
        }
    }

    Node node(final int id)
    {
        return nodes.get(id - 1);
    }

    Path configFile(final int id)
    {
        return files.configFile(id);
    }

    String log()
    {
        try
        {
            return Files.readString(files.baseDir().resolve("nodes.log"));
        }
        catch (final Exception ex)
        {
            return "(no log: " + ex + ")";
        }
    }

    public void close() throws java.io.IOException
    {
        for (final Node node : nodes)
        {
            node.close();
        }
        log.close();
        logOut.close();
    }
}
