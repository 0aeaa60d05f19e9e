package io.blocksync.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one L2 segment for {@link EndToEndLatencyRun}, each in its own network namespace, joined by a bridge in a
 * further namespace, with documentation addresses 192.0.2.N/24 and 2001:db8:a::N/64 (the daemon tests'
 * {@code Namespaces}, which bench cannot depend on). Nothing is created in the caller's namespace. {@link #close()}
 * kills every process started here, then deletes every namespace; a shutdown hook does the same if the run is
 * interrupted.
 */
final class EndToEndHosts implements AutoCloseable
{
    private final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    private final String lan = "bsl-" + suffix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread cleanup = new Thread(this::deleteAll, "e2e-cleanup");
    private boolean closed;

    EndToEndHosts() throws IOException, InterruptedException
    {
        Runtime.getRuntime().addShutdownHook(cleanup);
        addNamespace(lan);
        run("ip", "-n", lan, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", lan, "link", "set", "br0", "up");
    }

    /** Host N: its namespace name, with 192.0.2.N/24 and 2001:db8:a::N/64 on its eth0. */
    String host(final int n) throws IOException, InterruptedException
    {
        final String ns = "bsh" + n + "-" + suffix;
        addNamespace(ns);
        run("ip", "-n", lan, "link", "add", "v" + n, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "-n", lan, "link", "set", "v" + n, "master", "br0", "up");
        run("ip", "-n", ns, "addr", "add", "192.0.2." + n + "/24", "dev", "eth0");
        run("ip", "-n", ns, "addr", "add", "2001:db8:a::" + n + "/64", "dev", "eth0", "nodad");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        run("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** Many {@code ip} commands in one process ({@code ip -n NS -batch -}), e.g. hundreds of addresses. */
    void ipBatch(final String ns, final List<String> commands) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder("ip", "-n", ns, "-batch", "-").redirectErrorStream(true).start();
        try (OutputStream in = process.getOutputStream())
        {
            in.write((String.join("\n", commands) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IOException("ip -n " + ns + " -batch - failed: " + out);
        }
    }

    /** Run a command in a namespace to completion; fails with its output unless it exits 0. */
    void exec(final String ns, final String... command) throws IOException, InterruptedException
    {
        run(inNamespace(ns, command).toArray(String[]::new));
    }

    /**
     * A long-running process in a namespace, killed by {@link #close()} if still alive then.
     *
     * @param log receives stdout and stderr, or null to read them from the returned process.
     */
    Process spawn(final String ns, final Path log, final List<String> command) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(inNamespace(ns, command.toArray(String[]::new)))
            .redirectErrorStream(true);
        if (null != log)
        {
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        final Process process = builder.start();
        synchronized (this)
        {
            processes.add(process);
        }
        return process;
    }

    public void close()
    {
        deleteAll();
        try
        {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        catch (final IllegalStateException ex)
        {
            // already shutting down: the hook is running or has run
        }
    }

    private static List<String> inNamespace(final String ns, final String... command)
    {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(List.of(command));
        return argv;
    }

    private synchronized void deleteAll()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (final Process process : processes)
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
            }
        }
        for (final Process process : processes)
        {
            try
            {
                process.waitFor(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        // A namespace outlives its deletion while a process still runs in it, hence the kills above.
        for (int i = namespaces.size() - 1; i >= 0; i--)
        {
            try
            {
                run("ip", "netns", "del", namespaces.get(i));
            }
            catch (final IOException | InterruptedException ex)
            {
                System.err.println("warning: could not delete namespace " + namespaces.get(i) + ": " + ex.getMessage());
            }
        }
    }

    private void addNamespace(final String ns) throws IOException, InterruptedException
    {
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
    }

    private static void run(final String... argv) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0)
        {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
    }
}
