package io.blocksync.daemon;

import io.blocksync.daemon.control.ControlClient;
import io.blocksync.testkit.Poll;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A node running as its own OS process ({@code blocksync run -c FILE}) with the same JVM flags the launcher uses,
 * its stderr in a log file next to its config.
 */
final class NodeProcess implements AutoCloseable
{
    /**
     * A start compiles Chronicle Map's classes with javac at run time: over 30 s when seven builds share two cores.
     * Readiness is not what these tests measure, so the deadline is generous.
     */
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path config;
    private final Path stateDir;
    private final Path logFile;
    private final List<String> commandPrefix;
    private List<String> mainAndArguments;
    private List<String> jvmProperties = List.of();
    private Process process;

    NodeProcess(final Path config, final Path stateDir)
    {
        this(config, stateDir, List.of());
    }

    /**
     * @param commandPrefix runs the JVM through this, e.g. {@code ip netns exec NS} to put the node in a namespace.
     */
    NodeProcess(final Path config, final Path stateDir, final List<String> commandPrefix)
    {
        this.config = config;
        this.stateDir = stateDir;
        this.logFile = config.resolveSibling(config.getFileName() + ".log");
        this.commandPrefix = List.copyOf(commandPrefix);
        this.mainAndArguments = List.of("io.blocksync.daemon.cli.BlockSyncCli", "run", "-c", config.toString());
    }

    /** Run another main class of the test classpath instead of {@code blocksync run}; its last argument is the config. */
    NodeProcess main(final String mainClass, final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of(mainClass));
        command.addAll(List.of(arguments));
        command.add(config.toString());
        mainAndArguments = command;
        return this;
    }

    /** Extra JVM flags such as {@code -Dname=value}, before the main class. */
    NodeProcess jvmProperties(final List<String> properties)
    {
        jvmProperties = List.copyOf(properties);
        return this;
    }

    NodeProcess start() throws IOException
    {
        final List<String> command = new ArrayList<>(commandPrefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.add("-Xmx64m");
        command.add("-XX:+UseSerialGC");
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.addAll(jvmProperties);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(mainAndArguments);
        process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
        return this;
    }

    /** Agrona's export plus Chronicle's list from the daemon's jvm-flags.txt, as bin/blocksync passes them. */
    static List<String> jvmFlags() throws IOException
    {
        final List<String> flags = new ArrayList<>(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        try (InputStream in = NodeProcess.class.getResourceAsStream("/jvm-flags.txt"))
        {
            for (final String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"))
            {
                if (!line.isBlank())
                {
                    flags.add(line.trim());
                }
            }
        }
        return flags;
    }

    /**
     * Wait until the node answers on its control socket, for at most {@link #START_TIMEOUT}.
     *
     * @throws IllegalStateException with the node's log if it exits first.
     */
    NodeProcess awaitReady() throws Exception
    {
        Poll.until(stateDir + " to answer on its control socket", START_TIMEOUT, () ->
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("node exited with " + process.exitValue() + ":\n" + log());
            }
            try
            {
                final List<String> reply = ControlClient.exchange(stateDir, List.of("ping"));
                return !reply.isEmpty() && reply.get(0).startsWith("ok");
            }
            catch (final IOException ex)
            {
                return false;
            }
        }, this::log);
        return this;
    }

    /**
     * Wait until the node's log holds {@code text}, for at most {@link #START_TIMEOUT}. The control socket answers
     * before the event log's thread has written the start-up lines, so a test reads them through this, not at once.
     */
    NodeProcess awaitLog(final String text)
    {
        Poll.until(stateDir + "'s log to say '" + text + "'", START_TIMEOUT, () -> log().contains(text), this::log);
        return this;
    }

    List<String> control(final List<String> lines) throws IOException
    {
        return ControlClient.exchange(stateDir, lines);
    }

    /** SIGKILL: no shutdown hook runs, the store is left open. */
    void kill9() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the clean shutdown. */
    int stop() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    /** The process, e.g. to signal it and time its exit. */
    Process process()
    {
        return process;
    }

    boolean isAlive()
    {
        return null != process && process.isAlive();
    }

    Path stateDir()
    {
        return stateDir;
    }

    String log()
    {
        try
        {
            return Files.exists(logFile) ? Files.readString(logFile) : "(no log)";
        }
        catch (final IOException ex)
        {
            return "(log unreadable: " + ex + ")";
        }
    }

    public void close()
    {
        if (isAlive())
        {
            process.destroyForcibly();
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
