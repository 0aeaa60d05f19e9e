package io.blocksync.bench;

import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.testkit.Poll;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The nodes of a {@link LoopbackCluster}, each its own process started through the distribution's launcher
 * ({@code bin/blocksync run -c FILE}), its output in {@code nodeN.log} in the cluster's directory. The launcher execs
 * java, so a node's pid is its JVM's.
 */
final class LauncherNodes
{
    private final Path launcher;
    private final String javaOpts;
    private final LoopbackCluster cluster;
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());

    /**
     * @param launcher the {@code bin/blocksync} script.
     * @param javaOpts passed as {@code BLOCKSYNC_JAVA_OPTS}, replacing the launcher's memory and GC flags; null for
     *                 the launcher's own.
     * @param cluster  the cluster's config files and state directories.
     */
    LauncherNodes(final Path launcher, final String javaOpts, final LoopbackCluster cluster)
    {
        this.launcher = launcher;
        this.javaOpts = javaOpts;
        this.cluster = cluster;
    }

    /**
     * Start the next node (ids from 1 in the order started).
     *
     * @throws IOException if the launcher cannot be started.
     */
    void startNext() throws IOException
    {
        final int id = processes.size() + 1;
        final ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "run", "-c", cluster.configFile(id).toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile()));
        if (null != javaOpts)
        {
            builder.environment().put("BLOCKSYNC_JAVA_OPTS", javaOpts);
        }
        processes.add(builder.start());
    }

    /** @return node {@code id}'s pid. */
    long pid(final int id)
    {
        return processes.get(id - 1).pid();
    }

    /** @return true if node {@code id} is still running. */
    boolean isAlive(final int id)
    {
        return processes.get(id - 1).isAlive();
    }

    /** @return node {@code id}'s log file. */
    Path log(final int id)
    {
        return cluster.baseDir().resolve("node" + id + ".log");
    }

    /**
     * Wait until node {@code id} answers on its control socket.
     *
     * @throws IllegalStateException with the end of its log if it exits first.
     * @throws AssertionError if it does not answer within 30 s.
     */
    void awaitReady(final int id)
    {
        Poll.until("node " + id + " to answer on its control socket", Duration.ofSeconds(30), () ->
        {
            if (!isAlive(id))
            {
                throw new IllegalStateException("node " + id + " exited:\n" + BenchFiles.tail(log(id), 3000));
            }
            try
            {
                final List<String> reply = ControlClient.exchange(cluster.stateDir(id), List.of("ping"));
                return !reply.isEmpty() && reply.get(0).startsWith("ok");
            }
            catch (final IOException ex)
            {
                return false; // Not listening yet.
            }
        });
    }

    /**
     * Wait until one of node {@code id}'s counters reaches a value.
     *
     * @throws IllegalStateException if the node exits first.
     * @throws AssertionError with the counter's last value if it does not within the timeout.
     */
    void awaitCounter(final int id, final String label, final long atLeast, final Duration timeout)
    {
        Poll.until("node " + id + ": " + label + " at least " + atLeast, timeout, () ->
        {
            if (!isAlive(id))
            {
                throw new IllegalStateException("node " + id + " exited:\n" + BenchFiles.tail(log(id), 3000));
            }
            return counter(id, label) >= atLeast;
        }, () -> label + " is " + counter(id, label));
    }

    /** @return one of node {@code id}'s own counters, -1 if it has none of that label yet. */
    long counter(final int id, final String label)
    {
        return StatusCounters.read(cluster.stateDir(id), label);
    }

    /**
     * SIGTERM every node, then SIGKILL those still running after 20 s.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    void stopAll() throws InterruptedException
    {
        for (final Process process : processes)
        {
            process.destroy();
        }
        for (final Process process : processes)
        {
            if (!process.waitFor(20, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** For a shutdown hook: SIGTERM every node without waiting. */
    void destroyAll()
    {
        processes.forEach(Process::destroy);
    }
}
