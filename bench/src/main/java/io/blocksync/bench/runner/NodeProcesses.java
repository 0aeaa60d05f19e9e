package io.blocksync.bench.runner;

import io.blocksync.bench.BenchFiles;
import io.blocksync.bench.ProcStats;
import io.blocksync.bench.StatusCounters;
import io.blocksync.daemon.LoopbackCluster;
import io.blocksync.daemon.control.ControlClient;
import io.blocksync.testkit.Poll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real nodes of a {@link LoopbackCluster}, each a process started through the distribution's launcher
 * ({@code bin/blocksync run -c FILE}, which execs java: the pid is the JVM's), optionally inside a cgroup: the
 * launcher is then started by {@code sh}, which first writes its own pid to the cgroup's {@code cgroup.procs} and
 * then execs it, so the node never runs outside its CPU cap. Output goes to {@code nodeN.log} in the cluster's directory.
 */
final class NodeProcesses implements AutoCloseable
{
    private final Path launcher;
    private final LoopbackCluster cluster;
    private final List<Process> processes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final long ticksPerSecond;

    NodeProcesses(final Path launcher, final LoopbackCluster cluster) throws IOException, InterruptedException
    {
        this.launcher = launcher;
        this.cluster = cluster;
        final Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        final String ticks = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        getconf.waitFor();
        this.ticksPerSecond = Long.parseLong(ticks);
        // Interrupted (Ctrl-C, SIGTERM): stop the nodes too rather than leave them running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> processes.forEach(Process::destroy), "bench-stop-nodes"));
    }

    /**
     * Start the next node (ids from 1 in the order started).
     *
     * @param cgroupProcs a cgroup's {@code cgroup.procs} file to run it in, or null.
     */
    void start(final Path cgroupProcs) throws IOException
    {
        final int id = processes.size() + 1;
        final List<String> command = new ArrayList<>();
        if (null != cgroupProcs)
        {
            command.addAll(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cgroupProcs.toString()));
        }
        command.addAll(List.of(launcher.toString(), "run", "-c", cluster.configFile(id).toString()));
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log(id).toFile())).start());
    }

    long pid(final int id)
    {
        return processes.get(id - 1).pid();
    }

    Path stateDirOf(final int id)
    {
        return cluster.stateDir(id);
    }

    Path log(final int id)
    {
        return cluster.baseDir().resolve("node" + id + ".log");
    }

    /** Wait until node {@code id} answers {@code ping} on its control socket; fail with its log if it exits first. */
    void awaitReady(final int id, final Duration timeout)
    {
        Poll.until("node " + id + " to answer on its control socket", timeout, () ->
        {
            mustBeAlive(id);
            try
            {
                final List<String> reply = ControlClient.exchange(cluster.stateDir(id), List.of("ping"));
                return !reply.isEmpty() && reply.get(0).startsWith("ok");
            }
            catch (final IOException ex)
            {
                return false;
            }
        });
    }

    /** Wait until one of node {@code id}'s counters reaches a value. */
    void awaitCounter(final int id, final String label, final long atLeast, final Duration timeout)
    {
        Poll.until("node " + id + ": " + label + " at least " + atLeast, timeout, () ->
        {
            mustBeAlive(id);
            return counter(id, label) >= atLeast;
        }, () -> label + " is " + counter(id, label));
    }

    /** @return one of node {@code id}'s own counters, -1 if not there yet. */
    long counter(final int id, final String label)
    {
        return StatusCounters.read(cluster.stateDir(id), label);
    }

    /** @return CPU time node {@code id} has used so far (utime + stime), in seconds. */
    double cpuSeconds(final int id) throws IOException
    {
        return (double)ProcStats.cpuTicks(pid(id)) / ticksPerSecond;
    }

    /** @return node {@code id}'s resident set ({@code VmRSS}), in MiB. */
    double rssMebibytes(final int id) throws IOException
    {
        final Map<String, String> status = ProcStats.status(pid(id));
        return Long.parseLong(status.getOrDefault("VmRSS", "0 kB").replace(" kB", "").strip()) / 1024.0;
    }

    private void mustBeAlive(final int id)
    {
        if (!processes.get(id - 1).isAlive())
        {
            String tail;
            try
            {
                tail = BenchFiles.tail(log(id), 2000);
            }
            catch (final IOException ex)
            {
                tail = "(no log: " + ex.getMessage() + ")";
            }
            throw new IllegalStateException("node " + id + " exited:\n" + tail);
        }
    }

    /** SIGTERM every node, SIGKILL those still running after 20 s. */
    public void close()
    {
        processes.forEach(Process::destroy);
        for (final Process process : processes)
        {
            try
            {
                if (!process.waitFor(20, TimeUnit.SECONDS))
                {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
