package io.blocksync.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Network namespaces for one fixture, and everything in them: veth pairs, bridge segments, addresses and the
 * processes started inside. Every namespace is named {@code PREFIX-SUFFIX} with one random suffix per instance, so
 * concurrent or leftover runs never collide. Nothing is created in the caller's namespace: veth pairs are made inside
 * a namespace and moved to the other. Addresses are documentation space only ({@link DocumentationAddresses}).
 * <p>
 * {@link #close()} kills every process started here, then deletes every namespace (a namespace outlives its deletion
 * while a process still runs in it); a shutdown hook does the same if the JVM is stopped first. Needs root and
 * {@code ip} (iproute2): check {@link #unavailableReason(String...)} first.
 */
public final class NetworkNamespaces implements AutoCloseable
{
    private static final SecureRandom SUFFIXES = new SecureRandom();

    private final String suffix = Integer.toHexString(0x100000 + SUFFIXES.nextInt(0xF00000));
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread cleanup = new Thread(this::deleteAll, "netns-cleanup");
    private boolean closed;

    /**
     * Creates nothing yet; registers the shutdown hook.
     */
    public NetworkNamespaces()
    {
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * @param tools programs the caller needs besides {@code ip}, e.g. {@code "nft", "socat"}.
     * @return why namespace fixtures cannot run here ("creating network namespaces needs root", "'nft' is not
     * installed"), or null if they can.
     */
    public static String unavailableReason(final String... tools)
    {
        if (!Tools.isRoot())
        {
            return "creating network namespaces needs root";
        }
        final String missing = Tools.installed("ip") ? Tools.firstMissing(tools) : "ip";
        return null == missing ? null : "'" + missing + "' is not installed";
    }

    /**
     * @param ns      a namespace name.
     * @param command the program and its arguments.
     * @return {@code ip netns exec NS COMMAND...}, to run the command inside the namespace.
     */
    public static List<String> inNamespace(final String ns, final String... command)
    {
        return inNamespace(ns, List.of(command));
    }

    /**
     * @param ns      a namespace name.
     * @param command the program and its arguments.
     * @return {@code ip netns exec NS COMMAND...}, to run the command inside the namespace.
     */
    public static List<String> inNamespace(final String ns, final List<String> command)
    {
        final List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        argv.addAll(command);
        return argv;
    }

    /**
     * @return this instance's random suffix (6 hex digits), e.g. to make interface names unique too.
     */
    public String suffix()
    {
        return suffix;
    }

    /**
     * @param prefix what the namespace is for, e.g. {@code "bs-prot"}.
     * @return the new namespace's name, {@code PREFIX-SUFFIX}, with its loopback up.
     * @throws IllegalStateException if {@code ip netns add} fails.
     */
    public String create(final String prefix)
    {
        final String ns = prefix + "-" + suffix;
        Command.of("ip", "netns", "add", ns).mustSucceed();
        synchronized (this)
        {
            namespaces.add(ns);
        }
        up(ns, "lo");
        return ns;
    }

    /**
     * A veth pair between two namespaces, both ends up; created inside the first namespace so no name is taken in
     * the caller's.
     *
     * @param ns       the namespace of one end.
     * @param name     that end's interface name (at most 15 characters).
     * @param peerNs   the namespace of the other end.
     * @param peerName the other end's interface name.
     */
    public void veth(final String ns, final String name, final String peerNs, final String peerName)
    {
        ip(ns, "link", "add", name, "type", "veth", "peer", "name", peerName, "netns", peerNs);
        up(ns, name);
        up(peerNs, peerName);
    }

    /**
     * A bridge in a namespace of its own: an L2 segment for hosts to join.
     *
     * @param prefix the bridge namespace's prefix, e.g. {@code "bsl"}.
     * @return the segment.
     */
    public BridgeSegment bridge(final String prefix)
    {
        return new BridgeSegment(this, create(prefix));
    }

    /**
     * @param ns     a namespace.
     * @param device an interface in it.
     * @param cidr   a documentation address with its prefix length; IPv6 without duplicate address detection, so it
     *               is usable at once.
     * @throws IllegalArgumentException if the address is not documentation space.
     */
    public void address(final String ns, final String device, final String cidr)
    {
        DocumentationAddresses.require(cidr);
        if (cidr.contains(":"))
        {
            ip(ns, "addr", "add", cidr, "dev", device, "nodad");
        }
        else
        {
            ip(ns, "addr", "add", cidr, "dev", device);
        }
    }

    /**
     * @param ns     a namespace.
     * @param device an interface in it, set up.
     */
    public void up(final String ns, final String device)
    {
        ip(ns, "link", "set", device, "up");
    }

    /**
     * Many {@code ip} commands in one process ({@code ip -n NS -batch -}), e.g. hundreds of addresses.
     *
     * @param ns       a namespace.
     * @param commands {@code ip} commands without the {@code ip}, e.g. {@code "addr add 192.0.2.9/32 dev eth0"}.
     * @throws IllegalArgumentException if an {@code addr add} names an address outside documentation space.
     */
    public void ipBatch(final String ns, final List<String> commands)
    {
        for (final String command : commands)
        {
            final String[] words = command.trim().split("\\s+");
            if (words.length > 2 && words[0].startsWith("addr") && "add".equals(words[1]))
            {
                DocumentationAddresses.require(words[2]);
            }
        }
        Command.of("ip", "-n", ns, "-batch", "-").stdin(String.join("\n", commands) + "\n").mustSucceed();
    }

    /**
     * Run a command inside a namespace to completion, with the default timeout.
     *
     * @param ns      a namespace.
     * @param command the program and its arguments.
     * @return what it did; never throws for a non-zero exit.
     */
    public Command.Result exec(final String ns, final String... command)
    {
        return Command.of(inNamespace(ns, command)).run();
    }

    /**
     * Run a command inside a namespace to completion.
     *
     * @param timeout kill it after this; the result then has exit code -1.
     * @param ns      a namespace.
     * @param command the program and its arguments.
     * @return what it did; never throws for a non-zero exit.
     */
    public Command.Result exec(final Duration timeout, final String ns, final String... command)
    {
        return Command.of(inNamespace(ns, command)).timeout(timeout).run();
    }

    /**
     * Run a command inside a namespace and insist on exit code 0.
     *
     * @param ns      a namespace.
     * @param command the program and its arguments.
     * @return what it did.
     * @throws IllegalStateException with the command's output if it did not exit 0.
     */
    public Command.Result must(final String ns, final String... command)
    {
        return Command.of(inNamespace(ns, command)).mustSucceed();
    }

    /**
     * A long-running process inside a namespace, its stderr merged into its stdout; {@link #close()} kills it (and
     * its children) if it is still alive then.
     *
     * @param ns      a namespace.
     * @param output  where stdout and stderr go: {@link ProcessBuilder.Redirect#PIPE} to read them from the process,
     *                {@link ProcessBuilder.Redirect#DISCARD}, or {@link ProcessBuilder.Redirect#appendTo} a log.
     * @param command the program and its arguments.
     * @return the started process.
     * @throws UncheckedIOException if it cannot be started.
     */
    public Process spawn(final String ns, final ProcessBuilder.Redirect output, final List<String> command)
    {
        try
        {
            final Process process = new ProcessBuilder(inNamespace(ns, command))
                .redirectErrorStream(true)
                .redirectOutput(output)
                .start();
            synchronized (this)
            {
                processes.add(process);
            }
            return process;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + command + " in " + ns, ex);
        }
    }

    /**
     * As {@link #spawn(String, ProcessBuilder.Redirect, List)} with the output appended to a log file.
     *
     * @param ns      a namespace.
     * @param log     receives stdout and stderr.
     * @param command the program and its arguments.
     * @return the started process.
     */
    public Process spawn(final String ns, final Path log, final List<String> command)
    {
        return spawn(ns, ProcessBuilder.Redirect.appendTo(log.toFile()), command);
    }

    /**
     * @return the namespaces created so far, oldest first.
     */
    public synchronized List<String> namespaces()
    {
        return List.copyOf(namespaces);
    }

    /**
     * Kill every process started here, then delete every namespace, newest first. Failures are printed, not thrown,
     * so one stuck namespace does not keep the others.
     */
    @Override
    public void close()
    {
        deleteAll();
        try
        {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        catch (final IllegalStateException ex)
        {
            // Already shutting down: the hook is running or has run.
        }
    }

    private void ip(final String ns, final String... args)
    {
        final List<String> argv = new ArrayList<>(List.of("ip", "-n", ns));
        argv.addAll(List.of(args));
        Command.of(argv).mustSucceed();
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
                Command.kill(process);
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--)
        {
            final Command.Result result = Command.of("ip", "netns", "del", namespaces.get(i)).run();
            if (!result.succeeded())
            {
                System.err.println("warning: could not delete network namespace " + namespaces.get(i) + ": " +
                    result.describe());
            }
        }
    }
}
