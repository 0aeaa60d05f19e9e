package io.blocksync.daemon.cli;

import io.blocksync.daemon.config.ConfigException;
import io.blocksync.daemon.config.ConfigReader;
import io.blocksync.daemon.config.NodeConfig;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The {@code -c FILE} option every command that talks to a node takes.
 */
final class ConfigOption
{
    @Option(names = { "-c", "--config" }, required = true, paramLabel = "FILE", description = "The node's config file.")
    Path file;

    /** Set by {@link PlainCommands}: the settings it read from {@link #file} ({@code ControlConfig}), used as is. */
    NodeConfig preloaded;

    private int failure = BlockSyncCli.EXIT_USAGE;

    /**
     * @return the config, or null after printing every error to {@code err} ({@link #failure()} says the exit status).
     */
    NodeConfig load(final PrintStream err)
    {
        return load(err, false);
    }

    /**
     * @param showWarnings print the config's warnings (for run and check-config; other commands stay quiet).
     */
    NodeConfig load(final PrintStream err, final boolean showWarnings)
    {
        if (null != preloaded)
        {
            return preloaded;
        }
        try
        {
            final NodeConfig config = ConfigReader.read(file);
            if (showWarnings)
            {
                config.warnings().forEach(err::println);
            }
            return config;
        }
        catch (final ConfigException ex)
        {
            for (final String error : ex.errors())
            {
                err.println(error);
            }
            failure = ex.isUnreadable() ? BlockSyncCli.EXIT_FAILED : BlockSyncCli.EXIT_USAGE;
            return null;
        }
    }

    /**
     * @return the exit status after {@link #load} returned null: {@link BlockSyncCli#EXIT_FAILED} when the file could
     * not be read (missing, unreadable: an operation that failed), {@link BlockSyncCli#EXIT_USAGE} when it was read and
     * does not validate.
     */
    int failure()
    {
        return failure;
    }
}
