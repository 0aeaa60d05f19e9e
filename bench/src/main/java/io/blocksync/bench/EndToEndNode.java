package io.blocksync.bench;

import io.blocksync.daemon.control.ControlClient;
import io.blocksync.testkit.NetworkNamespaces;
import io.blocksync.testkit.Poll;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One node of {@link EndToEndLatencyRun}: its own JVM inside a host's network namespace, started as
 * {@code bin/blocksync run -c FILE} starts it (Agrona's export, jvm-flags.txt, the launcher's memory flags), its
 * output in {@code FILE.log}.
 */
final class EndToEndNode
{
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path stateDir;

    private EndToEndNode(final Process process, final Path stateDir)
    {
        this.process = process;
        this.stateDir = stateDir;
    }

    /**
     * @param namespaces   the run's namespaces; they kill the node if it is still running when they close.
     * @param ns           the host's namespace.
     * @param config       the node's config file; its state directory is beside it, named after it.
     * @param nodeJavaOpts memory and GC flags, space-separated.
     * @return the started node.
     * @throws IOException if jvm-flags.txt cannot be read.
     */
    static EndToEndNode start(
        final NetworkNamespaces namespaces, final String ns, final Path config, final String nodeJavaOpts) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        try (InputStream in = EndToEndNode.class.getResourceAsStream("/jvm-flags.txt"))
        {
            if (null == in)
            {
                throw new IllegalStateException("jvm-flags.txt is not on the class path; run from bench/target/benchmarks.jar");
            }
            for (final String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n"))
            {
                if (!line.isBlank())
                {
                    command.add(line.trim());
                }
            }
        }
        command.addAll(List.of(nodeJavaOpts.trim().split("\\s+")));
        command.addAll(List.of("-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
            "io.blocksync.daemon.cli.BlockSyncCli", "run", "-c", config.toString()));
        final Process process = namespaces.spawn(ns, config.resolveSibling(config.getFileName() + ".log"), command);
        return new EndToEndNode(process, config.resolveSibling(config.getFileName().toString().replace(".conf", "")));
    }

    /**
     * @return the node's state directory.
     */
    Path stateDir()
    {
        return stateDir;
    }

    /**
     * Wait until the node answers on its control socket.
     *
     * @param logs the run's node logs, for the failure message.
     * @throws IllegalStateException if the node exits first.
     * @throws AssertionError if it does not answer within 30 s.
     */
    void awaitReady(final Supplier<String> logs)
    {
        Poll.until(stateDir + " to answer on its control socket", READY_TIMEOUT, () ->
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("node exited with " + process.exitValue() + "\n" + logs.get());
            }
            try
            {
                final List<String> reply = ControlClient.exchange(stateDir, List.of("ping"));
                return !reply.isEmpty() && reply.get(0).startsWith("ok");
            }
            catch (final IOException ex)
            {
                return false; // not listening yet
            }
        }, logs);
    }

    /**
     * Wait until one of the node's counters reaches a value.
     *
     * @param label   the counter's label.
     * @param atLeast the value to reach.
     * @param logs    the run's node logs, for the failure message.
     * @throws AssertionError if it does not within 30 s.
     */
    void awaitCounter(final String label, final long atLeast, final Supplier<String> logs)
    {
        Poll.until(stateDir + ": " + label + " at least " + atLeast, READY_TIMEOUT,
            () -> StatusCounters.read(stateDir, label) >= atLeast, logs);
    }

    /**
     * SIGTERM, then SIGKILL if it has not stopped within 20 s.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    void stop() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
        }
    }

    static String javaBinary()
    {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
